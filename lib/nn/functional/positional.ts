/**
 * Python's calling convention for the hand-written nn.functional functions: after the required
 * arguments, PyTorch's optional parameters may come positionally, in Python's order
 * (`F.maxPool2d(x, 2, 2)`, `F.conv2d(x, w, b, 1, 1)`), followed by — or replaced by — one
 * options object (`F.conv2d(x, w, { bias, stride, padding })`). The wrapper folds the positional
 * ones into the options object the implementation takes; a value given twice, too many
 * positional arguments or an unknown option key is a TypeError.
 */

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * `impl(required..., options)` → a function that also takes `positional` (Python's order) before
 * the options object. `keywords` are the option keys that may only come by name.
 */
export function pythonArgs<Sig extends (...args: any[]) => unknown>(
  what: string, impl: (...args: any[]) => unknown, required: number, positional: readonly string[], keywords: readonly string[] = [],
): Sig {
  const allowed = new Set([...positional, ...keywords]);
  return ((...args: unknown[]) => {
    while (args.length > required && args[args.length - 1] === undefined) args = args.slice(0, -1);
    const head = args.slice(0, required);
    let rest = args.slice(required);
    const last = rest[rest.length - 1];
    const given: Record<string, unknown> = {};
    if (isPlainObject(last)) {
      rest = rest.slice(0, -1);
      for (const [k, v] of Object.entries(last)) {
        if (!allowed.has(k)) throw new TypeError(`${what}(): unknown option '${k}' (takes ${[...allowed].join(', ')})`);
        given[k] = v;
      }
    }
    if (rest.length > positional.length) throw new TypeError(`${what}(): takes at most ${required + positional.length} positional arguments, got ${required + rest.length}`);
    rest.forEach((v, i) => {
      if (v === undefined) return;
      if (positional[i] in given) throw new TypeError(`${what}(): got multiple values for '${positional[i]}'`);
      given[positional[i]] = v;
    });
    return impl(...head, given);
  }) as Sig;
}
