/**
 * The op generator: `npm run gen:ops`. Reads the committed dumps scripts/gen/schemas-*.json
 * (written by dump_schemas.py with each Python torch line) and writes lib/generated/*.ts:
 * every operator of torch.*, Tensor.*, torch.linalg.*, torch.special.* and
 * torch.nn.functional.* that maps to an ATen op, as typed functions/methods over the run-time
 * dispatcher (lib/oplayer/dispatch.ts). Deterministic: the same dumps give the same files.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ArgSpec, camel, expressible, parseSchema, Schema, TypeSpec } from '../../lib/oplayer/schema';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'lib', 'generated');

type PyEntry = { kind: 'builtin' } | { kind: 'python'; params: [string, string, boolean][] | null };
interface Dump {
  torch: string;
  schemas: string[];
  python: Record<'torch' | 'Tensor' | 'linalg' | 'special' | 'functional', Record<string, PyEntry>>;
}

// Quantized, sparse, mkldnn, backend-specific, named-tensor and internal operators are left out.
const DENY = new RegExp('^(' + [
  'q_.*', 'quantize.*', 'dequantize', 'fake_quantize.*', 'int_repr', 'qscheme', 'quantized_.*', 'fused_moving_avg.*',
  '.*sparse.*', 'coalesce', 'is_coalesced', 'indices', 'values', 'crow_indices', 'col_indices', 'ccol_indices', 'row_indices',
  'sspaddmm', 'smm', 'hspmm', 'to_dense', 'to_dense_backward', 'dense_dim', 'sparse_dim',
  '.*mkldnn.*', 'cudnn_.*', 'miopen_.*', 'fbgemm_.*', 'is_vulkan_available', '.*vulkan.*', '.*mps.*', '.*xpu.*',
  'nested.*', 'to_padded_tensor', 'segment_reduce', '.*_backward', 'align_to', 'align_as', 'align_tensors', 'refine_names', 'rename', 'rename_',
  'record_stream', 'data_ptr', 'set_', 'storage_offset', 'is_set_to', 'share_memory_', 'untyped_storage', 'pin_memory', 'is_pinned',
  'rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'rnn_tanh_cell', 'rnn_relu_cell', 'lstm_cell', 'gru_cell', 'quantized_lstm_cell', 'quantized_gru_cell',
  'native_.*', 'batch_norm_backward.*', 'batch_norm_gather_stats.*', 'batch_norm_elemt', 'batch_norm_stats', 'batch_norm_update_stats',
  'cudnn_is_acceptable', 'is_distributed', 'retain_grad', 'retains_grad', 'output_nr',
  'requires_grad_', 'backward', 'is_leaf', 'item', 'data', 'sym_.*', 'resize_as_sparse_', 'conv_tbc', 'choose_qparams_optimized',
  // Python-level functions whose results depend on flags: composed in lib/set-ops.ts
  'unique', 'unique_consecutive', 'unique_dim',
].join('|') + ')$');

const NAMESPACES = ['torch', 'Tensor', 'linalg', 'special', 'functional'] as const;
type Namespace = typeof NAMESPACES[number];
const PREFIX: Record<Namespace, string> = { torch: '', Tensor: '', linalg: 'linalg_', special: 'special_', functional: '' };
const DISPLAY: Record<Namespace, string> = { torch: 'torch', Tensor: 'Tensor', linalg: 'torch.linalg', special: 'torch.special', functional: 'torch.nn.functional' };

function load(file: string): Dump {
  return JSON.parse(fs.readFileSync(path.join(__dirname, file), 'utf8')) as Dump;
}

const dumps = fs.readdirSync(__dirname).filter((f) => /^schemas-.*\.json$/.test(f)).sort().map(load);

/** aten name → overloads ('name.overload' → Schema per line), in registration order. */
const byName = new Map<string, Map<string, Schema[]>>();
for (const d of dumps) {
  for (const text of d.schemas) {
    const s = parseSchema(text);
    if (!expressible(s)) continue;
    // named-tensor overloads (their Dimname arguments print as `str`): named tensors are not supported
    if (/dimname|names/i.test(s.overload)) continue;
    const tensorish = [...s.args, ...s.returns].some((a) => a.type.base === 'Tensor' || a.type.base === 'ScalarType');
    if (!tensorish) continue;
    const key = s.overload ? `${s.name}.${s.overload}` : s.name;
    let m = byName.get(s.name);
    if (!m) byName.set(s.name, (m = new Map()));
    const list = m.get(key) ?? [];
    list.push(s);
    m.set(key, list);
  }
}

