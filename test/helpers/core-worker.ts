/**
 * Body of each worker_thread in test/core-workers.test.ts: loads svf-torch in its own
 * isolate, runs ops + autograd + svd (sync and async), and posts the numbers back.
 */
import { parentPort, workerData } from 'worker_threads';
import * as torch from '../../lib/index';

export interface WorkerResult {
  id: number;
  forward: Float32Array;
  gradX: Float32Array;
  gradW: Float32Array;
  S: Float32Array;
  asyncS: Float32Array;
  memoryBefore: number;
  memoryAfter: number;
  handlePostError: string;
  gradEnabledAfterNoGrad: boolean;
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
  let handlePostError = 'none';
  const t = torch.ones([1]);
  try {
    parentPort!.postMessage({ handle: t.handle });
  } catch (e) {
    handlePostError = (e as Error).name;
  }
  t.dispose();
  torch.setGradEnabled(false); // thread-local: must not leak into the main thread
  const result: WorkerResult = {
    id: workerData.id as number, forward: r.forward, gradX: r.gradX, gradW: r.gradW, S: r.S, asyncS,
    memoryBefore, memoryAfter: torch.memory().numTensors, handlePostError, gradEnabledAfterNoGrad: torch.isGradEnabled(),
  };
  parentPort!.postMessage(result);
}

if (parentPort && workerData && workerData.coreWorker) void main();
