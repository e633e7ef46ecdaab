/**
 * Loading a ~100 MB resnet50 .pth must not need much more than the tensors themselves: records
 * are read one at a time at their offsets. Measured in a fresh process (bench/load-pth.ts
 * --memory) with the kernel's RSS high-water mark reset just before the load.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { loadReference, runReference } from './helpers/reference';

describe('torch.load memory (resnet50 state_dict from Python)', function () {
  this.timeout(300000);

  it('peaks below 2.5x the file size in extra memory and holds exactly the tensors', () => {
    const dir = runReference('files_resnet50.py', [], 'files_memory');
    const expected = loadReference(dir).extra as { tensor_bytes: number; num_tensors: number };
    const root = path.resolve(__dirname, '..');
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(root, 'bench', 'load-pth.ts'), '--memory', path.join(dir, 'resnet50.pth')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    const m = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
    console.log(`      file ${(m.fileBytes / 1e6).toFixed(1)} MB, peak extra RSS ${(m.peakExtraBytes / 1e6).toFixed(1)} MB (${m.peakExtraRatio.toFixed(2)}x), tensors ${(m.tensorBytes / 1e6).toFixed(1)} MB`);
    assert.ok(m.fileBytes > 90e6, 'the resnet50 file is ~100 MB');
    assert.equal(m.tensorBytes, expected.tensor_bytes, 'torch.memory() grows by exactly the state_dict bytes');
    // RSS at its peak holds the new tensors, less only what was resident at the start and given
    // back meanwhile: V8 shrinking its heap and freeing array buffers (the loader's file buffers
    // come and go) during the load. A peak below that means the measurement missed the tensors.
    assert.ok(m.peakExtraBytes >= expected.tensor_bytes - m.jsBytesBefore,
      `the measurement sees the tensors being made (peak extra ${m.peakExtraBytes}, JS memory at the start ${m.jsBytesBefore})`);
    assert.ok(m.peakExtraRatio < 2.5, `peak extra memory ${m.peakExtraRatio.toFixed(2)}x the file size`);
  });
});
