/**
 * Run as a child process by test/core-errors.test.ts: calls EVERY function the native addon
 * exports with wrong arguments and prints one JSON line { calls, problems, messages }.
 * A crash (abort, segfault) shows up in the parent as a non-zero exit / signal.
 * To bisect a crash by hand: FUZZ_ONLY=name1,name2 limits the junk round to those exports,
 * FUZZ_TRACE=1 prints each enum-code call to stderr before making it.
 */
import { TorchError } from '../../lib/errors';
import { native } from '../../lib/native';

type Fn = (...args: unknown[]) => unknown;
const addon = native as unknown as Record<string, unknown>;

/** Exports that take no arguments: junk arguments are ignored, so they must simply return. */
const NO_ARGUMENTS = new Set(['memory', 'getNumThreads', 'isGradEnabled', 'cudaIsAvailable', 'cudaDeviceCount', 'version', 'makeForeignExternal', 'trimMemory', 'cudaEmptyCache', 'distIsInitialized']);
/** Exports whose one argument, a device index, is optional: no argument means the current device. */
const OPTIONAL_DEVICE = new Set(['cudaMemoryAllocated', 'cudaMaxMemoryAllocated']);

const live = native.fromBuffer(new Float32Array([1, 2, 3]), [3], native.dtypeCodes.float32);
const disposed = native.fromBuffer(new Float32Array([1]), [1], native.dtypeCodes.float32);
native.dispose(disposed);
const foreign = native.makeForeignExternal();

const JUNK: unknown[][] = [
  [], [undefined], [null], ['junk'], [{}], [[1, 2]], [[live, 'x']], [-2], [1.5], [NaN], [Infinity], [1e300],
  [2n ** 70n], [-(2n ** 70n)], [Symbol('s')], [disposed], [foreign], [disposed, disposed, disposed],
  [foreign, -2, 'x'], [{ length: 1e9 }], [new Float32Array(2)], [[], true],
];

/** Exports whose argument is a seed: any integer, and a tensor handle is an integer (a number in [2^52, 2^53)). */
const SEEDS = new Set(['manualSeed', 'cudaManualSeedAll']);

/** Calls that are legal on purpose: dispose is idempotent, isDisposed is a question about handles. */
function legal(name: string, args: unknown[]): boolean {
  if (OPTIONAL_DEVICE.has(name) && args.length <= 1 && (args[0] === undefined || args[0] === null)) return true;
  if (SEEDS.has(name) && args[0] === disposed) return true;
  return (name === 'dispose' || name === 'isDisposed') && args[0] === disposed;
}

function describe(a: unknown): string {
  if (a === disposed) return '<disposed handle>';
  if (a === foreign) return '<foreign External>';
  if (a === live) return '<handle>';
  if (typeof a === 'bigint') return `${a}n`;
  if (typeof a === 'symbol') return 'Symbol()';
  if (Array.isArray(a)) return `[${a.map(describe).join(', ')}]`;
  if (a !== null && typeof a === 'object') return ArrayBuffer.isView(a) ? a.constructor.name : '{...}';
  return String(a);
}

const problems: string[] = [];
const messages: string[] = [];
let calls = 0;

function expectThrow(label: string, fn: () => unknown): void {
  calls++;
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    const ok = e instanceof TypeError || e instanceof RangeError || e instanceof TorchError;
    if (!ok) problems.push(`${label}: threw ${(e as Error)?.constructor?.name} ${String((e as Error)?.message ?? e)}`);
    else messages.push((e as Error).message);
    return;
  }
  if (result instanceof Promise) result.catch(() => undefined);
  problems.push(`${label}: did not throw (returned ${typeof result})`);
}

const fnNames = Object.keys(addon).filter((k) => typeof addon[k] === 'function').sort().filter((k) => !process.env.FUZZ_ONLY || process.env.FUZZ_ONLY.split(',').includes(k));
for (const name of fnNames) {
  const fn = addon[name] as Fn;
  if (NO_ARGUMENTS.has(name)) {
    for (const args of JUNK) { calls++; fn(...args); }
    continue;
  }
  if (name === 'isHandle') {
    for (const args of JUNK) {
      calls++;
      const want = args[0] === disposed; // a disposed handle is still one of ours
      if (fn(...args) !== want) problems.push(`isHandle(${describe(args[0])}) is not ${want}`);
    }
    calls++;
    if (fn(live) !== true) problems.push('isHandle(live) is not true');
    continue;
  }
  for (const args of JUNK) {
    if (legal(name, args)) continue;
    expectThrow(`${name}(${args.map(describe).join(', ')})`, () => fn(...args));
  }
}

