/**
 * Soak: 1000 SVF steps on ResNet-18 with an S checkpoint saved and loaded every 25 steps, in
 * one synchronous loop (test/helpers/svf-soak.ts, a fresh process so its RSS is the loop's).
 * After warm-up (the first 100 steps: optimizer state, caches, allocator pools) live handles
 * must not move at all, and RSS must stay within 40 MiB — a leak of the fingerprint's 84
 * handles per call would add ~3,300 handles and their ~45 MB copies by the end.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

describe('soak: 1000 SVF steps on ResNet-18, S checkpoints every 25', function () {
  this.timeout(900000);

  it('keeps live handles equal and RSS within 40 MiB after warm-up', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-soak-'));
    const root = path.resolve(__dirname, '..');
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(root, 'test', 'helpers', 'svf-soak.ts'), '1000', '25', dir], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    const { samples, ms } = JSON.parse(out.trim().split('\n').pop() as string) as { samples: { step: number; handles: number; rss: number }[]; ms: number };
    assert.equal(samples.length, 40);
    const after = samples.filter((s) => s.step >= 100);
    const handles = new Set(after.map((s) => s.handles));
    const rss = after.map((s) => s.rss);
    const growth = (Math.max(...rss) - rss[0]) / 2 ** 20;
    console.log(`      ${ms} ms; live handles ${[...handles].join(',')} from step 100 to 1000; RSS ${(rss[0] / 2 ** 20).toFixed(0)}–${(Math.max(...rss) / 2 ** 20).toFixed(0)} MiB (+${growth.toFixed(1)})`);
    assert.equal(handles.size, 1, `live handles moved: ${after.map((s) => `${s.step}:${s.handles}`).join(' ')}`);
    assert.ok(growth <= 40, `RSS grew ${growth.toFixed(1)} MiB after warm-up`);
  });
});