/** Python's arg parser prefers `int` over `int[]` at the same position (gen_python_functions.py sort_overloads). */
function pySort(keys: string[], get: (k: string) => Schema): string[] {
  const out = [...keys];
  const prefer = (a: Schema, b: Schema): boolean => {
    const pa = a.args.filter((x) => !x.kwOnly);
    const pb = b.args.filter((x) => !x.kwOnly);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const ta = pa[i].type;
      const tb = pb[i].type;
      if (ta.base === 'int' && !ta.list && tb.base === 'int' && tb.list) return true;
      if (ta.base === 'Tensor' && !ta.list && tb.base === 'Tensor' && tb.list) return true;
    }
    return false;
  };
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && prefer(get(out[j]), get(out[j - 1])) && !prefer(get(out[j - 1]), get(out[j])); j--) {
      [out[j], out[j - 1]] = [out[j - 1], out[j]];
    }
  }
  return out;
}

interface Gen {
  ns: Namespace;
  py: string;
  js: string;
  ops: string[];
  schemas: Schema[][];
  varTensors: boolean;
  inplace?: [string[], number];
}

function overloadsOf(aten: string, method: boolean): string[] {
  const m = byName.get(aten);
  if (!m) return [];
  const keys = [...m.keys()].filter((k) => !method || m.get(k)!.some((s) => s.args.some((a) => a.name === 'self')));
  return pySort(keys, (k) => m.get(k)![m.get(k)!.length - 1]);
}

/** A Python-level function maps onto ATen when its parameters are a subsequence of an overload's. */
function compatible(params: [string, string, boolean][], ops: string[], aten: string): boolean {
  const names = params.filter(([n, k]) => n !== 'out' && k !== 'varkw').map(([n]) => n);
  return ops.some((k) => byName.get(aten)!.get(k)!.some((s) => {
    const argNames = s.args.map((a) => a.name);
    let at = 0;
    for (let i = 0; i < names.length; i++) {
      const want = i === 0 ? argNames[0] : names[i];
      const found = argNames.indexOf(want, at);
      if (found < 0) return false;
      at = found + 1;
    }
    return true;
  }));
}

