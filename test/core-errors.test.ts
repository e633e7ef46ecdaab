/**
 * Error behaviour of the native boundary: every function the addon exports is called with
 * wrong arguments (in a child process, so a crash is a failure and not a lost test run) and
 * must throw TypeError/RangeError/TorchError; TorchError messages carry no C++ backtrace.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as torch from '../lib/index';
import { TorchError } from '../lib/index';
import { native } from '../lib/native';

const ROOT = path.resolve(__dirname, '..');
const BACKTRACE = /Exception raised from|frame #\d+:|\(no backtrace available\)/;

describe('core: errors', function () {
  this.timeout(120000);

  it('every native export rejects wrong arguments with a JS error and the process survives', function () {
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(ROOT, 'test', 'helpers', 'core-native-fuzz.ts')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    assert.strictEqual(child.signal, null, `child died of ${child.signal}\n${child.stderr}`);
    assert.strictEqual(child.status, 0, `child exited ${child.status}\n${child.stderr}`);
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { calls: number; functions: string[]; problems: string[]; messages: string[] };
    const exported = Object.keys(native).filter((k) => typeof (native as unknown as Record<string, unknown>)[k] === 'function').sort();
    assert.deepStrictEqual(report.functions, exported, 'the child did not see every export');
    assert.ok(exported.length >= 40, `only ${exported.length} exports?`);
    assert.deepStrictEqual(report.problems, []);
    assert.ok(report.calls > exported.length * 10, `only ${report.calls} calls`);
    const withTrace = report.messages.filter((m) => BACKTRACE.test(m));
    assert.deepStrictEqual(withTrace, [], 'messages with a C++ backtrace');
  });

  it('TorchError carries LibTorch\'s message without the C++ backtrace', function () {
    torch.tidy(() => {
      const a = torch.ones([2, 3]);
      try {
        a.matmul(torch.ones([2, 3]));
        assert.fail('matmul of mismatched shapes did not throw');
      } catch (e) {
        assert.ok(e instanceof TorchError, 'not a TorchError');
        assert.ok(e instanceof Error);
        assert.strictEqual((e as Error).name, 'TorchError');
        assert.match((e as Error).message, /cannot be multiplied \(2x3 and 2x3\)/);
        assert.doesNotMatch((e as Error).message, BACKTRACE);
      }
      assert.throws(() => a.view(7), (e: Error) => e instanceof TorchError && /invalid for input of size 6/.test(e.message) && !BACKTRACE.test(e.message));
    });
  });

  it('bad JS arguments are TypeError/RangeError before reaching LibTorch', function () {
    torch.tidy(() => {
      const a = torch.ones([2, 3]);
      assert.throws(() => a.add('x' as never), TypeError);
      assert.throws(() => a.view('x' as never), TypeError);
      assert.throws(() => a.sum(1.5), TypeError);
      assert.throws(() => torch.zeros([2], { dtype: 'complex32' as never }), TypeError);
      assert.throws(() => torch.zeros([2], { device: 'tpu' as never }), TypeError);
      assert.throws(() => torch.tensor([[1, 2], [3]]), RangeError);
      assert.throws(() => torch.tensor(['a'] as never), TypeError);
      assert.throws(() => torch.tensor(new Float32Array(4), { shape: [3] }), RangeError);
      assert.throws(() => torch.linspace(0, 1, -1), RangeError);
      assert.throws(() => torch.setNumThreads(0), RangeError);
      // an empty list is a valid Tensor[]: LibTorch rejects it, as in PyTorch (RuntimeError there)
      assert.throws(() => torch.cat([]), (e: unknown) => e instanceof torch.TorchError && /non-empty/.test((e as Error).message));
      assert.throws(() => torch.tidy(5 as never), TypeError);
    });
  });

  it('a disposed tensor throws TorchError on every use, never crashes', function () {
    const t = torch.ones([2]);
    const alias = torch.ones([1]);
    t.dispose();
    t.dispose(); // idempotent
    assert.strictEqual(t.isDisposed, true);
    for (const use of [() => t.shape, () => t.add(1), () => alias.add(t), () => t.data(), () => t.item(), () => torch.cat([alias, t]), () => t.backward()])
      assert.throws(use, TorchError);
    alias.dispose();
  });
});
