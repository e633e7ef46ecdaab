/**
 * Hostile and damaged files fail cleanly, in time and memory bounded by the file: one
 * TorchError line naming what is wrong, nothing executed, nothing left behind. The files are
 * built byte by byte (test/helpers/hostile-files.ts) around real torch.save output
 * (test/reference/files_hostile.py). Time bounds: every case below is a few MiB at most, which
 * linear decoding handles in milliseconds; the defects they guard against took minutes or
 * never ended, so a 3 s bound separates the two even on a slow shared machine.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { native } from '../lib/native';
import { deflated, i32, pickle, rawZip, safetensorsOf, torchZip } from './helpers/hostile-files';
import { disposeAll, loadReference, runReference } from './helpers/reference';

const BOUND_MS = 3000;

/** fn must throw a TorchError matching `re` within BOUND_MS, leaving no tensor behind. */
function refuses(fn: () => unknown, re: RegExp): void {
  const before = torch.memory().numTensors;
  const t0 = Date.now();
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof torch.TorchError, `expected a TorchError, got ${e.constructor.name}: ${e.message}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return true;
  });
  const ms = Date.now() - t0;
  assert.ok(ms < BOUND_MS, `refused in ${ms} ms`);
  assert.equal(torch.memory().numTensors, before, 'no tensor left behind');
}

const GLOBAL = (module: string, name: string): string => `c${module}\n${name}\n`;

describe('hostile files fail cleanly in bounded time and memory', function () {
  this.timeout(120000);
  let dir: string;
  let countOffset: number;
  before(() => {
    dir = runReference('files_hostile.py');
    countOffset = loadReference(dir).extra.one_legacy_count_offset as number;
  });
  const file = (name: string): string => path.join(dir, name);
  const load = (b: Buffer) => () => torch.load(torchZip(b));

  describe('pickle', () => {
    it('a negative length in a string opcode', () => {
      refuses(load(pickle(0x54, i32(-5), 'abc')), /negative length -5/); // BINSTRING
      refuses(load(pickle(0x8b, i32(-1))), /negative length -1/); // LONG4
    });

    it('a 1 MiB LONG4 integer decodes in linear time; huge decimal text is refused as Python does', () => {
      const big = Buffer.alloc(1 << 20, 0x5a);
      const t0 = Date.now();
      const v = torch.load(torchZip(pickle(0x8b, i32(big.length), big)));
      assert.equal(typeof v, 'bigint');
      assert.equal((v as bigint) >> BigInt(8 * big.length - 8), 0x5an, 'the top byte is where it belongs');
      assert.ok(Date.now() - t0 < BOUND_MS, `decoded in ${Date.now() - t0} ms`);
      refuses(load(pickle('L', '9'.repeat(1 << 20), 'L\n')), /digit integer/);
    });

    it('an allow-listed rebuild function nested in itself through the memo', () => {
      // f = _rebuild_from_type_v2; args = [f, None, args, None] (a list holding itself); f(*args)
      const p = pickle(GLOBAL('torch._tensor', '_rebuild_from_type_v2'), 'p0\n', 0x5d, 'p1\n', 0x28, 'g0\n', 0x4e, 'g1\n', 0x4e, 0x65, 0x30, 'g0\n', 'g1\n', 0x52);
      refuses(load(p), /may only rebuild a tensor/);
    });

    it('BUILD shadowing a returned Map\'s methods, or on a plain dict', () => {
      const od = [GLOBAL('collections', 'OrderedDict'), 0x29, 0x52];
      refuses(load(pickle(...od, 0x7d, 0x8c, 3, 'get', 0x4b, 1, 0x73, 0x62)), /refusing to set attribute 'get'/);
      refuses(load(pickle(...od, 0x7d, 0x8c, 4, 'size', 0x4b, 1, 0x73, 0x62)), /refusing to set attribute 'size'/);
      refuses(load(pickle(0x7d, 0x7d, 0x8c, 9, '_metadata', 0x7d, 0x73, 0x62)), /not an OrderedDict/);
      const ok = torch.load(torchZip(pickle(...od, 0x7d, 0x8c, 9, '_metadata', 0x7d, 0x73, 0x62))) as Map<string, unknown>;
      assert.ok(ok instanceof Map && ok.size === 0 && typeof ok.get === 'function');
    });

    it('text memo keys that are not numbers', () => {
      refuses(load(pickle(0x5d, 'pabc\n', 0x30, 'gxyz\n')), /memo key 'abc'/);
    });

    it('internal objects in the result: globals and storages', () => {
      refuses(load(pickle(GLOBAL('torch', 'FloatStorage'))), /the global 'torch.FloatStorage'/);
      refuses(load(pickle(0x5d, GLOBAL('torch._utils', '_rebuild_tensor_v2'), 0x61)), /the global 'torch._utils._rebuild_tensor_v2'/);
      refuses(load(pickle(0x28, 0x8c, 7, 'storage', GLOBAL('torch', 'FloatStorage'), 0x8c, 1, '0', 0x8c, 3, 'cpu', 0x4b, 1, 0x74, 0x51)), /internal StorageRef/);
      assert.deepEqual(torch.load(torchZip(pickle(0x5d, GLOBAL('torch', 'float16'), 0x61))), ['float16'], 'a dtype is data');
      // Python refuses a dict as a dict key (unhashable); a tensor inside a key would be out of reach to dispose
      refuses(load(pickle(0x7d, 0x7d, 0x8c, 1, 'v', 0x73)), /a dict inside a dict key/);
      refuses(load(pickle(0x7d, 0x28, 0x7d, 0x74, 0x8c, 1, 'v', 0x73)), /a dict inside a dict key/);
    });

    it('a copy bomb: one memoized list copied by thousands of calls', () => {
      // 200k-element list, then set(list) 50k times: 1e10 copies from ~1 MB of pickle
      const items = Buffer.alloc(200000, 0x88); // NEWTRUE × 200k
      const calls = Buffer.from('g0\ng1\n\x85R0'.repeat(50000), 'latin1'); // set((list,)); pop
      const p = pickle(GLOBAL('builtins', 'set'), 'p0\n', 0x30, 0x5d, 'p1\n', 0x28, items, 0x65, 0x30, calls, 0x4e);
      refuses(load(p), /would copy more than/);
    });

    it('deep nesting costs no stack, also inside tidy', () => {
      const depth = 300000;
      const p = pickle(Buffer.alloc(depth, 0x5d), Buffer.alloc(depth - 1, 0x61));
      const v = torch.tidy(() => torch.load(torchZip(p)));
      let d = 1;
      for (let x = v as unknown[]; x.length; x = x[0] as unknown[]) d++;
      assert.equal(d, depth);
    });

    it('a tensor record reaching outside its storage (negative stride, overflowing size)', () => {
      const pickled = (size: number[], stride: number[], offset: number): Buffer => pickle(
        GLOBAL('torch._utils', '_rebuild_tensor_v2'), 0x28,
        0x28, 0x8c, 7, 'storage', GLOBAL('torch', 'FloatStorage'), 0x8c, 1, '0', 0x8c, 3, 'cpu', 0x4b, 4, 0x74, 0x51,
        0x4a, i32(offset), 0x28, ...size.flatMap((s) => [0x4a, i32(s)]), 0x74, 0x28, ...stride.flatMap((s) => [0x4a, i32(s)]), 0x74,
        0x89, 0x28, 0x74, 0x74, 0x52);
      const load4 = (b: Buffer) => () => torch.load(torchZip(b, [['0', Buffer.alloc(16)]]));
      refuses(load4(pickled([4], [-1], 0)), /does not fit/);
      refuses(load4(pickled([2, 2], [1, 1], 3)), /does not fit/);
      refuses(load4(pickled([1 << 30, 1 << 30, 1 << 30], [0, 0, 0], 0)), /too many elements/);
      // a negative stride that stays inside the storage passes our check; LibTorch then decides
      // by its own rule, and either way the outcome is a tensor or a TorchError, never a crash
      try {
        (torch.load(torchZip(pickled([2, 2], [-1, 1], 1), [['0', Buffer.alloc(16)]])) as torch.Tensor).dispose();
      } catch (e) {
        assert.ok(e instanceof torch.TorchError, String(e));
      }
    });
  });

  describe('zip', () => {
    const pkl = pickle(0x4b, 7);
    it('a deflated record that inflates past its declared size (a zip bomb) stops at that size', () => {
      const bomb = deflated('archive/data.pkl', Buffer.alloc(64 << 20), 100); // 64 MiB of zeros, ~64 KiB compressed
      const rss = process.memoryUsage().rss;
      refuses(() => torch.load(rawZip([bomb])), /inflates past its declared 100 bytes/);
      assert.ok(process.memoryUsage().rss - rss < 32 << 20, 'the 64 MiB were never inflated');
      refuses(() => torch.load(rawZip([deflated('archive/data.pkl', pkl, 3e9)])), /more than deflate can produce/);
      assert.equal(torch.load(rawZip([deflated('archive/data.pkl', pkl)])), 7, 'an honest deflated record loads');
    });

    it('ZIP64 sizes without their extra field, and entries running past the directory', () => {
      refuses(() => torch.load(rawZip([{ name: 'archive/data.pkl', data: pkl, zip64WithoutExtra: true }])), /no ZIP64 extra field/);
      const z = rawZip([{ name: 'archive/data.pkl', data: pkl }]);
      z.writeUInt16LE(0xffff, z.length - 22 - 46 - 'archive/data.pkl'.length + 30); // the entry's extra length
      refuses(() => torch.load(z), /runs past the directory|central directory/);
    });
    it('the addon\'s record reader: a shape that is not the record\'s length, a record past the end of the file', () => {
      // loads from a path read each tensor straight into its storage (native.readRecord); the
      // file checks above keep lying sizes away from it, and it checks again on its own
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'svf-rr-')), 'r.bin');
      fs.writeFileSync(file, Buffer.alloc(64, 1));
      const fd = fs.openSync(file, 'r');
      try {
        const code = native.dtypeCodes.float32;
        assert.throws(() => native.readRecord(fd, 0, 60, [4, 4], code), RangeError);
        assert.throws(() => native.readRecord(fd, -1, 64, [4, 4], code), RangeError);
        const before = torch.memory().numTensors;
        assert.throws(() => native.readRecord(fd, 32, 64, [4, 4], code), (e: Error) => e instanceof torch.TorchError && /end of file/.test(e.message));
        assert.equal(torch.memory().numTensors, before, 'no tensor left behind');
      } finally {
        fs.closeSync(fd);
      }
    });
  });

  describe('legacy format', () => {
    it('a negative element count is named, not reported as truncation', () => {
      const b = fs.readFileSync(file('one_legacy.pt'));
      assert.ok((torch.load(b) as Map<string, torch.Tensor>).get('w')!.equal(torch.arange(6)));
      b.writeBigInt64LE(-3n, countOffset);
      refuses(() => torch.load(b), /negative element count -3/);
      b.writeBigInt64LE(1n << 40n, countOffset);
      refuses(() => torch.load(b), /claims 1099511627776 elements/);
    });
  });

  describe('safetensors (the reference library\'s rules)', () => {
    const F32 = (begin: number, end: number, n = (end - begin) / 4) => ({ dtype: 'F32', shape: [n], data_offsets: [begin, end] });
    const data = Buffer.alloc(16);
    it('overlapping tensors, gaps, trailing bytes', () => {
      refuses(() => torch.loadSafetensors(safetensorsOf({ a: F32(0, 8), b: F32(4, 12), c: F32(12, 16) }, data)), /'b' .* overlaps/);
      refuses(() => torch.loadSafetensors(safetensorsOf({ a: F32(0, 8), b: F32(8, 8, 0), c: F32(0, 8) }, data)), /overlaps/);
      refuses(() => torch.loadSafetensors(safetensorsOf({ a: F32(0, 4), b: F32(8, 16) }, data)), /'b' begins at byte 8, leaving a gap after byte 4/);
      refuses(() => torch.loadSafetensors(safetensorsOf({ a: F32(4, 16) }, data)), /gap/);
      refuses(() => torch.loadSafetensors(safetensorsOf({ a: F32(0, 8) }, data)), /8 bytes before the end/);
      const ok = torch.loadSafetensors(safetensorsOf({ b: F32(8, 16), a: F32(0, 8) }, data));
      assert.deepEqual([...ok.keys()], ['b', 'a'], 'file order is kept; only the tiling is checked');
      ok.forEach((t) => t.dispose());
    });

    it('__metadata__ that is not a string-to-string object', () => {
      for (const meta of [[], ['x'], 'text', 5, { a: 1 }, { a: { b: 'c' } }, { a: null }]) {
        refuses(() => torch.loadSafetensors(safetensorsOf({ __metadata__: meta, a: F32(0, 16) }, data)), /__metadata__/);
      }
      const ok = torch.loadSafetensors(safetensorsOf({ __metadata__: null, a: F32(0, 16) }, data));
      assert.equal(ok.metadata, null);
      ok.forEach((t) => t.dispose());
    });

    it('a shape whose byte count overflows, and a header that is not UTF-8', () => {
      refuses(() => torch.loadSafetensors(safetensorsOf({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 16] } }, data)), /overflows/);
      const h = safetensorsOf('{"a":1}   ');
      h[10] = 0xff;
      refuses(() => torch.loadSafetensors(h), /not UTF-8/);
    });

    it('the real file still loads', () => {
      const m = torch.loadSafetensors(file('sd.safetensors'));
      assert.equal(m.metadata?.note, 'x');
      m.forEach((t) => t.dispose());
    });
  });

  describe('singular-value checkpoints', () => {
    const { nn, svf } = torch;
    let model: torch.nn.Module;
    const sv = (): string => file('sv.safetensors');
    before(() => {
      torch.manualSeed(0);
      const dense = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.Linear(8, 4));
      model = svf.resolver(dense);
      dense.dispose();
      svf.saveSingularValues(model, sv());
    });
    after(() => model.dispose());

    it('an unresolved or empty target model is refused, not "0 layers loaded"', () => {
      const plain = new nn.Sequential(new nn.Linear(2, 2));
      refuses(() => svf.loadSingularValues(plain, sv()), /no SVD layers/);
      refuses(() => svf.loadSingularValues(new nn.Sequential(), sv()), /no SVD layers/);
      plain.dispose();
    });

    it('int, bool and NaN values are refused, not copied into vector_S', () => {
      const good = torch.loadSafetensors(sv());
      const rewrite = (name: string, f: (t: torch.Tensor) => torch.Tensor): string => {
        const m = new Map(good);
        m.set('0.vector_S', f(good.get('0.vector_S')!));
        const out = file(`sv-${name}.safetensors`);
        torch.saveSafetensors(m, out, good.metadata!);
        m.get('0.vector_S')!.dispose();
        return out;
      };
      const before = torch.tidy(() => (model.getSubmodule('0') as torch.svf.SVDConv2d).vector_S.clone());
      refuses(() => svf.loadSingularValues(model, rewrite('int', (t) => t.long())), /dtype int64/);
      refuses(() => svf.loadSingularValues(model, rewrite('bool', (t) => t.gt(0))), /dtype bool/);
      refuses(() => svf.loadSingularValues(model, rewrite('nan', (t) => t.clone().fill_(NaN))), /NaN or infinite/);
      refuses(() => svf.loadSingularValues(model, rewrite('inf', (t) => t.clone().fill_(Infinity))), /NaN or infinite/);
      assert.ok((model.getSubmodule('0') as torch.svf.SVDConv2d).vector_S.equal(before), 'vector_S untouched');
      assert.deepEqual(svf.loadSingularValues(model, sv()), { layers: 2 });
      before.dispose();
      good.forEach((t) => t.dispose());
    });
  });

  it('every real file still loads (zip, legacy, checkpoint)', () => {
    for (const name of ['sd.pt', 'sd_legacy.pt', 'checkpoint.pt']) {
      const v = torch.load(file(name));
      assert.ok(v instanceof Map);
      disposeAll(v);
    }
  });
});