function collect(ns: Namespace): Gen[] {
  const names = new Map<string, PyEntry>();
  for (const d of dumps) for (const [n, e] of Object.entries(d.python[ns])) if (!names.has(n) || e.kind === 'builtin') names.set(n, e);
  const out: Gen[] = [];
  for (const [py, entry] of [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (py.startsWith('_') || DENY.test(py)) continue;
    const aten = PREFIX[ns] + py;
    const ops = overloadsOf(aten, ns === 'Tensor');
    if (!ops.length) continue;
    // torch.kl_div & co. are undocumented bindings whose Python defaults differ from the schema's
    // (reduction); the losses are nn.functional's (lib/nn/functional/losses.ts)
    if (ns !== 'functional' && ops.some((k) => byName.get(aten)!.get(k)!.some((s) => s.args.some((a) => a.name === 'reduction' && a.type.base === 'int')))) continue;
    let varTensors = false;
    let inplace: [string[], number] | undefined;
    if (entry.kind === 'python') {
      let params = entry.params;
      if (!params) continue;
      // Python's losses take reduction='mean' (a string) where ATen takes an enum: composed by hand (lib/nn/functional/loss.ts).
      if (params.some(([n]) => n === 'reduction')) continue;
      if (ns === 'functional' && params.length && params[params.length - 1][0] === 'inplace') {
        const ip = overloadsOf(aten + '_', false);
        if (!ip.length) continue;
        inplace = [ip, params.length - 1];
        params = params.slice(0, -1);
      }
      if (params.some(([, k]) => k === 'varargs')) {
        varTensors = ops.some((k) => byName.get(aten)!.get(k)!.some((s) => s.args.some((a) => !a.kwOnly && a.type.list && a.type.base === 'Tensor')));
        if (!varTensors) continue;
      } else if (!compatible(params, ops, aten)) continue;
    }
    const js = camel(py);
    out.push({ ns, py, js, ops, schemas: ops.map((k) => byName.get(aten)!.get(k)!), varTensors, inplace });
  }
  return out;
}

// ---- TypeScript declarations from schema types ------------------------------------------------

const RESERVED = new Set(['var', 'function', 'new', 'delete', 'default', 'in', 'class', 'for', 'if', 'do', 'with', 'return', 'switch', 'case', 'const', 'let', 'enum', 'export', 'import', 'this', 'void', 'while', 'typeof', 'instanceof', 'super', 'throw', 'try', 'catch', 'finally', 'continue', 'break', 'debugger', 'extends', 'yield', 'null', 'true', 'false', 'interface', 'package', 'private', 'protected', 'public', 'static', 'implements', 'arguments', 'eval']);
const ident = (n: string): string => (RESERVED.has(n) ? `${n}_` : n);

function tsBase(t: TypeSpec): string {
  switch (t.base) {
    case 'Tensor': return 'Tensor';
    case 'int': case 'float': return 'number';
    case 'Scalar': return 'Scalar';
    case 'bool': return 'boolean';
    case 'str': return 'string';
    case 'ScalarType': return 'DType';
    case 'Layout': return "'strided'";
    case 'Device': return 'Device';
    case 'MemoryFormat': return 'MemoryFormat';
    case 'Generator': return 'null';
    default: return 'never';
  }
}

function tsType(t: TypeSpec): string {
  let s: string;
  if (t.list) {
    const elem = t.elemOptional ? `(${tsBase(t)} | null)` : tsBase(t);
    s = `${elem}[]`;
    if (t.size !== undefined && (t.base === 'int' || t.base === 'float')) s = `number | ${s}`;
  } else s = tsBase(t);
  return t.optional && s !== 'null' ? `${s} | null` : s;
}

function tsReturn(s: Schema, method: boolean): string {
  if (s.aliasedArg >= 0) return method && s.args[s.aliasedArg].name === 'self' ? 'this' : 'Tensor';
  const r = s.returns;
  const one = (t: TypeSpec): string => {
    if (t.base === 'Tensor') return t.list ? 'Tensor[]' : t.optional ? 'Tensor | null' : 'Tensor';
    if (t.base === 'bool') return 'boolean';
    if (t.base === 'ScalarType') return 'DType';
    if (t.base === 'str') return 'string';
    return 'number';
  };
  if (r.length === 0) return 'void';
  if (r.length === 1) return one(r[0].type);
  if (r.every((x) => x.name)) return `NamedResult<{ ${r.map((x) => `${camel(x.name!)}: ${one(x.type)}`).join('; ')} }>`;
  return `[${r.map((x) => one(x.type)).join(', ')}]`;
}

const omittable = (a: ArgSpec): boolean => a.hasDefault || a.type.optional;

function signatures(g: Gen, s: Schema, method: boolean): string[] {
  const selfIndex = method ? s.args.findIndex((a) => a.name === 'self') : -1;
  const params = s.args.filter((_a, i) => i !== selfIndex);
  const pos = params.filter((a) => !a.kwOnly);
  const kw = params.filter((a) => a.kwOnly);
  const factory = params.some((a) => a.name === 'pin_memory') && params.some((a) => a.name === 'device');
  const ret = tsReturn(s, method);
  let j0 = pos.length;
  while (j0 > 0 && omittable(pos[j0 - 1])) j0--;
  const out: string[] = [];
  // undefined in a parameter that has a default (or is optional) means "not given", as at run time
  const decl = (a: ArgSpec): string => `${ident(camel(a.name))}: ${tsType(a.type)}${omittable(a) ? ' | undefined' : ''}`;
  for (let j = j0; j <= pos.length; j++) {
    const rest = [...pos.slice(j), ...kw];
    const fields = rest.map((a) => `${camel(a.name)}?: ${tsType(a.type)}`);
    if (factory) fields.push('requiresGrad?: boolean');
    const list = pos.slice(0, j).map(decl);
    if (fields.length) list.push(`options?: { ${fields.join('; ')} }`);
    out.push(`(${list.join(', ')}): ${ret}`);
  }
  if (pos.length === 1 && pos[0].type.list && pos[0].type.base === 'int') out.push(`(...${ident(camel(pos[0].name))}: number[]): ${ret}`);
  if (g.varTensors) {
    const at = pos.findIndex((a) => a.type.list && a.type.base === 'Tensor');
    if (at >= 0) out.push(`(${[...pos.slice(0, at).map(decl), `...${ident(camel(pos[at].name))}: Tensor[]`].join(', ')}): ${ret}`);
  }
  if (g.inplace) {
    // F.relu(x, true): the flag after the Python parameters (positionally) or as { inplace }.
    out.push(`(${[...pos.slice(0, g.inplace[1]).map(decl), 'inplace: boolean'].join(', ')}): ${ret}`);
  }
  return out;
}

function allSignatures(g: Gen, method: boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of g.schemas) for (const s of list) for (const sig of signatures(g, s, method)) {
    if (!seen.has(sig)) {
      seen.add(sig);
      out.push(sig);
    }
  }
  if (g.inplace) {
    // the inplace flag as an option too
    const extra = out.filter((x) => x.includes('options?: {')).map((x) => x.replace('options?: { ', 'options?: { inplace?: boolean; '));
    for (const x of extra) if (!seen.has(x)) { seen.add(x); out.push(x); }
  }
  return out;
}

