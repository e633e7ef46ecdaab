/**
 * Python's calling convention for the hand-written nn.functional functions: after the required
 * arguments, PyTorch's optional parameters may come positionally, in Python's order
 * (`F.maxPool2d(x, 2, 2)`, `F.conv2d(x, w, b, 1, 1)`), followed by — or replaced by — one
 * options object (`F.conv2d(x, w, { bias, stride, padding })`). The wrapper folds the positional
 * ones into the options object the implementation takes; a value given twice, too many
 * positional arguments or an unknown option key is a TypeError.
 */
import { isPlainObject } from '../../validate';

/**
 * `impl(required..., options)` → a function that also takes `positional` (Python's order) before
 * the options object, and the required parameters by name in it (`F.softmax(x, { dim: 1 })`).
 * `keywords` are the option keys that may only come by name.
 */
export function pythonArgs<Sig extends (...args: any[]) => unknown>(
  what: string, impl: (...args: any[]) => unknown, required: readonly string[], positional: readonly string[], keywords: readonly string[] = [],
): Sig {
  const allowed = new Set([...required, ...positional, ...keywords]);
  const n = required.length;
  return ((...args: unknown[]) => {
    while (args.length > 0 && args[args.length - 1] === undefined) args = args.slice(0, -1);
    const given: Record<string, unknown> = {};
    const last = args[args.length - 1];
    if (isPlainObject(last)) {
      args = args.slice(0, -1);
      for (const [k, v] of Object.entries(last)) {
        if (!allowed.has(k)) throw new TypeError(`${what}(): unknown option '${k}' (takes ${[...allowed].join(', ')})`);
        given[k] = v;
      }
    }
    if (args.length > n + positional.length) throw new TypeError(`${what}(): takes at most ${n + positional.length} positional arguments, got ${args.length}`);
    const head: unknown[] = [];
    required.forEach((name, i) => {
      if (i < args.length) {
        if (name in given) throw new TypeError(`${what}(): got multiple values for '${name}'`);
        head.push(args[i]);
      } else if (name in given) {
        head.push(given[name]);
        delete given[name];
      } else throw new TypeError(`${what}(): missing required argument '${name}'`);
    });
    args.slice(n).forEach((v, i) => {
      if (v === undefined) return;
      if (positional[i] in given) throw new TypeError(`${what}(): got multiple values for '${positional[i]}'`);
      given[positional[i]] = v;
    });
    return impl(...head, given);
  }) as Sig;
}
