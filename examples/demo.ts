/**
 * A short tour of svf-torch: tensors, autograd, explicit memory and SVD — the pieces SVF is
 * built from. Run with `npm start` (after `bash scripts/setup.sh`) or `npm run demo`.
 */
import * as torch from '../lib';

function heading(title: string): void {
  console.log(`\n=== ${title} ===`);
}

/** JSON of nested arrays; int64 tensors come back as BigInt, which JSON.stringify refuses. */
function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
}

function fmt(values: ArrayLike<number | bigint>): string {
  return Array.from(values, (v) => (typeof v === 'number' ? v.toFixed(4) : String(v))).join(', ');
}

function tensors(): void {
  heading('Tensors');
  torch.tidy(() => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' }); // JS numbers alone would give int64, as in PyTorch
    const b = torch.ones([2, 2]).mul(10);
    const c = a.add(b).matmul(a.t());
    console.log(`a          = ${show(a.toArray())}  (${a.dtype}, ${a.device}, shape [${a.shape}])`);
    console.log(`(a+10)·aᵀ  = ${show(c.toArray())}`);
    console.log(`mean(c)    = ${c.mean().item()}`);
    const x = torch.arange(0, 6).reshape([2, 3]);
    console.log(`arange(6)  = ${show(x.toArray())}  (${x.dtype}; .sum(1) = ${show(x.sum(1).toArray())})`);
  });
}

function autograd(): void {
  heading('Autograd');
  torch.tidy(() => {
    // y = sum(w² · x): dy/dw = 2·w·x
    const w = torch.tensor([1, -2, 3], { dtype: 'float32', requiresGrad: true });
    const x = torch.tensor([0.5, 0.25, 2]);
    const y = w.pow(2).mul(x).sum();
    y.backward();
    console.log(`y = sum(w²·x) = ${y.item()}`);
    console.log(`dy/dw         = [${fmt(w.grad!.data() as Float32Array)}]   (expected 2·w·x = [1, -1, 12])`);
  });
}

function memory(): void {
  heading('Memory: tidy / keep / dispose');
  const before = torch.memory().numTensors;
  const kept = torch.tidy(() => {
    let acc = torch.zeros([256, 256]);
    for (let i = 0; i < 100; i++) acc = acc.add(torch.randn([256, 256]));
    return acc; // returned: survives the tidy; the 200 intermediates are freed at once
  });
  console.log(`live tensors: ${before} before, ${torch.memory().numTensors} after tidy (1 kept result)`);
  kept.dispose();
  console.log(`after dispose: ${torch.memory().numTensors}; kept.isDisposed = ${kept.isDisposed}`);
}

function svd(): void {
  heading('Singular value decomposition');
  torch.manualSeed(0);
  torch.tidy(() => {
    const A = torch.randn([6, 4]);
    const { U, S, Vh } = torch.linalg.svd(A);
    console.log(`A: [${A.shape}] → U [${U.shape}], S [${S.shape}], Vh [${Vh.shape}]`);
    console.log(`singular values: [${fmt(S.data() as Float32Array)}]`);
    const rebuilt = U.mul(S.unsqueeze(0)).matmul(Vh); // U·diag(S)·Vh
    const err = rebuilt.sub(A).abs().max().item() as number;
    console.log(`max |U·diag(S)·Vh − A| = ${err.toExponential(2)}`);
    // The SVF idea in one line: keep U and Vh frozen, fine-tune only S.
    const rank2 = U.narrow(1, 0, 2).mul(S.narrow(0, 0, 2).unsqueeze(0)).matmul(Vh.narrow(0, 0, 2));
    console.log(`rank-2 approximation error (Frobenius): ${(rank2.sub(A).norm().item() as number).toFixed(4)}`);
  });
}

function errors(): void {
  heading('Errors');
  torch.tidy(() => {
    try {
      torch.zeros([2, 3]).matmul(torch.zeros([4, 5]));
    } catch (e) {
      console.log(`${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`);
    }
  });
}

function main(): void {
  const v = torch.version;
  console.log(`svf-torch ${v.package} on LibTorch ${v.libtorch}; CUDA: ${v.cuda ?? 'not built'}; ` +
    `cuda available: ${torch.cuda.isAvailable()}; threads: ${torch.getNumThreads()}`);
  tensors();
  autograd();
  memory();
  svd();
  errors();
  console.log(`\nlive tensors at exit: ${torch.memory().numTensors}`);
}

main();