function doc(g: Gen): string {
  const lines = [`${DISPLAY[g.ns]}.${g.py} — ATen: ${g.ops.map((o) => `aten::${PREFIX[g.ns]}${o.startsWith(PREFIX[g.ns] + g.py) ? o.slice(PREFIX[g.ns].length) : o}`).join(', ')}`];
  for (const list of g.schemas) lines.push(`- \`${schemaText(list[list.length - 1])}\``);
  return `/**\n * ${lines.join('\n * ')}\n */`;
}

function schemaText(s: Schema): string {
  const ty = (t: TypeSpec): string => `${t.base}${t.elemOptional ? '?' : ''}${t.list ? `[${t.size ?? ''}]` : ''}${t.optional ? '?' : ''}`;
  const args: string[] = [];
  let kw = false;
  for (const a of s.args) {
    if (a.kwOnly && !kw) {
      args.push('*');
      kw = true;
    }
    args.push(`${ty(a.type)} ${a.name}${a.hasDefault ? '=…' : ''}`);
  }
  const rets = s.returns.map((r) => `${ty(r.type)}${r.name ? ' ' + r.name : ''}`);
  return `${s.name}${s.overload ? '.' + s.overload : ''}(${args.join(', ')}) -> ${rets.length === 1 ? rets[0] : `(${rets.join(', ')})`}`;
}

function specLiteral(g: Gen): string {
  const parts = [`name: '${DISPLAY[g.ns]}.${g.py}'`, `ops: ${JSON.stringify(g.ops.map((o) => o))}`];
  if (g.varTensors) parts.push('varTensors: true');
  if (g.inplace) parts.push(`inplace: [${JSON.stringify(g.inplace[0])}, ${g.inplace[1]}]`);
  return `{ ${parts.join(', ')} }`;
}

// ---- hand-written names (not overridden for now; lib/generated/collisions.ts lists them) ----------

function handWritten(): Record<Namespace, string[]> {
  const program = ts.createProgram([path.join(ROOT, 'lib', 'index.ts')], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const exportsOf = (file: string): string[] => {
    const sf = program.getSourceFile(path.join(ROOT, file));
    if (!sf) return [];
    const sym = checker.getSymbolAtLocation(sf);
    if (!sym) return [];
    const names: string[] = [];
    for (const e of checker.getExportsOfModule(sym)) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      const decls = target.declarations ?? [];
      if (decls.length && decls.every((d) => d.getSourceFile().fileName.includes(`${path.sep}lib${path.sep}generated${path.sep}`))) continue;
      names.push(e.getName());
    }
    return names.sort();
  };
  const tensorFile = program.getSourceFile(path.join(ROOT, 'lib', 'tensor.ts'))!;
  const members = new Set<string>(Object.getOwnPropertyNames(Object.prototype));
  tensorFile.forEachChild((n) => {
    if (ts.isClassDeclaration(n) && n.name?.text === 'Tensor') for (const m of n.members) if (m.name && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name))) members.add(m.name.text);
  });
  return {
    torch: exportsOf('lib/index.ts'),
    Tensor: [...members].sort(),
    linalg: exportsOf('lib/linalg.ts'),
    special: [],
    functional: exportsOf('lib/nn/functional/index.ts'),
  };
}

// ---- emit ------------------------------------------------------------------------------------------

const HEADER = '// Generated by scripts/gen/generate.ts (`npm run gen:ops`) from scripts/gen/schemas-*.json. Do not edit.\n';

/** The same op under another namespace (F.conv1d is torch.conv1d in PyTorch too): same ATen ops, same signatures. */
function sameOp(a: Gen, b: Gen): boolean {
  return a.js === b.js && JSON.stringify(a.ops) === JSON.stringify(b.ops) && !!a.varTensors === !!b.varTensors &&
    JSON.stringify(a.inplace) === JSON.stringify(b.inplace) && allSignatures(a, false).join('\n') === allSignatures(b, false).join('\n');
}

