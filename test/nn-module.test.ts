/** nn.Module semantics: names and orders vs PyTorch (test/reference/nn_module.py), plus behaviour checks. */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { nn, TorchError } from '../lib/index';
import { loadReference, runReference } from './helpers/reference';

class Block extends nn.Module {
  constructor() {
    super();
    this.registerBuffer('scale', torch.ones([3]));
    this.registerModule('conv', new nn.Conv2d(3, 3, 1));
    this.registerParameter('alpha', nn.Parameter(torch.zeros([1])));
    this.registerBuffer('cache', torch.zeros([2]), { persistent: false });
    this.registerModule('bn', new nn.BatchNorm2d(3));
    this.registerParameter('unused', null);
  }
  forward(x: torch.Tensor): torch.Tensor {
    return this.getChild('bn').forward(this.getChild('conv').forward(x)).mul(this.getBuffer('scale')!.view(1, 3, 1, 1));
  }
}

class Net extends nn.Module {
  constructor() {
    super();
    this.registerModule('stem', new nn.Sequential(new nn.Conv2d(3, 3, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(3), new nn.ReLU()));
    this.registerModule('blocks', new nn.ModuleList([new Block(), new Block()]));
    const heads = new nn.ModuleDict({ cls: new nn.Linear(3, 2), aux: new nn.Linear(3, 1, { bias: false }) });
    this.registerModule('heads', heads);
    this.registerModule('shared', heads.get('cls'));
  }
}

describe('nn.Module names and orders vs PyTorch', () => {
  let extra: Record<string, string[]>;
  before(() => {
    extra = loadReference(runReference('nn_module.py')).extra as Record<string, string[]>;
  });

  it('namedParameters, namedBuffers (incl. non-persistent), stateDict, namedModules, namedChildren', () => {
    const net = new Net();
    assert.deepEqual(net.namedParameters().map(([n]) => n), extra.parameters);
    assert.deepEqual(net.namedBuffers().map(([n]) => n), extra.buffers);
    assert.deepEqual([...net.stateDict().keys()], extra.state_dict);
    assert.ok(!net.stateDict().has('blocks.0.cache'), 'non-persistent buffers stay out of the state_dict');
    assert.deepEqual(net.namedModules().map(([n]) => n), extra.modules);
    assert.deepEqual(net.namedChildren().map(([n]) => n), extra.children);
    const block = net.getSubmodule('blocks.0');
    assert.deepEqual(block.namedParameters('', false).map(([n]) => n), extra.block_params_norecurse);
    net.dispose();
  });

  it('loadStateDict (strict=false) reports missing and unexpected keys as PyTorch does, in its order', () => {
    const net = new Net();
    const src = new Net();
    const sd = src.stateDict();
    sd.delete('blocks.0.alpha');
    sd.delete('heads.aux.weight');
    sd.set('blocks.1.extra', torch.zeros([1]));
    sd.set('foo', torch.zeros([1]));
    const res = net.loadStateDict(sd, { strict: false });
    assert.deepEqual(res.missingKeys, extra.missing);
    assert.deepEqual(res.unexpectedKeys, extra.unexpected);
    // strict: one TorchError naming every missing and unexpected key
    let err: Error | undefined;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      err = e as Error;
    }
    assert.ok(err instanceof TorchError);
    for (const k of [...extra.missing, ...extra.unexpected]) assert.ok(err.message.includes(`"${k}"`), `${k} not named in: ${err.message}`);
    assert.ok(err.message.indexOf('Missing key(s)') < err.message.indexOf('Unexpected key(s)'));
    net.dispose();
    src.dispose();
  });
});

