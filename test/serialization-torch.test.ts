/**
 * torch.load / torch.save against Python PyTorch: files_make.py writes .pt files (zip and
 * legacy) with known contents; svf-torch must read them exactly. svf-torch then writes files
 * and files_check.py reads them with Python's torch.load (and torchvision's resnet18, strict).
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib/index';
import { native } from '../lib/native';
import { disposeAll, disposeReference, loadReference, PYTHON, Reference, runReference } from './helpers/reference';

type Info = { key: string; stride: number[]; offset: number; requires_grad: boolean }[];

function expectTensor(t: unknown, want: torch.Tensor, what: string): asserts t is torch.Tensor {
  assert.ok(t instanceof torch.Tensor, `${what}: not a Tensor`);
  assert.equal(t.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(t.shape, want.shape, `${what}: shape`);
  assert.ok(t.equal(want), `${what}: values differ from Python's`);
}

describe('torch.load / torch.save (.pt files, Python interop)', function () {
  this.timeout(300000);
  let dir: string;
  let ref: Reference;
  before(() => {
    dir = runReference('files_make.py', [], 'files_pt');
    ref = loadReference(dir);
  });
  after(() => disposeReference(ref));
  const file = (name: string): string => path.join(dir, name);

  function checkStateDict(loaded: unknown, prefix: string): Map<string, torch.Tensor> {
    assert.ok(loaded instanceof Map, `${prefix}: expected a Map`);
    const info = ref.extra[prefix] as Info;
    assert.deepEqual([...loaded.keys()], info.map((i) => i.key), `${prefix}: key order`);
    for (const i of info) {
      const t = loaded.get(i.key);
      expectTensor(t, ref.get(`${prefix}|${i.key}`), `${prefix}[${i.key}]`);
      assert.deepEqual(t.stride(), i.stride, `${prefix}[${i.key}]: stride`);
      assert.equal(native.storageInfo(t.handle).offset, i.offset, `${prefix}[${i.key}]: storage offset`);
      assert.equal(t.requiresGrad, i.requires_grad, `${prefix}[${i.key}]: requiresGrad`);
    }
    return loaded as Map<string, torch.Tensor>;
  }

  for (const [label, suffix] of [['zip', ''], ['legacy', '_legacy']]) {
    describe(`reading the ${label} format`, () => {
      it('a state_dict with BatchNorm running stats, in order, exactly', () => {
        const sd = checkStateDict(torch.load(file(`small_sd${suffix}.pt`)), 'small_sd');
        assert.equal(sd.get('bn1.num_batches_tracked')!.item(), 3);
        assert.ok(!(sd.get('bn1.running_var') as torch.Tensor).equal(torch.onesLike(sd.get('bn1.running_var')!)));
        const meta = (sd as unknown as { _metadata: Map<string, unknown> })._metadata;
        assert.ok(meta instanceof Map, 'the OrderedDict _metadata attribute rides along');
        assert.deepEqual([...meta.keys()], ref.extra.small_sd_metadata_keys);
        assert.ok(!Object.keys(sd).includes('_metadata'));
        disposeAll(sd);
      });

      it('every dtype, 0-d, empty and non-contiguous tensors', () => {
        const d = checkStateDict(torch.load(file(`dtypes${suffix}.pt`)), 'dtypes');
        assert.deepEqual(d.get('scalar')!.shape, []);
        assert.deepEqual(d.get('empty')!.shape, [0, 4]);
        assert.deepEqual((d.get('i64')!.toArray() as bigint[]).map(String), [String(-(2n ** 62n)), '-1', '0', String(2n ** 40n)]);
        disposeAll(d);
      });

      it('views come back sharing one storage; a repeated tensor is one object', () => {
        const v = checkStateDict(torch.load(file(`views${suffix}.pt`)), 'views');
        const key = (k: string): string => native.storageInfo(v.get(k)!.handle).key;
        for (const k of ['mat', 't', 'slice']) assert.equal(key(k), key('base'), `${k} shares base's storage`);
        assert.notEqual(key('other'), key('base'));
        assert.equal(native.storageInfo(v.get('other')!.handle).nbytes, 5 * 4, 'the whole storage of a sliced tensor is kept');
        assert.strictEqual(v.get('again'), v.get('mat'));
        v.get('base')!.fill_(2);
        assert.equal(v.get('slice')!.sum().item(), 2 * 6, 'a write through the base shows in the view');
        disposeAll(v);
      });

      it('a nested checkpoint: numbers, strings, None, bools, big ints, bytes, tuples, optimizer state', () => {
        const c = torch.load(file(`checkpoint${suffix}.pt`)) as Map<string, unknown>;
        assert.equal(c.get('epoch'), 7);
        assert.equal(c.get('best_miou'), 0.4375);
        assert.deepEqual(c.get('names'), ['a', 'b']);
        assert.deepEqual(c.get('shape'), [2, 3]);
        assert.equal(c.get('flag'), true);
        assert.equal(c.get('nothing'), null);
        assert.equal(c.get('big'), 2n ** 70n);
        assert.equal(c.get('neg'), -5);
        assert.deepEqual([...(c.get('raw') as Uint8Array)], [0, 255, 97, 98]);
        checkStateDict(c.get('state_dict'), 'checkpoint_sd');
        const opt = c.get('optimizer') as Map<string, unknown>;
        const state = opt.get('state') as Map<number, Map<string, torch.Tensor>>;
        for (const [k, s] of state) expectTensor(s.get('momentum_buffer'), ref.get(`checkpoint_momentum|${k}`), `momentum ${k}`);
        const group = (opt.get('param_groups') as Map<string, unknown>[])[0];
        assert.deepEqual(group.get('params'), ref.extra.checkpoint_param_groups_params);
        assert.equal(group.get('lr'), 0.1);
        assert.equal(group.get('nesterov'), false);
        disposeAll(c);
      });

      it('refuses a hostile pickle by name and runs nothing', () => {
        assert.throws(() => torch.load(file(`hostile${suffix}.pt`)), (e: Error) =>
          e instanceof torch.TorchError && e.message.includes(`refusing to load global '${ref.extra.hostile_global}'`));
        assert.ok(!fs.existsSync(file('PWNED')), 'os.system must never run');
      });

      it('reports a truncated file as truncated', () => {
        const before = torch.memory().numTensors;
        assert.throws(() => torch.load(file(`truncated_small_sd${suffix}.pt`)), (e: Error) => e instanceof torch.TorchError && /truncated/.test(e.message));
        assert.equal(torch.memory().numTensors, before, 'nothing leaks from a failed load');
      });
    });
  }

  it('nn.Parameter rebuilds with requiresGrad as saved, as a leaf', () => {
    const p = checkStateDict(torch.load(file('param.pt')), 'param');
    assert.equal(p.get('w')!.requiresGrad, true);
    assert.equal(p.get('w')!.isLeaf, true);
    assert.equal(p.get('frozen')!.requiresGrad, false);
    disposeAll(p);
  });

  it('names a TorchScript archive, random bytes, a missing file and bad arguments', () => {
    assert.throws(() => torch.load(file('scripted.pt')), (e: Error) => e instanceof torch.TorchError && /TorchScript archive.*torch\.jit\.load/.test(e.message));
    assert.throws(() => torch.load(file('random.bin')), (e: Error) => e instanceof torch.TorchError && /not a PyTorch file/.test(e.message));
    assert.throws(() => torch.load(Buffer.alloc(0)), (e: Error) => e instanceof torch.TorchError && /empty/.test(e.message));
    assert.throws(() => torch.load(file('does-not-exist.pt')), (e: Error) => e instanceof torch.TorchError && /no such file/.test(e.message));
    assert.throws(() => torch.load(42 as unknown as string), TypeError);
    assert.throws(() => torch.load(file('param.pt'), { mapLocation: 'gpu' as torch.Device }), TypeError);
  });

  it('loads from a Buffer, asynchronously, and with mapLocation', async () => {
    const bytes = fs.readFileSync(file('small_sd.pt'));
    const fromBuffer = checkStateDict(torch.load(bytes), 'small_sd');
    const viaAsync = checkStateDict(await torch.loadAsync(file('small_sd.pt')), 'small_sd');
    const legacyAsync = checkStateDict(await torch.loadAsync(file('small_sd_legacy.pt')), 'small_sd');
    const cpu = checkStateDict(torch.load(file('small_sd.pt'), { mapLocation: 'cpu' }), 'small_sd');
    [fromBuffer, viaAsync, legacyAsync, cpu].forEach(disposeAll);
    await assert.rejects(torch.loadAsync(file('hostile.pt')), /refusing to load global/);
    if (torch.cuda.isAvailable()) {
      const g = torch.load(file('views.pt'), { mapLocation: 'cuda' }) as Map<string, torch.Tensor>;
      assert.equal(g.get('mat')!.device, 'cuda:0');
      assert.equal(native.storageInfo(g.get('t')!.handle).key, native.storageInfo(g.get('base')!.handle).key);
      disposeAll(g);
    } else {
      assert.throws(() => torch.load(file('views.pt'), { mapLocation: 'cuda' }), (e: Error) => e instanceof torch.TorchError && /CUDA is not available/.test(e.message));
    }
  });

  it('returned tensors survive an enclosing tidy and nothing else is left behind', () => {
    const before = torch.memory().numTensors;
    const sd = torch.tidy(() => torch.load(file('views.pt'))) as Map<string, torch.Tensor>;
    const distinct = new Set(sd.values()).size;
    assert.equal(torch.memory().numTensors, before + distinct);
    assert.ok(sd.get('slice')!.equal(ref.get('views|slice')));
    disposeAll(sd);
    assert.equal(torch.memory().numTensors, before);
  });

  it('writes files Python reads back equal (OrderedDicts, dtypes, views, Parameters, checkpoints, ZIP64, resnet18 strict)', async () => {
    const sd = torch.load(file('small_sd.pt'));
    torch.save(sd, file('js_small_sd.pt'));
    torch.save(sd, file('js_zip64.pt'), { forceZip64: true });
    await torch.saveAsync(sd, file('js_async.pt'));
    checkStateDict(torch.load(file('js_zip64.pt')), 'small_sd');
    checkStateDict(torch.load(file('js_small_sd.pt')), 'small_sd');
    const copies: unknown[] = [sd];
    for (const [src, dst] of [['small_sd_legacy.pt', 'js_from_legacy.pt'], ['dtypes.pt', 'js_dtypes.pt'], ['views.pt', 'js_views.pt'],
      ['param.pt', 'js_param.pt'], ['checkpoint.pt', 'js_checkpoint.pt'], ['resnet18.pth', 'js_resnet18.pth']]) {
      const v = torch.load(file(src));
      torch.save(v, file(dst));
      copies.push(v);
    }
    const views = torch.load(file('js_views.pt')) as Map<string, torch.Tensor>;
    assert.equal(native.storageInfo(views.get('t')!.handle).key, native.storageInfo(views.get('base')!.handle).key);
    copies.push(views);
    copies.forEach(disposeAll);
    execFileSync(PYTHON, [path.join(__dirname, 'reference', 'files_check.py'), dir, 'pt'], { stdio: ['ignore', 'inherit', 'inherit'] });
  });

  it('saves atomically: a save that fails midway leaves the old file and no temporary file', async () => {
    const target = file('atomic.pt');
    const a = torch.ones([1000]);
    torch.save(new Map([['a', a]]), target);
    const old = fs.readFileSync(target);
    const bad = new Map<string, unknown>([['a', a], ['b', torch.zeros([3000])], ['c', () => 1]]);
    const tempFiles = (): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));
    assert.throws(() => torch.save(bad, target), (e: Error) => e instanceof TypeError && /cannot save a function/.test(e.message) && /"c"/.test(e.message));
    await assert.rejects(torch.saveAsync(bad, target), TypeError);
    assert.deepEqual(fs.readFileSync(target), old, 'the old file is untouched');
    assert.deepEqual(tempFiles(), []);
    const disposed = torch.ones([2]);
    disposed.dispose();
    assert.throws(() => torch.save([disposed], target), torch.TorchError);
    assert.deepEqual(fs.readFileSync(target), old);
    assert.throws(() => torch.save(new Map([['a', a]]), path.join(dir, 'no-such-dir', 'x.pt')), torch.TorchError);
    assert.throws(() => torch.save(a, '' as string), TypeError);
    assert.deepEqual(tempFiles(), []);
    const back = torch.load(target) as Map<string, torch.Tensor>;
    assert.ok(back.get('a')!.equal(a));
    disposeAll(back);
    a.dispose();
    (bad.get('b') as torch.Tensor).dispose();
  });

  it('stripPrefix removes DataParallel\'s module. prefix', () => {
    const t = torch.ones([1]);
    const m = new Map([['module.conv.weight', t], ['fc.bias', t]]);
    const s = torch.stripPrefix(m);
    assert.deepEqual([...s.keys()], ['conv.weight', 'fc.bias']);
    assert.strictEqual(s.get('conv.weight'), t);
    assert.deepEqual([...m.keys()], ['module.conv.weight', 'fc.bias'], 'the input is left alone');
    assert.deepEqual([...torch.stripPrefix(m, 'fc.').keys()], ['module.conv.weight', 'bias']);
    assert.throws(() => torch.stripPrefix({} as Map<string, unknown>), TypeError);
    t.dispose();
  });
});