/**
 * `from`: another namespace's generated functions (in `${from.file}.ts`); an op that is the same
 * there is re-exported from it, not declared twice.
 */
function emitFunctions(ns: Namespace, gens: Gen[], taken: Set<string>, file: string, from?: { gens: Gen[]; file: string }): void {
  const lines: string[] = [HEADER, '/* eslint-disable */',
    "import type { Device } from '../device';", "import type { DType } from '../dtype';", "import type { Scalar, Tensor } from '../tensor';",
    "import { Entry } from '../oplayer/dispatch';", "import type { MemoryFormat, NamedResult } from '../oplayer/types';", '',
    '// one module-level constant per entry: a direct reference on every call, no table lookup'];
  const reused = new Set(gens.filter((g) => from?.gens.some((o) => sameOp(o, g))).map((g) => g.js));
  // after the imports, before the blank line and the comment on the entries
  if (reused.size) lines.splice(lines.length - 2, 0, `import { ${[...reused].map((n) => `${n} as same_${n}`).join(', ')} } from './${from!.file}';`);
  for (const g of gens) if (!reused.has(g.js)) lines.push(`const e_${g.js} = new Entry(${specLiteral(g)});`);
  lines.push('');
  const exported: string[] = [];
  for (const g of gens) {
    if (reused.has(g.js)) {
      exported.push(`same_${g.js} as ${g.js}`);
      continue;
    }
    const id = ident(g.js);
    lines.push(doc(g));
    for (const sig of allSignatures(g, false)) lines.push(`function ${id}${sig};`);
    lines.push(`function ${id}(...args: unknown[]): unknown { return e_${g.js}.call(undefined, args); }`);
    exported.push(id === g.js ? id : `${id} as ${g.js}`);
  }
  lines.push('', `export { ${exported.join(', ')} };`, '');
  fs.writeFileSync(path.join(OUT, `${file}.ts`), lines.join('\n'));
  const visible = gens.filter((g) => !taken.has(g.js)).map((g) => g.js);
  fs.writeFileSync(path.join(OUT, `${file}-exports.ts`), `${HEADER}// The generated ${DISPLAY[ns]} functions that no hand-written one shadows (see collisions.ts).\nexport { ${visible.join(', ')} } from './${file}';\n`);
}

function emitMethods(gens: Gen[], taken: Set<string>): void {
  const mine = gens.filter((g) => !taken.has(g.js));
  const lines: string[] = [HEADER, '/* eslint-disable */',
    "import type { Device } from '../device';", "import type { DType } from '../dtype';", "import { Tensor } from '../tensor';", "import type { Scalar } from '../tensor';",
    "import { method } from '../oplayer/dispatch';", "import type { MemoryFormat, NamedResult } from '../oplayer/types';", "import { TENSOR_METHODS } from './tensor-table';", '',
    "declare module '../tensor' {", '  interface Tensor {'];
  for (const g of mine) {
    lines.push(doc(g).replace(/^/gm, '    '));
    for (const sig of allSignatures(g, true)) lines.push(`    ${JSON.stringify(g.js).slice(1, -1)}${sig};`);
  }
  lines.push('  }', '}', '',
    '// Installed where Tensor has no method of that name yet: the few hand-written methods (lib/tensor.ts,',
    '// listed in collisions.ts) exist for semantics Python adds on top of the op, and call the generated op themselves.',
    'for (const [name, spec] of Object.entries(TENSOR_METHODS)) {',
    '  if (!(name in Tensor.prototype)) Object.defineProperty(Tensor.prototype, name, { value: method(spec), writable: true, configurable: true });',
    '}', '');
  const table = [HEADER, "import type { EntrySpec } from '../oplayer/dispatch';", '',
    '/** Every generated Tensor method, hand-written ones included (tensor-methods.ts installs those not hand-written). */',
    'export const TENSOR_METHODS: Readonly<Record<string, EntrySpec>> = {'];
  for (const g of gens) table.push(`  ${JSON.stringify(g.js)}: ${specLiteral(g)},`);
  table.push('};', '');
  fs.writeFileSync(path.join(OUT, 'tensor-table.ts'), table.join('\n'));
  fs.writeFileSync(path.join(OUT, 'tensor-methods.ts'), lines.join('\n'));
}

// ---- smoke cases: every generated op once, with arguments made from its schema -------------------

