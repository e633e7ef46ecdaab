/**
 * The file fuzzer's child process (run by test/serialization-fuzz.test.ts under a memory cap
 * and a hang watchdog). From real torch.save (zip and legacy) and safetensors files it makes
 * damaged variants with a seeded generator — truncations, byte flips, header and length fields
 * that lie, pickle opcode swaps and inserted bombs, deflated records whose sizes lie, safetensors
 * headers with wrong offsets, shapes, dtypes and metadata, damaged S checkpoints loaded into the
 * model they were made for — and loads each. A load must return
 * or throw a TorchError; anything else (another error class, a crash, a hang, runaway memory)
 * is a finding. Prints `case N` as it goes and one JSON summary line at the end.
 * usage: fuzz-files.js DIR SEED CASES
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../lib/index';
import { runSync } from '../../lib/serialization/byte-io';
import { readZipDirectory, readZipRecord } from '../../lib/serialization/zip-reader';
import { deflated, i32, RawRecord, rawZip, safetensorsOf } from './hostile-files';
import { interruptedModel } from './interrupted-model';
import { disposeAll } from './reference';
import { seeded } from './seeded';

const [dir, seed, cases] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];

const random = seeded(seed);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

/** Values a lying length or count field gets: edges of every width, and random ones. */
const LIES = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff] as const;
const lie = (): number => (random() < 0.3 ? int(0x100000000) : pick(LIES));

/** Pickle opcodes, valid ones mostly, so swaps reach deep into the VM. */
const OPCODES = Buffer.from('()0125FGIJKLMNPQRSTUVXabcdeghijlmopqrstu}\x80\x81\x82\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98', 'latin1');

/** Pieces inserted into a pickle: deep nesting, mark floods, copy bombs, huge integers, self-nesting calls. */
function bomb(): Buffer {
  const n = 1000 + int(200000);
  switch (int(6)) {
    case 0: return Buffer.concat([Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61)]); // nested lists
    case 1: return Buffer.alloc(n, 0x28); // MARK flood
    case 2: return Buffer.concat([Buffer.from('cbuiltins\nset\np90\n0]p91\n(', 'latin1'), Buffer.alloc(n, 0x88), Buffer.from('e0', 'latin1'),
      Buffer.from('g90\ng91\n\x85R0'.repeat(1 + int(20000)), 'latin1')]); // copy bomb
    case 3: return Buffer.concat([Buffer.from([0x8b]), i32(n), Buffer.alloc(n, 0xab), Buffer.from('0', 'latin1')]); // LONG4
    case 4: return Buffer.from('L' + '7'.repeat(n) + '\n0', 'latin1'); // decimal LONG
    default: return Buffer.from('ctorch._tensor\n_rebuild_from_type_v2\np92\n0]p93\n(g92\nNg93\nNe0g92\ng93\nR0', 'latin1'); // self-nesting
  }
}

function mutateBytes(b: Buffer): Buffer {
  const out = Buffer.from(b);
  if (out.length < 8) return out.subarray(0, int(out.length + 1));
  switch (int(4)) {
    case 0: return out.subarray(0, int(out.length)); // truncation
    case 1: { for (let k = 1 + int(8); k > 0; k--) out[int(out.length)] = int(256); return out; } // byte flips
    case 2: { for (let k = 1 + int(4); k > 0; k--) out[int(out.length)] ^= 1 << int(8); return out; } // bit flips
    default: { const at = int(Math.max(1, out.length - 4)); out.writeUInt32LE(lie(), at); return out; } // a lying 32-bit field anywhere
  }
}

/** Offsets of every zip structure's length and offset fields, found by signature. */
function zipFieldOffsets(b: Buffer): number[] {
  const fields: number[] = [];
  for (let i = 0; i + 4 <= b.length; i++) {
    const sig = b.readUInt32LE(i);
    if (sig === 0x04034b50) fields.push(i + 18, i + 22, i + 26, i + 28); // local: sizes, name/extra length
    else if (sig === 0x02014b50) fields.push(i + 20, i + 24, i + 28, i + 30, i + 32, i + 42); // central
    else if (sig === 0x06054b50) fields.push(i + 8, i + 10, i + 12, i + 16); // end of directory
    else if (sig === 0x06064b50) fields.push(i + 24, i + 32, i + 40, i + 48); // ZIP64 end of directory
  }
  return fields;
}

function mutatePickle(p: Buffer): Buffer {
  const out = Buffer.from(p);
  if (out.length < 8) return Buffer.concat([out, bomb()]);
  switch (int(4)) {
    case 0: { for (let k = 1 + int(3); k > 0; k--) out[int(out.length)] = pick([...OPCODES]); return out; } // opcode swaps
    case 1: { const at = int(Math.max(1, out.length - 4)); i32(lie() | 0).copy(out, at); return out; } // a lying length
    case 2: { const at = 2 + int(Math.max(1, out.length - 3)); return Buffer.concat([out.subarray(0, at), bomb(), out.subarray(at)]); }
    default: return out.subarray(0, int(out.length));
  }
}

