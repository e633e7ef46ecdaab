/**
 * safetensors against a reference reader/writer in Python (test/reference/files_safetensors.py,
 * json + struct + torch, written from the format spec): both directions, every dtype, metadata,
 * and clear errors for damaged files.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, PYTHON, Reference, runReference } from './helpers/reference';

const KEYS = ['f32', 'f64', 'f16', 'bf16', 'i64', 'i32', 'i16', 'i8', 'u8', 'bool', 'scalar', 'empty', 'noncontig'];

describe('safetensors (Python reference interop)', function () {
  this.timeout(300000);
  let dir: string;
  let ref: Reference;
  before(() => {
    dir = runReference('files_make.py', [], 'files_st');
    ref = loadReference(dir);
  });
  after(() => disposeReference(ref));
  const file = (name: string): string => path.join(dir, name);

  function check(m: Map<string, torch.Tensor>): void {
    assert.deepEqual([...m.keys()], KEYS);
    for (const k of KEYS) {
      const t = m.get(k)!;
      const want = ref.get(`st|${k}`);
      assert.equal(t.dtype, want.dtype, k);
      assert.deepEqual(t.shape, want.shape, k);
      assert.ok(t.equal(want), `${k}: values`);
    }
  }

  it('reads every dtype and the metadata the reference writer wrote', async () => {
    const m = torch.loadSafetensors(file('ref.safetensors'));
    check(m);
    assert.deepEqual(m.metadata, { format: 'pt', note: 'svf ✓' });
    assert.deepEqual(torch.readSafetensorsMetadata(file('ref.safetensors')), { format: 'pt', note: 'svf ✓' });
    const a = await torch.loadSafetensorsAsync(file('ref.safetensors'));
    check(a);
    for (const t of [...m.values(), ...a.values()]) t.dispose();
  });

  it('writes files the reference reader accepts (spec invariants) and reads equal', async () => {
    const m = torch.loadSafetensors(file('ref.safetensors'));
    // a non-contiguous tensor is written as its contiguous values
    const nc = torch.load(file('dtypes.pt')) as Map<string, torch.Tensor>;
    const toSave = new Map(m);
    toSave.set('noncontig', nc.get('noncontig')!);
    assert.deepEqual(toSave.get('noncontig')!.stride(), [6, 2], 'a strided view');
    torch.saveSafetensors(toSave, file('js.safetensors'), m.metadata!);
    execFileSync(PYTHON, [path.join(__dirname, 'reference', 'files_check.py'), dir, 'safetensors'], { stdio: ['ignore', 'inherit', 'inherit'] });
    await torch.saveSafetensorsAsync(m, file('js_async.safetensors'));
    const back = torch.loadSafetensors(file('js_async.safetensors'));
    check(back);
    assert.equal(back.metadata, null);
    assert.equal(Number(fs.readFileSync(file('js.safetensors')).readBigUInt64LE(0)) % 8, 0, 'the header is padded to 8 bytes');
    for (const t of [...m.values(), ...nc.values(), ...back.values()]) t.dispose();
  });

  it('rejects damaged files and bad arguments clearly', () => {
    const good = fs.readFileSync(file('ref.safetensors'));
    const isBad = (re: RegExp) => (e: Error) => e instanceof torch.TorchError && re.test(e.message);
    assert.throws(() => torch.loadSafetensors(good.subarray(0, good.length - 3)), isBad(/past the end of the file/));
    assert.throws(() => torch.loadSafetensors(good.subarray(0, 20)), isBad(/header length/));
    const garbled = Buffer.from(good);
    garbled[8] = 0x21; // '!' instead of '{'
    assert.throws(() => torch.loadSafetensors(garbled), isBad(/not JSON/));
    const header = (obj: unknown): Buffer => {
      const h = Buffer.from(JSON.stringify(obj));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return Buffer.concat([len, h, Buffer.alloc(16)]);
    };
    assert.throws(() => torch.loadSafetensors(header({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } })), isBad(/need 12/));
    assert.throws(() => torch.loadSafetensors(header({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } })), isBad(/C64/));
    assert.throws(() => torch.loadSafetensors(file('missing.safetensors')), isBad(/no such file/));
    const t = torch.ones([2]);
    assert.throws(() => torch.saveSafetensors(new Map([['a', 5 as unknown as torch.Tensor]]), file('x.safetensors')), TypeError);
    assert.throws(() => torch.saveSafetensors(new Map([['a', t]]), file('x.safetensors'), { a: 1 } as unknown as Record<string, string>), TypeError);
    t.dispose();
    assert.throws(() => torch.saveSafetensors(new Map([['a', t]]), file('x.safetensors')), torch.TorchError);
    assert.ok(!fs.existsSync(file('x.safetensors')));
  });
});
