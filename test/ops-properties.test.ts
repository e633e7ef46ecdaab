/**
 * Tensor's transpose properties T, mT, mH, H against Python on the same LibTorch: for 0-D to
 * 3-D tensors, the values (they are views: exact) or, where PyTorch refuses, its message.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as torch from '../lib/index';
import { PYTHON } from './helpers/reference';

const SHAPES = [[], [3], [2, 3], [4, 2, 3]];
const PROPS = ['T', 'mT', 'mH', 'H'] as const;

describe('ops: Tensor.T / mT / mH / H', () => {
  it('as PyTorch on the same LibTorch (values, or its error)', () => {
    const py = spawnSync(PYTHON, ['-W', 'ignore', '-c', [
      'import json, torch',
      `shapes = ${JSON.stringify(SHAPES)}`,
      'out = []',
      'for s in shapes:',
      '    n = 1',
      '    for d in s: n *= d',
      '    x = torch.arange(n, dtype=torch.float32).reshape(s)',
      `    for p in ${JSON.stringify(PROPS)}:`,
      '        try:',
      '            y = getattr(x, p); out.append({"shape": list(y.shape), "values": y.flatten().tolist()})',
      '        except Exception as e:',
      '            out.append({"error": str(e).splitlines()[0]})',
      'print(json.dumps(out))',
    ].join('\n')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const ref = JSON.parse(py.stdout);
    let k = 0;
    for (const s of SHAPES) {
      const x = torch.arange(s.reduce((a, b) => a * b, 1), { dtype: 'float32' }).reshape(s);
      for (const p of PROPS) {
        const r = ref[k++];
        if (r.error) {
          assert.throws(() => x[p], (e: Error) => e instanceof torch.TorchError && e.message === r.error, `${p} of [${s}]`);
          continue;
        }
        const y = x[p];
        assert.deepEqual(y.shape, r.shape, `${p} of [${s}]`);
        assert.deepEqual(torch.tidy(() => y.flatten().toArray()), r.values, `${p} of [${s}]`);
        y.dispose();
      }
      x.dispose();
    }
  });
});
