/**
 * Body of each worker thread of test/svf-workers.test.ts: SVF steps, S checkpoint saves and
 * loads, torch.save/load of the state_dict and reads of a safetensors file every other worker
 * reads too, `iterations` times. Reports its live handles and V8 heap size after warm-up and
 * at the end, and its final singular values.
 */
import * as path from 'path';
import * as v8 from 'v8';
import { parentPort, workerData } from 'worker_threads';
import * as torch from '../../lib/index';
import { disposeAll } from './reference';
import { workerModel } from './worker-model';

const { id, dir, iterations, shared } = workerData as { id: number; dir: string; iterations: number; shared: string };
const { svf, optim } = torch;

// weights and input from init.pt, written by the test: the random generator is process-wide,
// shared by the threads, so seeding it here would not give every worker the same model
const dense = workerModel();
const init = torch.load(path.join(dir, 'init.pt')) as Map<string, torch.Tensor>;
const x = init.get('x')!;
init.delete('x');
dense.loadStateDict(init);
disposeAll(init);
const model = svf.resolver(dense);
dense.dispose();
model.requiresGrad_(false);
for (const [, l] of svf.svdLayers(model)) l.vector_S.requiresGrad_(true);
model.train();
const opt = new optim.SGD(model.parameters().filter((p) => p.requiresGrad), { lr: 0.01, momentum: 0.9 });
const sv = path.join(dir, `S-${id}.safetensors`);
const pt = path.join(dir, `sd-${id}.pt`);
let warm = -1;
let warmHeap = 0;
for (let i = 0; i < iterations; i++) {
  torch.tidy(() => {
    opt.zeroGrad();
    model.forward(x).pow(2).mean().backward();
    opt.step();
  });
  svf.saveSingularValues(model, sv);
  svf.loadSingularValues(model, sv);
  const sd = model.stateDict();
  torch.save(sd, pt);
  disposeAll(sd);
  disposeAll(torch.load(pt));
  disposeAll(torch.loadSafetensors(shared));
  if (i === 19) {
    warm = torch.memory().numTensors;
    warmHeap = v8.getHeapStatistics().total_heap_size;
    parentPort!.postMessage({ id, warmedUp: true });
  }
}
const S = svf.svdLayers(model).map(([, l]) => Array.from(l.vector_S.data() as Float32Array));
parentPort!.postMessage({ id, warm, end: torch.memory().numTensors, S, warmHeap, endHeap: v8.getHeapStatistics().total_heap_size });
