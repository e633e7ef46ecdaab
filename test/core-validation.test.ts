/**
 * The one dtype table (binding/dtypes.h, exported whole) against Python PyTorch's own facts,
 * and the one validation module's rules: an unknown option key, or an options object where a
 * function takes other arguments, is a TypeError in tensor ops, nn and optim alike.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';
import { dtypeInfo, elementSize, isFloatingDType } from '../lib/dtype';
import { storageClassOfDtype, TORCH_DTYPE_NAMES } from '../lib/serialization/storage-types';
import { runReference } from './helpers/reference';

describe('the dtype table', () => {
  it('matches PyTorch: item size, kind, storage class, legacy name', () => {
    const ref = JSON.parse(fs.readFileSync(path.join(runReference('core_dtypes.py'), 'dtypes.json'), 'utf8')) as Record<string, {
      itemSize: number; isFloatingPoint: boolean; isComplex: boolean; isSigned: boolean; legacyName: string | null; storageClass: string;
    }>;
    assert.deepStrictEqual(native.dtypes.map((d) => d.name).sort(), Object.keys(ref).sort());
    for (const [name, r] of Object.entries(ref)) {
      const d = dtypeInfo(name as torch.DType);
      assert.deepStrictEqual(
        { itemSize: d.itemSize, isFloatingPoint: d.isFloatingPoint, isComplex: d.isComplex, isSigned: d.isSigned, legacyName: d.legacyName, storageClass: d.storageClass },
        r, name);
      assert.strictEqual(elementSize(name as torch.DType), r.itemSize);
      assert.strictEqual(isFloatingDType(name as torch.DType), r.isFloatingPoint);
      assert.strictEqual(storageClassOfDtype(name as torch.DType), r.storageClass);
      assert.strictEqual(TORCH_DTYPE_NAMES[name], name);
      if (r.legacyName) assert.strictEqual(TORCH_DTYPE_NAMES[r.legacyName], name);
      // the code is LibTorch's: a tensor made with it reports the same dtype back
      const t = torch.zeros([1], { dtype: name as torch.DType });
      assert.strictEqual(t.dtype, name);
      t.dispose();
    }
  });
});

describe('one validation module', () => {
  it('an unknown option key is a TypeError in nn, nn.functional and optim', () => {
    const x = torch.randn([1, 2, 4, 4]);
    const w = torch.randn([3, 2, 3, 3]);
    try {
      assert.throws(() => new torch.nn.Conv2d(2, 3, 3, { paddding: 1 } as never), /Conv2d: unknown option 'paddding'/);
      assert.throws(() => new torch.nn.BatchNorm2d(2, { momentom: 0.1 } as never), TypeError);
      assert.throws(() => torch.nn.functional.conv2d(x, w, null, { strides: 2 } as never), /conv2d(\(\))?: unknown option 'strides'/);
      assert.throws(() => new torch.optim.SGD([w], { lr: 0.1, weight_decay: 1 } as never), /SGD: unknown option 'weight_decay'/);
      // known keys still pass
      const conv = new torch.nn.Conv2d(2, 3, 3, { padding: 1, bias: false });
      torch.tidy(() => { assert.deepStrictEqual(conv.forward(x).shape, [1, 3, 4, 4]); });
      conv.parameters().forEach((p) => p.dispose());
    } finally {
      x.dispose();
      w.dispose();
    }
  });

  it('an unknown option key is a TypeError in tensor methods too', () => {
    const a = torch.randn([2, 3]);
    try {
      assert.throws(() => a.sum(1, false, { dtyp: 'float64' } as never), /sum(\(\))?: unknown option 'dtyp'/);
      assert.throws(() => a.std(1, { unbaised: false } as never), TypeError);
      assert.throws(() => a.allclose(a, { rTol: 1 } as never), TypeError);
      assert.throws(() => a.to({ dtype: 'float64', devic: 'cpu' } as never), TypeError);
      assert.throws(() => a.softmax(1, { dtype: 'float64', x: 1 } as never), TypeError);
      torch.tidy(() => {
        assert.strictEqual(a.sum(1, false, { dtype: 'float64' }).dtype, 'float64');
        assert.strictEqual(a.to({ dtype: 'float64' }).dtype, 'float64');
      });
    } finally {
      a.dispose();
    }
  });

  it('an options object that is not an object (null, an array, a tensor) is a TypeError', () => {
    const w = torch.randn([3]);
    try {
      assert.throws(() => new torch.nn.Linear(2, 3, null as never), TypeError);
      assert.throws(() => new torch.nn.Linear(2, 3, [] as never), TypeError);
      assert.throws(() => new torch.optim.SGD([w], w as never), TypeError);
    } finally {
      w.dispose();
    }
  });
});
