/**
 * Memory: tidy over many iterations returns numTensors to its start value, keep() and returned
 * tensors survive, use after dispose throws (never crashes), Symbol.dispose, and the finalizer
 * backstop frees handles dropped without dispose (in a child `node --expose-gc`).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as torch from '../lib/index';
import { Tensor, TorchError } from '../lib/index';

const ROOT = path.resolve(__dirname, '..');

describe('core: memory', function () {
  this.timeout(120000);

  it('20,000 iterations of small ops inside tidy leave numTensors and numBytes where they were', function () {
    const a = torch.keep(torch.randn([4, 4]));
    const b = torch.keep(torch.randn([4, 4]));
    const start = torch.memory();
    const t0 = process.hrtime.bigint();
    let acc = 0;
    for (let i = 0; i < 20000; i++) {
      acc += torch.tidy(() => a.add(b).mul(0.5).relu().sum().item() as number);
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const end = torch.memory();
    assert.ok(Number.isFinite(acc));
    assert.deepStrictEqual(end, start);
    // 5 native calls per iteration (4 ops + item); reported so regressions are visible.
    console.log(`      tidy loop: ${(ms * 1000 / 20000 / 5).toFixed(2)} µs per op call (${ms.toFixed(0)} ms total)`);
    a.dispose();
    b.dispose();
  });

  it('tidy keeps what fn returns (nested in arrays/objects/Maps) and what keep() marks', function () {
    const start = torch.memory().numTensors;
    let kept: Tensor | undefined;
    const out = torch.tidy(() => {
      const x = torch.ones([3]);
      const tmp = x.mul(2);
      kept = torch.keep(tmp.add(1));
      const inner = torch.tidy(() => ({ y: x.add(tmp), junk: x.sub(1) }).y);
      return { list: [inner], map: new Map([['x', x]]) };
    });
    // returned: inner and x; kept: kept; everything else gone
    assert.strictEqual(torch.memory().numTensors, start + 3);
    assert.deepStrictEqual(Array.from(out.list[0].data() as Float32Array), [3, 3, 3]);
    assert.deepStrictEqual(Array.from(kept!.data() as Float32Array), [3, 3, 3]);
    out.list[0].dispose();
    out.map.get('x')!.dispose();
    kept!.dispose();
    assert.strictEqual(torch.memory().numTensors, start);
  });

  it('tidy disposes its tensors when fn throws, and rejects async functions', function () {
    const start = torch.memory().numTensors;
    assert.throws(() => torch.tidy(() => { torch.ones([2]).add(1); throw new Error('boom'); }), /boom/);
    assert.strictEqual(torch.memory().numTensors, start);
    assert.throws(() => torch.tidy((async () => torch.ones([1])) as never), TypeError);
    assert.strictEqual(torch.memory().numTensors, start);
  });

  it('use after dispose throws TorchError; dispose twice is a no-op', function () {
    const t = torch.ones([2, 2]);
    const view = t.view(4); // a view keeps the storage alive on its own
    t.dispose();
    t.dispose();
    assert.strictEqual(t.isDisposed, true);
    assert.throws(() => t.sum(), TorchError);
    assert.throws(() => t.toArray(), TorchError);
    assert.throws(() => view.add(t), TorchError);
    assert.strictEqual(view.sum().item(), 4);
    view.dispose();
  });

  it('Symbol.dispose disposes (what `using` calls)', function () {
    const start = torch.memory().numTensors;
    const t = torch.ones([8]);
    assert.strictEqual(torch.memory().numTensors, start + 1);
    t[Symbol.dispose]();
    assert.strictEqual(t.isDisposed, true);
    assert.strictEqual(torch.memory().numTensors, start);
  });

  it('numBytes follows the live tensors', function () {
    const start = torch.memory();
    const t = torch.zeros([1000], { dtype: 'float64' });
    assert.strictEqual(torch.memory().numBytes, start.numBytes + 8000);
    t.dispose();
    assert.deepStrictEqual(torch.memory(), start);
  });

  it('numBytes counts storages, each once: views share their base\'s bytes; an expanded view is its storage\'s size', function () {
    const start = torch.memory();
    const base = torch.zeros([1000], { dtype: 'float32' });
    const view = base.view([10, 100]);
    const slice = base.narrow(0, 0, 10);
    assert.strictEqual(torch.memory().numBytes, start.numBytes + 4000, 'one storage, three handles');
    const one = torch.zeros([1]);
    const huge = one.expand([2 ** 52]);
    assert.strictEqual(torch.memory().numBytes, start.numBytes + 4004, 'the expanded view owns no bytes of its own');
    assert.ok(torch.memory().externalBytes - start.externalBytes <= 4000 * 3 + 4 * 2, 'V8 is told at most each storage per handle');
    base.dispose();
    assert.strictEqual(torch.memory().numBytes, start.numBytes + 4004, 'the views keep the storage alive');
    view.dispose();
    slice.dispose();
    huge.dispose();
    one.dispose();
    assert.deepStrictEqual(torch.memory(), start);
  });

  it('V8 is told of native bytes only for tensors outside tidy scopes (no GC pressure from scoped temporaries)', function () {
    const external = () => torch.memory().externalBytes;
    const mb8 = 1 << 23;
    const base = external();
    const top = torch.zeros([mb8 / 4]);
    assert.ok(external() - base >= mb8, 'a top-level tensor is reported');
    top.dispose();
    assert.ok(external() - base < mb8 / 2, 'and unreported when disposed');
    let kept: Tensor | null = null;
    const returned = torch.tidy(() => {
      const tmp = torch.zeros([mb8 / 4]);
      assert.ok(external() - base < mb8 / 2, 'a scoped temporary is not reported');
      kept = torch.keep(torch.zeros([mb8 / 4]));
      assert.ok(external() - base >= mb8, 'keep() reports at once');
      const nested = torch.tidy(() => torch.zeros([mb8 / 4]));
      assert.ok(external() - base < 2 * mb8 - mb8 / 2, 'returned to an enclosing scope: still scoped');
      void tmp;
      return nested;
    });
    assert.ok(external() - base >= 2 * mb8, 'returned from the outermost tidy: reported');
    returned.dispose();
    kept!.dispose();
    assert.ok(external() - base < mb8 / 2, 'all unreported again');
  });

  it('tidyOwned says whether the result was made inside', function () {
    const x = torch.ones([2]);
    const made = torch.tidyOwned(() => x.add(1));
    assert.strictEqual(made.made, true);
    const passed = torch.tidyOwned(() => x);
    assert.strictEqual(passed.made, false);
    assert.strictEqual(passed.value, x);
    made.value.dispose();
    x.dispose();
  });

  it('trimMemory returns freed heap to the OS without touching live tensors', function () {
    const t = torch.arange(10, { dtype: 'float32' });
    const big = Array.from({ length: 8 }, () => torch.zeros([1 << 18]));
    big.forEach((b) => b.dispose());
    assert.strictEqual(typeof torch.trimMemory(), 'boolean');
    assert.deepStrictEqual(t.toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    t.dispose();
  });

  it('the finalizer frees tensors dropped without dispose (node --expose-gc child)', function () {
    const code = `
      const torch = require(${JSON.stringify(path.join(ROOT, 'lib', 'index'))});
      const start = torch.memory().numTensors;
      (function make() { for (let i = 0; i < 2000; i++) torch.ones([16]).add(1); })();
      const made = torch.memory().numTensors;
      (async () => {
        for (let k = 0; k < 20 && torch.memory().numTensors > start + 100; k++) {
          global.gc();
          await new Promise((r) => setImmediate(r));
        }
        process.stdout.write(JSON.stringify({ start, made, after: torch.memory().numTensors }));
      })();`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register', '-e', code], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    assert.strictEqual(r.status, 0, r.stderr);
    const { start, made, after } = JSON.parse(r.stdout) as { start: number; made: number; after: number };
    assert.strictEqual(made, start + 4000); // each iteration: ones() and its add()
    assert.ok(after <= start + 100, `only ${made - after} of ${made - start} dropped tensors were finalized`);
  });
});
