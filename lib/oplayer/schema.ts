/**
 * Parses an ATen operator schema string, e.g.
 *   aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor
 * into what the op layer needs to match JS arguments against it. Shared by the generator
 * (scripts/gen/generate.ts, from the dumped schemas) and the run-time dispatcher (from the schema
 * of the LibTorch actually loaded, `native.opSchema`), so both read schemas the same way.
 * No tensors here: it must load without the addon.
 */

/** The argument types the JS ↔ IValue conversion (binding/ivalue_convert.cc) understands. */
export type BaseType =
  | 'Tensor' | 'int' | 'float' | 'bool' | 'Scalar' | 'str' | 'ScalarType' | 'Layout' | 'Device'
  | 'MemoryFormat' | 'Generator';

export interface TypeSpec {
  base: BaseType | string;
  optional: boolean;
  /** A list type (`int[]`, `Tensor[]`, `Tensor?[]`); `size` is N of `int[N]` (one int stands for N). */
  list: boolean;
  size?: number;
  elemOptional: boolean;
}

export interface ArgSpec {
  name: string;
  type: TypeSpec;
  hasDefault: boolean;
  kwOnly: boolean;
  /** Written in place (`Tensor(a!)`). */
  write: boolean;
  /** Alias set letter of the annotation, e.g. 'a' of `Tensor(a!)`. */
  alias?: string;
}

export interface ReturnSpec {
  name?: string;
  type: TypeSpec;
  alias?: string;
  write: boolean;
}

export interface Schema {
  name: string;      // without the 'aten::' namespace
  overload: string;
  args: ArgSpec[];
  returns: ReturnSpec[];
  /** returns is one written alias of an argument: the index of that argument, else -1. */
  aliasedArg: number;
}

const BASE_ALIASES: Record<string, BaseType> = { SymInt: 'int' };
const SUPPORTED = new Set<string>(['Tensor', 'int', 'float', 'bool', 'Scalar', 'str', 'ScalarType', 'Layout', 'Device', 'MemoryFormat', 'Generator']);

/** Splits at top-level commas (not inside brackets, parentheses or quotes). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote && s[i - 1] !== '\\') quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/** `Tensor(a!)[]?` → its type with the alias annotation taken out. */
export function parseType(raw: string): { type: TypeSpec; alias?: string; write: boolean } {
  let alias: string | undefined;
  let write = false;
  const t = raw.replace(/\(([a-z*]+)(!?)(?:\s*->\s*[^)]*)?\)/, (_m, a: string, w: string) => {
    alias = a;
    write = w === '!';
    return '';
  });
  const m = /^([A-Za-z_.]+)(\?)?(?:\[(\d*)\](\?)?)?$/.exec(t.trim());
  if (!m) return { type: { base: t.trim(), optional: false, list: false, elemOptional: false }, alias, write };
  const base = BASE_ALIASES[m[1]] ?? m[1];
  const isList = m[3] !== undefined;
  return {
    type: {
      base,
      list: isList,
      size: isList && m[3] ? Number(m[3]) : undefined,
      elemOptional: isList && m[2] === '?',
      optional: isList ? m[4] === '?' : m[2] === '?',
    },
    alias,
    write,
  };
}

function parseArg(raw: string, kwOnly: boolean): ArgSpec {
  const eq = findDefault(raw);
  const decl = (eq >= 0 ? raw.slice(0, eq) : raw).trim();
  const space = decl.lastIndexOf(' ');
  const { type, alias, write } = parseType(decl.slice(0, space));
  return { name: decl.slice(space + 1), type, hasDefault: eq >= 0, kwOnly, write, alias };
}

function findDefault(raw: string): number {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0) return i;
  }
  return -1;
}

function parseReturns(raw: string): ReturnSpec[] {
  let s = raw.trim();
  if (s === '()') return [];
  if (s.startsWith('(') && s.endsWith(')') && splitTop(s.slice(1, -1)).length >= 1 && !/^\([a-z*]+!?\)/.test(s)) s = s.slice(1, -1);
  return splitTop(s).map((r) => {
    // `Tensor values` (named) or `Tensor(a!)` / `Tensor[]`
    const m = /^(\S+)(?:\s+(\w+))?$/.exec(r.replace(/\(([a-z*]+)(!?)(?:\s*->\s*[^)]*)?\)/, (x) => x.replace(/\s+/g, '')));
    const typeText = m ? m[1] : r;
    const { type, alias, write } = parseType(typeText);
    return { name: m?.[2], type, alias, write };
  });
}

export function parseSchema(text: string): Schema {
  const open = text.indexOf('(');
  const arrow = text.lastIndexOf(') ->');
  if (open < 0 || arrow < 0) throw new Error(`cannot parse schema '${text}'`);
  const full = text.slice(0, open).replace(/^aten::/, '');
  const dot = full.indexOf('.');
  const name = dot >= 0 ? full.slice(0, dot) : full;
  const overload = dot >= 0 ? full.slice(dot + 1) : '';
  const args: ArgSpec[] = [];
  let kwOnly = false;
  for (const part of splitTop(text.slice(open + 1, arrow))) {
    if (part === '*') kwOnly = true;
    else args.push(parseArg(part, kwOnly));
  }
  const returns = parseReturns(text.slice(arrow + 4));
  let aliasedArg = -1;
  if (returns.length === 1 && returns[0].write && !returns[0].type.list) {
    aliasedArg = args.findIndex((a) => a.write && a.alias === returns[0].alias);
  }
  return { name, overload, args, returns, aliasedArg };
}

/** Whether every argument and result converts between JS and IValue (ivalue_convert.cc). */
export function expressible(s: Schema): boolean {
  for (const a of s.args) {
    if (!SUPPORTED.has(a.type.base)) return false;
    if (a.type.list && !['int', 'float', 'bool', 'Tensor'].includes(a.type.base)) return false;
    if (a.type.elemOptional && a.type.base !== 'Tensor') return false;
  }
  for (const r of s.returns) {
    if (!['Tensor', 'int', 'float', 'bool', 'Scalar', 'ScalarType', 'str'].includes(r.type.base)) return false;
    if (r.type.list && r.type.base !== 'Tensor') return false;
  }
  return true;
}

/** snake_case → camelCase, keeping a trailing `_` (in place) and leading capitals (`U`, `Vh`). */
export function camel(name: string): string {
  const trail = name.endsWith('_') ? '_' : '';
  const core = trail ? name.slice(0, -1) : name;
  return core.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) + trail;
}