describe('nn.Module behaviour', () => {
  it('loadStateDict copies in place (parameter identity kept) and names every shape mismatch, even when not strict', () => {
    const a = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
    const b = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
    const w0 = a.getSubmodule('0').getParameter('weight')!;
    a.loadStateDict(b.stateDict());
    assert.equal(a.getSubmodule('0').getParameter('weight'), w0);
    assert.ok(w0.equal(b.getSubmodule('0').getParameter('weight')!));
    const bad = new Map(b.stateDict());
    bad.set('0.weight', torch.zeros([5, 4]));
    bad.set('1.bias', torch.zeros([7]));
    for (const strict of [true, false]) {
      assert.throws(() => a.loadStateDict(bad, { strict }), (e: Error) =>
        e instanceof TorchError && e.message.includes('size mismatch for 0.weight') && e.message.includes('size mismatch for 1.bias'));
    }
    assert.throws(() => a.loadStateDict(b.stateDict(), { strict: 'yes' as any }), TypeError);
    a.dispose();
    b.dispose();
  });

  it('registration validates names and kinds', () => {
    const m = new nn.Module();
    assert.throws(() => m.registerParameter('a.b', null), TypeError);
    assert.throws(() => m.registerParameter('', null), TypeError);
    assert.throws(() => m.registerBuffer('x', 3 as any), TypeError);
    m.registerModule('child', new nn.Identity());
    assert.throws(() => m.registerParameter('child', null), TypeError);
    assert.throws(() => m.registerModule('bad', {} as any), TypeError);
    assert.throws(() => m.forward(), TorchError);
  });

  it('setSubmodule replaces a child that the next forward runs (Sequential reads its registry)', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    torch.tidy(() => {
      const x = torch.tensor([[-1, 2]], { dtype: 'float32' });
      const before = seq.forward(x);
      seq.setSubmodule('0', new nn.Identity());
      assert.deepEqual(seq.forward(x).toArray(), [[0, 2]]);
      assert.ok(before.shape[1] === 2);
      const outer = new nn.Sequential(new Map<string, nn.Module>([['inner', seq], ['act', new nn.Identity()]]));
      outer.setSubmodule('inner.1', new nn.Identity());
      assert.deepEqual(outer.forward(x).toArray(), [[-1, 2]]);
      assert.equal(outer.getSubmodule('inner.1').constructor.name, 'Identity');
      assert.throws(() => outer.getSubmodule('inner.7'), TorchError);
      assert.throws(() => outer.setSubmodule('nope.x', new nn.Identity()), TorchError);
    });
  });

  it('Sequential frees each intermediate once consumed; never its input, a parameter, or an in-place result', () => {
    class ReturnsWeight extends nn.Module {
      constructor() { super(); this.registerParameter('w', nn.Parameter(torch.ones([1, 3]))); }
      forward(): torch.Tensor { return this.getParameter('w')!; }
    }
    const lin = new nn.Linear(3, 3);
    const seq = new nn.Sequential(lin, new nn.ReLU({ inplace: true }), new nn.Linear(3, 3), new ReturnsWeight(), new nn.Linear(3, 2));
    const x = torch.ones([1, 3]);
    const before = torch.memory().numTensors;
    const y = torch.noGrad(() => seq.forward(x));
    // only the result is new: lin's output (relu'd in place) and the second Linear's output are freed
    assert.equal(torch.memory().numTensors, before + 1);
    assert.deepEqual(y.shape, [1, 2]);
    assert.ok(!x.isDisposed, 'the input survives');
    assert.ok(!seq.getSubmodule('3').getParameter('w')!.isDisposed, 'a parameter passed along survives');
    y.dispose();
    x.dispose();
  });

  it('train/eval recurse into every submodule', () => {
    const net = new Net();
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    net.getSubmodule('blocks').train();
    assert.ok(net.getSubmodule('blocks.1.bn').training);
    assert.ok(!net.getSubmodule('stem.1').training);
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net.dispose();
  });

  it('to(dtype) casts floating parameters and buffers in place, keeping parameter identity and int64 buffers', () => {
    const net = new Net();
    const params = net.parameters();
    net.to('float64');
    assert.deepEqual(net.parameters(), params);
    assert.ok(params.every((p) => p.dtype === 'float64' && p.requiresGrad && p.isLeaf));
    assert.equal(net.getSubmodule('stem.1').getBuffer('num_batches_tracked')!.dtype, 'int64');
    assert.equal(net.getSubmodule('stem.1').getBuffer('running_var')!.dtype, 'float64');
    torch.tidy(() => {
      const y = net.getSubmodule('stem').forward(torch.randn([1, 3, 4, 4], { dtype: 'float64' }));
      assert.equal(y.dtype, 'float64');
    });
    net.float();
    assert.ok(net.parameters().every((p) => p.dtype === 'float32'));
    net.dispose();
  });

  it('zeroGrad zeroes (default) or drops gradients; requiresGrad_ and numParameters', () => {
    const lin = new nn.Linear(3, 2);
    torch.tidy(() => lin.forward(torch.ones([1, 3])).sum().backward());
    assert.ok(lin.weight.grad);
    lin.zeroGrad();
    torch.tidy(() => assert.equal(lin.weight.grad!.abs().sum().item(), 0));
    lin.zeroGrad(true);
    assert.equal(lin.weight.grad, null);
    lin.requiresGrad_(false);
    assert.equal(lin.numParameters(), 8);
    assert.equal(lin.numParameters({ trainableOnly: true }), 0);
    lin.dispose();
  });

  it('apply visits children first, then the module itself', () => {
    const net = new nn.Sequential(new nn.Sequential(new nn.ReLU()), new nn.Identity());
    const seen: string[] = [];
    net.apply((m) => seen.push(m.constructor.name));
    assert.deepEqual(seen, ['ReLU', 'Sequential', 'Identity', 'Sequential']);
  });

  it('parameters survive an enclosing tidy (they are kept)', () => {
    const lin = torch.tidy(() => new nn.Linear(2, 2));
    assert.ok(!lin.weight.isDisposed);
    assert.ok(!lin.bias!.isDisposed);
    const bn = torch.tidy(() => new nn.BatchNorm2d(2));
    assert.ok(bn.buffers().every((b) => !b.isDisposed));
    lin.dispose();
    bn.dispose();
  });

  it('containers: Sequential/ModuleList/ModuleDict indexing and mutation', () => {
    const seq = new nn.Sequential(new nn.ReLU(), new nn.Identity());
    assert.equal(seq.length, 2);
    assert.equal(seq.at(-1).constructor.name, 'Identity');
    assert.throws(() => seq.at(2), RangeError);
    seq.append(new nn.Dropout());
    assert.deepEqual(seq.namedChildren().map(([n]) => n), ['0', '1', '2']);
    const named = new nn.Sequential({ a: new nn.ReLU(), b: new nn.Identity() });
    assert.deepEqual(named.namedChildren().map(([n]) => n), ['a', 'b']);
    const list = new nn.ModuleList([new nn.ReLU()]);
    list.append(new nn.Identity());
    list.insert(0, new nn.Dropout());
    assert.deepEqual([...list].map((m) => m.constructor.name), ['Dropout', 'ReLU', 'Identity']);
    list.set(-1, new nn.ReLU());
    assert.equal(list.at(2).constructor.name, 'ReLU');
    const dict = new nn.ModuleDict({ x: new nn.ReLU() });
    dict.set('y', new nn.Identity());
    assert.deepEqual(dict.keys(), ['x', 'y']);
    assert.ok(dict.has('y') && !dict.has('z'));
    assert.throws(() => dict.get('z'), TorchError);
  });
});