/** A zip-format torch file damaged inside: its pickle or a record rewritten, or a record's sizes lying. */
function mutateZip(b: Buffer): Buffer {
  const entries = runSync(b, readZipDirectory);
  const records: RawRecord[] = [...entries.values()].map((e) => ({ name: e.name, data: runSync(b, () => readZipRecord(e)) }));
  const pkl = records.find((r) => r.name.endsWith('data.pkl'))!;
  switch (int(4)) {
    case 0: { const f = zipFieldOffsets(b); const out = Buffer.from(b); for (let k = 1 + int(2); k > 0; k--) out.writeUInt32LE(lie(), Math.min(pick(f), out.length - 4)); return out; }
    case 1: pkl.data = mutatePickle(Buffer.from(pkl.data)); return rawZip(records);
    case 2: { const r = pick(records); Object.assign(r, deflated(r.name, r.data, random() < 0.5 ? lie() : r.data.length)); return rawZip(records); }
    default: { const r = pick(records); r.data = mutateBytes(Buffer.from(r.data)); return rawZip(records); }
  }
}

function mutateSafetensors(b: Buffer): Buffer {
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as Record<string, Record<string, unknown>>;
  const data = b.subarray(8 + n);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const e = header[pick(names)];
  const weird = (): unknown => pick([-1, 0, 1, 2 ** 53, 2 ** 64, 1.5, '3', null, [], {}, 1e308, lie()]);
  switch (int(7)) {
    case 0: (e.data_offsets as unknown[])[int(2)] = random() < 0.5 ? weird() : (e.data_offsets as number[])[0] + int(64) - 32; break;
    case 1: (e.shape as unknown[])[int((e.shape as unknown[]).length + 1)] = weird(); break;
    case 2: e.dtype = pick(['F32', 'F64', 'I64', 'BOOL', 'U8', 'F8_E4M3', 'C64', '', 7]); break;
    case 3: header.__metadata__ = pick([[], 5, 'x', { a: 1 }, { a: { b: 'c' } }, null, { a: 'b' }]) as Record<string, unknown>; break;
    case 4: { const other = header[pick(names)]; e.data_offsets = other.data_offsets; break; } // overlap
    case 5: return mutateBytes(b);
    default: { const out = Buffer.from(b); out.writeBigUInt64LE(BigInt(lie()) * (random() < 0.2 ? 0x100000000n : 1n), 0); return out; }
  }
  return safetensorsOf(header, data);
}

const sources = ['sd.pt', 'checkpoint.pt', 'sd_legacy.pt', 'one_legacy.pt', 'sd.safetensors', 'S.safetensors'].map((f) => ({ name: f, bytes: Buffer.alloc(0) }));
// the S checkpoint of a resolved model, made here; damaged copies are loaded into that model
const model = interruptedModel();
const goodS = path.join(dir, `fuzz-S-${seed}.safetensors`);
const caseS = path.join(dir, `fuzz-S-${seed}-case.safetensors`);
torch.svf.saveSingularValues(model, goodS);
const singularValues = (): string => JSON.stringify(torch.svf.svdLayers(model).map(([, l]) => Array.from(l.vector_S.data() as Float32Array)));
const original = singularValues();
for (const src of sources) src.bytes = fs.readFileSync(src.name === 'S.safetensors' ? goodS : path.join(dir, src.name));
const baseline = torch.memory().numTensors;

/** Loads the damaged bytes as their kind: the value is disposed; an S checkpoint must leave the model as it was when refused. */
function loadCase(kind: string, bytes: Buffer): void {
  if (kind === 'S') {
    fs.writeFileSync(caseS, bytes);
    try {
      torch.svf.loadSingularValues(model, caseS);
    } catch (e) {
      if (singularValues() !== original) throw new Error(`a refused S checkpoint changed vector_S (${(e as Error).message})`);
      throw e;
    }
    if (!torch.svf.svdLayers(model).every(([, l]) => (l.vector_S.data() as Float32Array).every(Number.isFinite))) throw new Error('non-finite singular values were loaded');
    torch.svf.loadSingularValues(model, goodS); // back to the original for the next case
    return;
  }
  disposeAll(kind === 'safetensors' ? torch.loadSafetensors(bytes) : torch.load(bytes));
}

const counts = { loaded: 0, refused: 0 };
const t0 = Date.now();
for (let c = 0; c < cases; c++) {
  const src = sources[c % sources.length];
  const kind = src.name === 'S.safetensors' ? 'S' : src.name.endsWith('.safetensors') ? 'safetensors' : src.name.includes('legacy') ? 'legacy' : 'zip';
  const bytes = kind === 'S' || kind === 'safetensors' ? mutateSafetensors(src.bytes) : kind === 'zip' && random() < 0.75 ? mutateZip(src.bytes) : mutateBytes(src.bytes);
  process.stdout.write(`case ${c} ${src.name}\n`);
  const finding = (what: string, code: number): never => {
    const file = path.join(dir, `finding-${seed}-${c}.bin`);
    fs.writeFileSync(file, bytes);
    console.error(`case ${c} (${src.name}): ${what} — saved as ${file}`);
    process.exit(code);
  };
  let outcome = 'loaded';
  try {
    loadCase(kind, bytes);
    counts.loaded++;
  } catch (e) {
    if (!(e instanceof torch.TorchError)) finding(`${(e as Error).constructor.name}: ${(e as Error).message}`, 3);
    counts.refused++;
    outcome = `refused (${(e as Error).message})`;
  }
  if (torch.memory().numTensors !== baseline) finding(`${torch.memory().numTensors - baseline} tensors left behind, ${outcome}`, 4);
}
fs.rmSync(caseS, { force: true });
// the kernel's high-water mark of this process's memory (VmHWM starts afresh at exec; getrusage's
// maxRSS does not: it carries the parent's peak over from the fork)
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
console.log(JSON.stringify({ cases, ...counts, ms: Date.now() - t0, peakRssBytes: hwm }));
