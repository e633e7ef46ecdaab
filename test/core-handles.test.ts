/**
 * No library function leaves a tensor handle to the finalizer: a synchronous training loop
 * never lets finalizers run, so every such handle is a leak that grows without bound. Each
 * public function that makes temporaries runs here under a live-handle count (the addon's
 * count of native handles, which only dispose() or a finalizer lowers); what it returns is
 * disposed by the test, and then the count must be back exactly where it was. Caches and
 * optimizer state are made on the first call, so every function runs once to warm up and the
 * second call must leave nothing. The soak test (svf-soak.test.ts) checks the same over time.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeAll } from './helpers/reference';

const { nn, svf, optim, models } = torch;

/** Runs fn twice (warm-up, then counted); returns the handles the second call left behind. */
function leftBehind(fn: () => unknown): number {
  disposeAll(fn());
  const before = torch.memory().numTensors;
  disposeAll(fn());
  return torch.memory().numTensors - before;
}

async function leftBehindAsync(fn: () => Promise<unknown>): Promise<number> {
  disposeAll(await fn());
  const before = torch.memory().numTensors;
  disposeAll(await fn());
  return torch.memory().numTensors - before;
}

const disposeModule = (m: torch.nn.Module): null => { m.dispose(); return null; };

describe('no tensor handle left to the finalizer', function () {
  this.timeout(300000);
  let dir: string;
  let small: torch.nn.Sequential;
  let resolved: torch.nn.Module;
  let resnet: torch.nn.Module;
  const x = (): torch.Tensor => torch.randn([2, 3, 8, 8]);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-handles-'));
    torch.manualSeed(0);
    small = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.Conv2d(8, 4, 1));
    resolved = svf.resolver(small);
    const net = models.resnet18({ numClasses: 10 });
    resnet = svf.resolver(net);
    net.dispose();
  });
  after(() => {
    small.dispose();
    resolved.dispose();
    resnet.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('svf: save/loadSingularValues and baseFingerprint on ResNet-18 (84 per call before)', () => {
    const f = path.join(dir, 'sv.safetensors');
    assert.equal(leftBehind(() => void svf.saveSingularValues(resnet, f)), 0);
    assert.equal(leftBehind(() => void svf.loadSingularValues(resnet, f)), 0);
    assert.equal(leftBehind(() => void svf.baseFingerprint(resnet)), 0);
  });

  it('svf: resolver, resolverAsync, decompose, rebuild, setStrength, svfModules, fixBatchNorm', async () => {
    assert.equal(leftBehind(() => disposeModule(svf.resolver(small))), 0);
    assert.equal(await leftBehindAsync(async () => disposeModule(await svf.resolverAsync(small))), 0);
    assert.equal(leftBehind(() => disposeModule(svf.decompose(small.getSubmodule('0') as torch.nn.Conv2d, { rank: 2 }))), 0);
    assert.equal(leftBehind(() => disposeModule(svf.rebuild(resolved))), 0);
    assert.equal(leftBehind(() => disposeModule(svf.cloneModule(small))), 0);
    assert.equal(leftBehind(() => void svf.setStrength(resolved, 0.5)), 0);
    svf.setStrength(resolved, 1);
    assert.equal(leftBehind(() => void svf.svfModules(models.resnetLayers(resnet as torch.models.ResNet))), 0);
    assert.equal(leftBehind(() => void svf.fixBatchNorm(resolved)), 0);
  });

  it('forward (eval and train, merged and factored), backward and optimizer steps', () => {
    const input = x();
    for (const mode of ['merged', 'factored', 'auto'] as const) {
      for (const [, l] of svf.svdLayers(resolved)) l.mode = mode;
      resolved.eval();
      assert.equal(leftBehind(() => torch.noGrad(() => resolved.forward(input))), 0, `${mode} eval`);
      resolved.train();
      assert.equal(leftBehind(() => torch.tidy(() => { resolved.forward(input).sum().backward(); })), 0, `${mode} train`);
    }
    const params = resolved.parameters().filter((p) => p.requiresGrad);
    for (const opt of [new optim.SGD(params, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }), new optim.AdamW(params, { lr: 0.01 })]) {
      assert.equal(leftBehind(() => void opt.step()), 0, `${opt.constructor.name}.step`);
      assert.equal(leftBehind(() => void opt.zeroGrad()), 0);
      assert.equal(leftBehind(() => opt.stateDict()), 0);
      const sched = new optim.lrScheduler.PolyLR(opt, { maxIters: 10 });
      assert.equal(leftBehind(() => void sched.step()), 0);
    }
    input.dispose();
  });

  it('files: load, loadAsync, save, saveAsync, safetensors, loadStateDict', async () => {
    const pt = path.join(dir, 'm.pt');
    const st = path.join(dir, 'm.safetensors');
    const sd = resolved.stateDict();
    assert.equal(leftBehind(() => void torch.save(sd, pt)), 0);
    assert.equal(await leftBehindAsync(() => torch.saveAsync(sd, pt)), 0);
    assert.equal(leftBehind(() => torch.load(pt)), 0);
    assert.equal(await leftBehindAsync(() => torch.loadAsync(pt)), 0);
    assert.equal(leftBehind(() => void torch.saveSafetensors(sd, st)), 0);
    assert.equal(leftBehind(() => torch.loadSafetensors(st)), 0);
    assert.equal(leftBehind(() => void resolved.loadStateDict(sd)), 0);
    assert.equal(leftBehind(() => { try { torch.load(Buffer.from('PK\x03\x04garbage')); } catch { /* refused */ } }), 0);
    disposeAll(sd);
  });

  it('linear algebra: svd, svdvals, norm', () => {
    const a = torch.randn([6, 4]);
    assert.equal(leftBehind(() => { const { U, S, Vh } = torch.linalg.svd(a); return [U, S, Vh]; }), 0);
    assert.equal(leftBehind(() => torch.linalg.svdvals(a)), 0);
    assert.equal(leftBehind(() => torch.linalg.norm(a)), 0);
    a.dispose();
  });

  it('the count can fail: a dropped temporary shows', () => {
    const t = torch.ones([2]);
    assert.equal(leftBehind(() => void t.add(1)), 1);
    t.dispose();
  });
});