const STR_SAMPLES: Record<string, string> = { equation: 'ij->ji', reduce: 'sum', approximate: 'none', padding: 'same', indexing: 'ij', side: 'left', interpolation: 'linear', rounding_mode: 'floor', UPLO: 'L', mode: 'reduced', ord: 'fro', driver: 'gelsd' };

/** A sample JS/Python value for a required parameter, or undefined when none can be made up. */
function sample(a: ArgSpec): unknown {
  const t = a.type;
  const n = a.name;
  if (t.list) {
    if (t.base === 'Tensor') return t.elemOptional ? ['$idx'] : ['$f', '$f'];
    if (t.base === 'int') return new Array(t.size ?? 1).fill(n.includes('size') || n.includes('shape') ? 3 : 1);
    if (t.base === 'float') return new Array(t.size ?? 1).fill(0.5);
    if (t.base === 'bool') return new Array(t.size ?? 1).fill(false);
    return undefined;
  }
  switch (t.base) {
    case 'Tensor': return /index|indices|idx/.test(n) ? '$idx' : /mask|condition/.test(n) ? '$mask' : '$f';
    case 'int': return 1;
    case 'float': return 0.5;
    case 'Scalar': return 2;
    case 'bool': return false;
    case 'ScalarType': return { $dtype: 'float32' };
    case 'str': return STR_SAMPLES[n];
    default: return undefined;
  }
}

interface SmokeCase { ns: Namespace; py: string; js: string; args: unknown[] }

function smokeCases(gens: Record<Namespace, Gen[]>): SmokeCase[] {
  const out: SmokeCase[] = [];
  for (const ns of NAMESPACES) {
    for (const g of gens[ns]) {
      // an overload every dumped line has, all of whose required parameters can be sampled
      const candidates = g.schemas.filter((list) => list.length === dumps.length).concat(g.schemas.filter((list) => list.length !== dumps.length));
      let args: unknown[] | undefined;
      for (const list of candidates) {
        const s = list[list.length - 1];
        const required = s.args.filter((a) => !a.kwOnly && !a.hasDefault && !a.type.optional);
        const values = required.map(sample);
        if (values.every((v) => v !== undefined) && s.args.filter((a) => a.kwOnly).every((a) => a.hasDefault || a.type.optional)) {
          args = values;
          break;
        }
      }
      if (args) out.push({ ns, py: g.py, js: g.js, args });
    }
  }
  return out;
}

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  fs.mkdirSync(path.join(ROOT, 'test', 'generated'), { recursive: true });
  const taken = handWritten();
  const gens = Object.fromEntries(NAMESPACES.map((ns) => [ns, collect(ns)])) as Record<Namespace, Gen[]>;
  emitFunctions('torch', gens.torch, new Set(taken.torch), 'torch');
  emitFunctions('linalg', gens.linalg, new Set(taken.linalg), 'linalg');
  emitFunctions('special', gens.special, new Set(taken.special), 'special');
  emitFunctions('functional', gens.functional, new Set(taken.functional), 'functional', { gens: gens.torch, file: 'torch' });
  emitMethods(gens.Tensor, new Set(taken.Tensor));
  const collisions: Record<string, string[]> = {};
  for (const ns of NAMESPACES) collisions[ns] = gens[ns].map((g) => g.js).filter((n) => taken[ns].includes(n));
  const all: Record<string, string[]> = {};
  for (const ns of NAMESPACES) all[ns] = gens[ns].map((g) => g.js);
  fs.writeFileSync(path.join(OUT, 'collisions.ts'), `${HEADER}/**\n * Generated ops that a hand-written function or method of the same name stands in front of: each\n * adds semantics Python has on top of the op (its comment says which) and calls the generated op.\n */\nexport const COLLISIONS: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(collisions, null, 2)};\n\n/** Every generated name per namespace (the generated smoke test calls each). */\nexport const GENERATED: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(all)};\n`);
  const smoke = smokeCases(gens);
  fs.writeFileSync(path.join(ROOT, 'test', 'generated', 'ops_smoke_cases.json'), `[\n${smoke.map((c) => JSON.stringify(c)).join(',\n')}\n]\n`);
  for (const ns of NAMESPACES) console.log(`${DISPLAY[ns]}: ${gens[ns].length} ops (${collisions[ns].length} shadowed by hand-written ones)`);
  console.log(`smoke cases: ${smoke.length} of ${NAMESPACES.reduce((n, ns) => n + gens[ns].length, 0)} ops`);
}

main();
