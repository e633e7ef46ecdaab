/**
 * Body of each worker_thread in test/core-workers.test.ts: loads svf-torch in its own
 * isolate, runs ops + autograd + svd (sync and async), and posts the numbers back.
 */
import { parentPort, workerData } from 'worker_threads';
import * as torch from '../../lib/index';
import { native, TensorHandle } from '../../lib/native';

export interface WorkerResult {
  id: number;
  forward: Float32Array;
  gradX: Float32Array;
  gradW: Float32Array;
  S: Float32Array;
  asyncS: Float32Array;
  memoryBefore: number;
  memoryAfter: number;
  /** A live handle of this worker, for the main thread to try (it must refuse it). */
  workerHandle: number;
  /** What using the main thread's live handle (workerData.mainHandle) here threw: name and message. */
  mainHandleError: string;
  gradEnabledAfterNoGrad: boolean;
  svfGradS: Float32Array;
}

/**
 * An SVF layer step through the addon's own autograd nodes (the factored conv with a folded
 * eval BatchNorm, the mask-saving in-place ReLU): the gradient of vector_S.
 */
export function computeSvf(): Float32Array {
  const { nn, svf } = torch;
  const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
  const bn = new nn.BatchNorm2d(4);
  torch.noGrad(() => torch.tidy(() => {
    conv.weight.copy_(torch.linspace(-0.7, 0.9, 108).reshape(4, 3, 3, 3));
    conv.bias!.copy_(torch.linspace(-0.1, 0.2, 4));
    bn.runningMean!.copy_(torch.linspace(-0.2, 0.3, 4));
    bn.runningVar!.copy_(torch.linspace(0.5, 1.5, 4));
  }));
  const layer = svf.decompose(conv);
  layer.requiresGrad_(false);
  layer.vector_S.requiresGrad_(true);
  layer.mode = 'factored';
  bn.requiresGrad_(false);
  const fused = new nn.Sequential(layer, bn);
  svf.fixBatchNorm(fused);
  const g = torch.tidy(() => {
    const x = torch.linspace(-2, 2, 2 * 3 * 5 * 5).reshape(2, 3, 5, 5).requiresGrad_();
    const y = nn.functional.relu(fused.forward(x), true);
    y.pow(2).sum().backward();
    return layer.vector_S.grad!.data() as Float32Array;
  });
  for (const m of [conv, fused]) m.dispose(); // fused holds the layer and the BatchNorm (swapped, same tensors)
  return g;
}

/** The computation both the workers and the main thread run. */
export function compute(): { forward: Float32Array; gradX: Float32Array; gradW: Float32Array; S: Float32Array; A: torch.Tensor } {
  return torch.tidy(() => {
    const x = torch.linspace(-1, 1, 12).reshape(3, 4).requiresGrad_();
    const W = torch.linspace(0.5, -0.5, 20).reshape(4, 5).requiresGrad_();
    const y = torch.tanh(x.matmul(W)).softmax(1);
    const loss = y.pow(2).sum().add(x.norm());
    loss.backward();
    const A = torch.keep(torch.noGrad(() => x.matmul(W).add(torch.eye(3, 5))));
    return {
      forward: y.detach().data() as Float32Array,
      gradX: x.grad!.data() as Float32Array,
      gradW: W.grad!.data() as Float32Array,
      S: torch.linalg.svd(A).S.data() as Float32Array,
      A,
    };
  });
}

async function main(): Promise<void> {
  const memoryBefore = torch.memory().numTensors;
  const r = compute();
  const s = await torch.linalg.svdAsync(r.A);
  const asyncS = s.S.data() as Float32Array;
  for (const t of [s.U, s.S, s.Vh, r.A]) t.dispose();
  // Handles are numbers and cross threads in messages; each environment must refuse another's.
  let mainHandleError = 'none';
  try {
    native.shape(workerData.mainHandle as TensorHandle);
  } catch (e) {
    mainHandleError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const t = torch.ones([1]);
  torch.setGradEnabled(false); // thread-local: must not leak into the main thread
  const result: WorkerResult = {
    id: workerData.id as number, forward: r.forward, gradX: r.gradX, gradW: r.gradW, S: r.S, asyncS,
    memoryBefore, memoryAfter: NaN, workerHandle: t.handle as unknown as number, mainHandleError,
    gradEnabledAfterNoGrad: false, svfGradS: new Float32Array(),
  };
  torch.setGradEnabled(true);
  result.svfGradS = computeSvf();
  result.memoryAfter = torch.memory().numTensors - 1; // t, still live: its handle goes to the main thread
  // the main thread tries workerHandle once it has the result; the worker then ends, disposing nothing
  torch.setGradEnabled(false);
  result.gradEnabledAfterNoGrad = torch.isGradEnabled();
  parentPort!.postMessage(result);
}

if (parentPort && workerData && workerData.coreWorker) void main();