// Targeted: a valid first argument, wrong ones after it.
const f32 = native.dtypeCodes.float32;
const zeros = native.opHandle('aten::zeros');
const add = native.opHandle('aten::add', 'Tensor');
const targeted: [string, () => unknown][] = [
  ['fromBuffer shape too big', () => native.fromBuffer(new Float32Array(1), [1e300], f32)],
  ['fromBuffer fractional shape', () => native.fromBuffer(new Float32Array(1), [0.5], f32)],
  ['fromBuffer bad dtype', () => native.fromBuffer(new Float32Array(1), [1], 999)],
  ['fromBuffer fractional dtype', () => native.fromBuffer(new Float32Array(1), [1], 6.5)],
  ['fromBuffer size mismatch', () => native.fromBuffer(new Float32Array(1), [2], f32)],
  ['fromBuffer overflow', () => native.fromBuffer(new Float32Array(1), [2 ** 40, 2 ** 40, 2 ** 40], f32)],
  ['setRequiresGrad junk flag', () => native.setRequiresGrad(live, 'x' as unknown as boolean)],
  ['setGrad junk', () => native.setGrad(live, 'x' as never)],
  ['setGrad wrong shape', () => native.setGrad(live, native.fromBuffer(new Float32Array(1), [1], f32))],
  ['setGrad foreign', () => native.setGrad(live, foreign as never)],
  ['backward junk grad', () => native.backward(live, 'x' as never)],
  ['backward no graph', () => native.backward(live, null)],
  ['autogradGrad junk gradOutputs', () => native.autogradGrad([live], [live], 'x' as never)],
  ['autogradGrad foreign', () => native.autogradGrad([foreign as never], [live], null)],
  ['item of 3 elements', () => native.item(live)],
  ['callOp junk arg', () => native.callOp(add, live, {})],
  ['callOp too many args', () => native.callOp(add, live, live, 1, 2, 3, 4)],
  ['callOp missing arg', () => native.callOp(add, live)],
  ['callOp foreign tensor', () => native.callOp(add, live, foreign)],
  ['callOp disposed tensor', () => native.callOp(add, live, disposed)],
  ['callOp huge size', () => native.callOp(zeros, [1e300])],
  ['callOp overflowing size', () => native.callOp(zeros, [2 ** 40, 2 ** 40])],
  ['callOp negative size', () => native.callOp(zeros, [-1])],
  ['callOp bad dtype code', () => native.callOp(zeros, [2], 999)],
  ['callOp bad device', () => native.callOp(zeros, [2], null, null, 'tpu:7')],
  ['callOp cuda device on this build', () => (native.cudaIsAvailable() ? (() => { throw new TypeError('skip'); })() : native.callOp(zeros, [2], null, null, 'cuda:0'))],
  ['callOp shape mismatch', () => native.callOp(add, live, native.fromBuffer(new Float32Array(2), [2], f32))],
  ['callOpAsync junk', () => native.callOpAsync(add, live, {})],
  ['opHandle unknown op', () => native.opHandle('aten::no_such_op')],
  ['opHandle junk overload', () => native.opHandle('aten::add', 5 as never)],
  ['setNumThreads huge', () => native.setNumThreads(1e6)],
  ['manualSeed negative bigint', () => native.manualSeed(-5n)],
  ['cudaSynchronize bad index', () => native.cudaSynchronize(1e9)],
  ['setErrorClass junk', () => native.setErrorClass({} as never)],
];
for (const [label, fn] of targeted) expectThrow(label, fn);

// Every enum code (dtype, layout, memory format) through the ops that take one: each call
// either works or throws a JS error; none may crash (out-of-range codes once did).
function mayThrow(label: string, fn: () => unknown): void {
  calls++;
  if (process.env.FUZZ_TRACE) require('fs').writeSync(2, label + '\n');
  try {
    const r = fn();
    if (native.isHandle(r)) native.dispose(r);
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError || e instanceof TorchError)) problems.push(`${label}: threw ${(e as Error)?.constructor?.name}`);
    else messages.push((e as Error).message);
  }
}
const ops = {
  ones: native.opHandle('aten::ones'), randn: native.opHandle('aten::randn'), full: native.opHandle('aten::full'),
  empty: native.opHandle('aten::empty', 'memory_format'), to: native.opHandle('aten::to', 'dtype'),
  arange: native.opHandle('aten::arange', 'start_step'), sum: native.opHandle('aten::sum'),
  clone: native.opHandle('aten::clone'), contiguous: native.opHandle('aten::contiguous'),
};
for (let code = -1; code <= 40; code++) {
  mayThrow(`zeros dtype ${code}`, () => native.callOp(zeros, [2], code));
  mayThrow(`ones dtype ${code}`, () => native.callOp(ops.ones, [2], code));
  mayThrow(`randn dtype ${code}`, () => native.callOp(ops.randn, [2], code));
  mayThrow(`full dtype ${code}`, () => native.callOp(ops.full, [2], 1, code));
  mayThrow(`arange dtype ${code}`, () => native.callOp(ops.arange, 0, 4, 1, code));
  mayThrow(`to dtype ${code}`, () => native.callOp(ops.to, live, code));
  mayThrow(`sum dtype ${code}`, () => native.callOp(ops.sum, live, code));
  mayThrow(`empty layout ${code}`, () => native.callOp(ops.empty, [2], null, code));
  mayThrow(`empty memory format ${code}`, () => native.callOp(ops.empty, [2], null, null, null, null, code));
  mayThrow(`clone memory format ${code}`, () => native.callOp(ops.clone, live, code));
  mayThrow(`contiguous memory format ${code}`, () => native.callOp(ops.contiguous, live, code));
}

// Rejections of callOpAsync are TorchErrors too (the failure happens on the worker thread).
const mismatch = native.fromBuffer(new Float32Array(2), [2], f32);
native.callOpAsync(add, live, mismatch).then(
  () => problems.push('callOpAsync shape mismatch resolved'),
  (e: Error) => {
    calls++;
    if (!(e instanceof TorchError)) problems.push(`callOpAsync rejected with ${e?.constructor?.name}`);
    messages.push(e.message);
    process.stdout.write(JSON.stringify({ calls, functions: fnNames, problems, messages }) + '\n');
  },
);
