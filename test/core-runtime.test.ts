/**
 * Runtime: CUDA queries, thread defaults (checked in child processes with and without
 * OMP_NUM_THREADS), manualSeed reproducibility against Python's generator, version.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { TorchError } from '../lib/index';
import { disposeReference, loadReference, PYTHON, Reference, runReference } from './helpers/reference';

const ROOT = path.resolve(__dirname, '..');

/** getNumThreads() in a fresh process with the given OMP_NUM_THREADS (undefined: unset). */
function threadsInChild(omp: string | undefined): number {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OMP_NUM_THREADS;
  if (omp !== undefined) env.OMP_NUM_THREADS = omp;
  // The default is set when the addon loads, so the child loads just the addon (no ts-node: fast).
  const loader = path.join(ROOT, 'scripts', 'addon-loader.js');
  const code = `process.stdout.write(String(require(${JSON.stringify(loader)}).load(${JSON.stringify(ROOT)}).binding.getNumThreads()));`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, env, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

describe('core: runtime', function () {
  this.timeout(120000);
  let ref: Reference;
  before(() => (ref = loadReference(runReference('core_runtime.py'))));
  after(() => disposeReference(ref));

  it('cuda.isAvailable/deviceCount agree with Python torch; synchronize is clean', function () {
    assert.strictEqual(torch.cuda.isAvailable(), ref.extra.cuda_available);
    assert.strictEqual(torch.cuda.deviceCount(), ref.extra.cuda_device_count);
    if (torch.cuda.isAvailable()) {
      torch.cuda.synchronize();
      torch.cuda.synchronize(0);
    } else {
      assert.strictEqual(torch.cuda.deviceCount(), 0);
      for (const call of [() => torch.cuda.synchronize(), () => torch.cuda.synchronize(0)]) {
        assert.throws(call, (e: Error) => e instanceof TorchError && /CUDA is not available/.test(e.message) && !/Exception raised from/.test(e.message));
      }
      assert.throws(() => torch.zeros([2], { device: 'cuda' }), TorchError);
    }
    assert.throws(() => torch.cuda.synchronize(0.5), TypeError);
  });

  it('getNumThreads defaults to the core count, or OMP_NUM_THREADS when set', function () {
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    assert.strictEqual(threadsInChild(undefined), cores);
    assert.strictEqual(threadsInChild('1'), 1);
    // With OMP_NUM_THREADS set, LibTorch decides, and the lines differ: 1.13 takes 3 as given,
    // 2.x caps it at the core count. Whatever the reference Python torch (same LibTorch) says.
    const py = spawnSync(PYTHON, ['-c', 'import torch; print(torch.get_num_threads())'], {
      encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '3' },
    });
    assert.strictEqual(py.status, 0, py.stderr);
    assert.strictEqual(threadsInChild('3'), Number(py.stdout.trim()));
  });

  it('setNumThreads changes getNumThreads and validates', function () {
    const before = torch.getNumThreads();
    try {
      torch.setNumThreads(1);
      assert.strictEqual(torch.getNumThreads(), 1);
      torch.setNumThreads(3);
      assert.strictEqual(torch.getNumThreads(), 3);
    } finally {
      torch.setNumThreads(before);
    }
    assert.throws(() => torch.setNumThreads(0), RangeError);
    assert.throws(() => torch.setNumThreads(1.5), TypeError);
    assert.throws(() => torch.setNumThreads(1e9), RangeError);
  });

  it('manualSeed: the same draws as Python torch.manual_seed on LibTorch\'s CPU generator', function () {
    torch.tidy(() => {
      const same = (name: string, t: torch.Tensor): void => {
        const want = ref.get(name);
        assert.strictEqual(t.dtype, want.dtype, name);
        assert.deepStrictEqual(t.shape, want.shape, name);
        assert.ok(t.equal(want), `${name} differs from Python\n${t.toString()}\n${want.toString()}`);
      };
      torch.manualSeed(42);
      same('seed42.randn', torch.randn([3, 5]));
      same('seed42.rand', torch.rand([4]));
      same('seed42.randint', torch.randint(0, 10, [6]));
      same('seed42.randn_big', torch.randn([64]));
      same('seed42.randn_f64', torch.randn([5], { dtype: 'float64' }));
      torch.manualSeed(7);
      const base = torch.zeros([2, 3]);
      same('seed7.randn_like', torch.randnLike(base));
      same('seed7.rand_like', torch.randLike(base));
      // and reseeding reproduces
      torch.manualSeed(42);
      same('seed42.randn', torch.randn([3, 5]));
      torch.manualSeed(42n);
      same('seed42.randn', torch.randn([3, 5]));
      assert.throws(() => torch.manualSeed(-1), RangeError);
    });
  });

  it('version: package, LibTorch (as Python torch reports it), CUDA', function () {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    assert.strictEqual(torch.version.package, require('../package.json').version);
    const py = String(ref.extra.torch_version).match(/^\d+\.\d+/)![0];
    assert.strictEqual(torch.version.libtorch.match(/^\d+\.\d+/)![0], py);
    assert.strictEqual(torch.version.cuda, ref.extra.cuda_version ?? null);
    assert.strictEqual(typeof torch.version.cxx11Abi, 'boolean');
    assert.ok(Object.isFrozen(torch.version));
  });

  it('cuda memory API behaves as Python torch.cuda on this machine', function () {
    assert.strictEqual(torch.cuda.isAvailable(), ref.extra.cuda_available);
    assert.strictEqual(torch.cuda.memoryAllocated(), ref.extra.cuda_memory_allocated);
    assert.strictEqual(torch.cuda.maxMemoryAllocated(), ref.extra.cuda_max_memory_allocated);
    const outcome = (fn: () => void): boolean => {
      try {
        fn();
        return false;
      } catch (e) {
        assert.ok(e instanceof torch.TorchError, String(e));
        return true;
      }
    };
    assert.strictEqual(outcome(() => torch.cuda.resetPeakMemoryStats()), ref.extra.cuda_reset_peak_raises);
    assert.strictEqual(outcome(() => torch.cuda.emptyCache()), ref.extra.cuda_empty_cache_raises);
    assert.strictEqual(outcome(() => torch.cuda.manualSeedAll(3)), ref.extra.cuda_manual_seed_all_raises);
    assert.throws(() => torch.cuda.memoryAllocated(-1), RangeError);
    assert.throws(() => torch.cuda.memoryAllocated(0.5), TypeError);
    assert.throws(() => torch.cuda.manualSeedAll(-1), RangeError);
  });
});
