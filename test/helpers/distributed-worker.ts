/**
 * One rank of the multi-process tests (test/distributed-*.test.ts), started with torchrun's
 * variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). Prints one line `RESULT <json>`.
 * usage: distributed-worker.js SCENARIO [ARGS...]
 *   collectives            allReduce (every op, several dtypes, sync and async), broadcast, barrier
 *   ddp REFDIR OUTDIR      DDP training on this rank's half of the reference batch
 *   single REFDIR OUTDIR   the same training in one process on the whole batch (no group)
 *   dead TIMEOUT_MS        rank 1 dies after the barrier; rank 0's allReduce must fail
 *   ddp-dead TIMEOUT_MS    DDP training; rank 1 dies after the first step; rank 0's next backward must fail
 *   silent TIMEOUT_MS      rank 1 stays alive but never joins; rank 0's allReduce must time out
 *   alone TIMEOUT_MS       rank 0 of 2, but rank 1 never comes: initProcessGroup must fail
 *   mixed                  what test/reference/distributed_mixed_rank.py's `collectives` does (a
 *                          group of Python and svf-torch ranks)
 *   filestore FILE         file:// rendezvous (FileStore), then an allReduce
 *   launched OUTDIR        (under distributed.launch) writes the variables it got and an allReduce
 *   fail-rank1             (under distributed.launch) rank 1 exits 3; rank 0 waits in the rendezvous
 *   pfenet OUTDIR          PFENet-ResNet50+SVF, the recipe's optimizer, 2 steps on a fixed batch of 4
 *                          (dropout off): WORLD_SIZE 1 takes the whole batch, 2 ranks half each under DDP
 */
import * as path from 'path';
import * as torch from '../../lib/index';
import { ddpNet } from './distributed-net';
import { loadReference } from './reference';

const { distributed: dist } = torch;
const [scenario, ...args] = process.argv.slice(2);

function result(value: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(value)}\n`);
}

function values(t: torch.Tensor): number[] {
  return (t.toArray() as number[]).map(Number);
}

async function collectives(): Promise<void> {
  dist.initProcessGroup({ backend: 'gloo', timeout: 60000 });
  const rank = dist.getRank();
  const out: Record<string, unknown> = { rank, worldSize: dist.getWorldSize(), backend: dist.getBackend(), initialized: dist.isInitialized() };
  // Each rank contributes rank-dependent values; the test recomputes every expected result.
  for (const op of ['sum', 'product', 'min', 'max'] as const) {
    const t = torch.tensor([rank + 1, -(rank + 2) * 0.5, 3 - rank * 4], { dtype: 'float32' });
    dist.allReduce(t, { op });
    out[`float32.${op}`] = values(t);
    t.dispose();
  }
  const d = torch.tensor([1.25 * (rank + 1), 1e-3], { dtype: 'float64' });
  dist.allReduce(d);
  out['float64.sum'] = values(d);
  const i = torch.tensor([rank * 7 + 1, 2 ** 40], { dtype: 'int64' });
  dist.allReduce(i, { op: dist.ReduceOp.MAX });
  out['int64.max'] = values(i);
  const b = torch.tensor([rank === 0 ? 6 : 3, rank === 0 ? 12 : 10], { dtype: 'int32' });
  dist.allReduce(b, { op: dist.ReduceOp.BAND });
  out['int32.band'] = values(b);
  try {
    const avg = torch.tensor([rank + 1, 4 * rank], { dtype: 'float32' });
    dist.allReduce(avg, { op: dist.ReduceOp.AVG });
    out.avg = values(avg);
  } catch (e) {
    out.avg = `${(e as Error).name}: ${(e as Error).message}`;
  }
  // a non-contiguous view, reduced in place through its storage
  const base = torch.arange(6, { dtype: 'float32' }).reshape(2, 3).add(rank * 10);
  const view = base.t();
  dist.allReduce(view);
  out.view = values(base.reshape(-1));
  // async: the event loop keeps running while the collective is in flight
  const a = torch.full([4], rank + 1);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const pending = dist.allReduce(a, { op: dist.ReduceOp.SUM, asyncOp: true });
  out.asyncIsPromise = pending instanceof Promise;
  await pending;
  clearInterval(timer);
  out.async = values(a);
  for (const src of [0, 1]) {
    const t = torch.tensor([rank * 100 + 1, rank * 100 + 2], { dtype: 'float32' });
    dist.broadcast(t, src);
    out[`broadcast${src}`] = values(t);
  }
  const c = torch.tensor([rank + 0.5]);
  await dist.broadcast(c, 1, { asyncOp: true });
  out.asyncBroadcast = values(c);
  dist.barrier();
  await dist.barrier({ asyncOp: true });
  dist.destroyProcessGroup();
  out.initializedAfterDestroy = dist.isInitialized();
  result(out);
}

/** Trains the reference net; `half` selects this rank's half of the batch under DDP. */
function train(refdir: string, outdir: string, distributed: boolean): void {
  const ref = loadReference(refdir);
  const meta = ref.extra as { keys: string[]; steps: number; lr: number; momentum: number; batch: number };
  let rank = 0;
  let net = ddpNet();
  if (distributed) {
    dist.initProcessGroup({ backend: 'gloo', timeout: 120000 });
    rank = dist.getRank();
  }
  // rank 0 starts from the reference weights, rank 1 from its own: DDP must hand out rank 0's
  const prefix = rank === 0 ? 'init.' : 'rank1_init.';
  net.loadStateDict(new Map(meta.keys.map((k) => [k, ref.get(prefix + k)])));
  const model: torch.nn.Module = distributed ? new torch.nn.parallel.DistributedDataParallel(net) : net;
  const half = meta.batch / 2;
  const [from, to] = distributed ? [rank * half, (rank + 1) * half] : [0, meta.batch];
  const x = ref.get('x').slice(0, from, to);
  const y = ref.get('y').slice(0, from, to);
  const opt = new torch.optim.SGD(net.parameters().filter((p) => p.requiresGrad), { lr: meta.lr, momentum: meta.momentum });
  for (let s = 0; s < meta.steps; s++) {
    opt.zeroGrad();
    torch.tidy(() => torch.nn.F.crossEntropy(model.forward(x), y).backward());
    opt.step();
  }
  const sd = model.stateDict();
  torch.saveSafetensors(sd, path.join(outdir, distributed ? `rank${rank}.safetensors` : 'single.safetensors'));
  // after training: one backward inside noSync (gradients stay local), then one synced
  const fcGrad = (sync: boolean) => {
    opt.zeroGrad();
    const step = () => torch.tidy(() => torch.nn.F.crossEntropy(model.forward(x), y).backward());
    if (sync || !(model instanceof torch.nn.parallel.DistributedDataParallel)) step();
    else model.noSync(step);
    return values(net.getChild<torch.nn.Linear>('fc').weight.grad!.reshape(-1));
  };
  const localGrad = fcGrad(false);
  const syncedGrad = fcGrad(true);
  result({ rank, keys: [...sd.keys()], frozenGrad: net.getParameter('shift')!.grad === null, localGrad, syncedGrad });
  if (distributed) dist.destroyProcessGroup();
}

function deadPeer(timeoutMs: number, silent: boolean): void {
  const port = Number(process.env.MASTER_PORT);
  dist.initProcessGroup({ initMethod: `tcp://127.0.0.1:${port}`, rank: Number(process.env.RANK), worldSize: 2, timeout: timeoutMs });
  const rank = dist.getRank();
  dist.barrier();
  if (rank === 1) {
    if (silent) setTimeout(() => process.exit(0), timeoutMs * 2 + 1000);  // alive, but never joins
    else process.kill(process.pid, 'SIGKILL');
    return;
  }
  const t = torch.ones(1000);
  const start = Date.now();
  try {
    dist.allReduce(t);
    result({ rank, error: null, ms: Date.now() - start });
  } catch (e) {
    result({ rank, error: { name: (e as Error).name, message: (e as Error).message, isTorchError: e instanceof torch.TorchError }, ms: Date.now() - start });
  }
  process.exit(0);
}

function launched(outdir: string): void {
  dist.initProcessGroup({ timeout: 60000 });
  const t = torch.tensor([dist.getRank() + 1], { dtype: 'float32' });
  dist.allReduce(t);
  const vars = ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'OMP_NUM_THREADS', 'EXTRA'];
  const env = Object.fromEntries(vars.map((v) => [v, process.env[v]]));
  require('fs').writeFileSync(path.join(outdir, `rank${dist.getRank()}.json`), JSON.stringify({ env, sum: values(t), argv: args }));
  dist.destroyProcessGroup();
}

function ddpDead(timeoutMs: number): void {
  dist.initProcessGroup({ timeout: timeoutMs });
  const rank = dist.getRank();
  const net = ddpNet();
  const ddp = new torch.nn.parallel.DistributedDataParallel(net);
  const x = torch.randn([2, 3, 10, 10]);
  const step = () => torch.tidy(() => ddp.forward(x).pow(2).mean().backward());
  step();
  if (rank === 1) process.kill(process.pid, 'SIGKILL');
  const start = Date.now();
  try {
    step();
    result({ rank, error: null, ms: Date.now() - start });
  } catch (e) {
    result({ rank, error: { name: (e as Error).name, message: (e as Error).message, isTorchError: e instanceof torch.TorchError }, ms: Date.now() - start });
  }
  process.exit(0);
}

function alone(timeoutMs: number): void {
  const start = Date.now();
  try {
    dist.initProcessGroup({ timeout: timeoutMs });
    result({ error: null, ms: Date.now() - start });
  } catch (e) {
    result({ error: { name: (e as Error).name, message: (e as Error).message, isTorchError: e instanceof torch.TorchError }, ms: Date.now() - start });
  }
  process.exit(0);
}

function mixed(): void {
  dist.initProcessGroup({ backend: 'gloo', timeout: 120000 });
  const rank = dist.getRank();
  const t = torch.tensor([1 + rank, 10 * rank], { dtype: 'float32' });
  dist.allReduce(t);
  const m = torch.tensor([3 - rank], { dtype: 'float64' });
  dist.allReduce(m, { op: dist.ReduceOp.MAX });
  const b = torch.tensor([5 + rank], { dtype: 'float32' });
  dist.broadcast(b, 1);
  dist.barrier();
  result({ rank, sum: values(t), max: values(m), broadcast: values(b) });
  dist.destroyProcessGroup();
}

function fileStore(file: string): void {
  const rank = Number(process.env.RANK);
  dist.initProcessGroup({ initMethod: `file://${file}`, rank, worldSize: Number(process.env.WORLD_SIZE), timeout: 60000 });
  const t = torch.tensor([10 ** rank], { dtype: 'float64' });
  dist.allReduce(t);
  result({ rank, sum: values(t) });
  dist.destroyProcessGroup();
}

function failRank1(): void {
  if (process.env.RANK === '1') process.exit(3);
  dist.initProcessGroup({ timeout: 120000 });  // never completes: the launcher must stop this rank
}

/** See `pfenet` above: rank 0 (or the single process) writes the trained state_dict to OUTDIR. */
function pfenet(outdir: string): void {
  const worldSize = Number(process.env.WORLD_SIZE);
  let rank = 0;
  if (worldSize > 1) {
    dist.initProcessGroup({ backend: 'gloo', timeout: 120000 });
    rank = dist.getRank();
  }
  torch.manualSeed(rank === 0 ? 0 : 1); // rank 1 starts elsewhere: DDP hands out rank 0's weights
  const model = new torch.fss.PFENet({ layers: 50, ppmScales: [4, 2] });
  torch.fss.PFENet.applySvf(model);
  const { optimizer } = torch.fss.PFENet.recipe(model, { baseLr: 0.01, maxIters: 10 });
  const net = worldSize > 1 ? new torch.nn.parallel.DistributedDataParallel(model) : model;
  if (worldSize === 1) torch.saveSafetensors(model.stateDict(), path.join(outdir, 'pfenet-init.safetensors'));
  net.train();
  // dropout draws differ between one batch of 4 and two of 2: off, so the runs can be compared
  for (const m of model.modules()) if (m instanceof torch.nn.Dropout2d) m.eval();
  torch.manualSeed(7);
  const size = 33;
  const batch = {
    query: torch.randn([4, 3, size, size]),
    support: torch.randn([4, 1, 3, size, size]),
    supportMask: torch.randint(0, 2, [4, 1, size, size]).float(),
    queryMask: torch.randint(0, 2, [4, size, size]),
  };
  const per = 4 / worldSize;
  const mine = Object.fromEntries(Object.entries(batch).map(([k, t]) => [k, t.slice(0, rank * per, (rank + 1) * per)])) as unknown as torch.fss.EpisodeBatch;
  const losses = [0, 1].map(() => torch.fss.pfenet.trainStep(net, optimizer, mine).loss);
  const sd = model.stateDict();
  torch.saveSafetensors(sd, path.join(outdir, worldSize > 1 ? `pfenet-rank${rank}.safetensors` : 'pfenet-single.safetensors'));
  const trainable = model.namedParameters().filter(([, p]) => p.requiresGrad).map(([k]) => k);
  result({ rank, losses, trainable });
  if (net instanceof torch.nn.parallel.DistributedDataParallel) net.release();
  if (worldSize > 1) dist.destroyProcessGroup();
}

async function main(): Promise<void> {
  if (scenario === 'collectives') await collectives();
  else if (scenario === 'ddp') train(args[0], args[1], true);
  else if (scenario === 'single') train(args[0], args[1], false);
  else if (scenario === 'launched') launched(args[0]);
  else if (scenario === 'pfenet') pfenet(args[0]);
  else if (scenario === 'fail-rank1') failRank1();
  else if (scenario === 'filestore') fileStore(args[0]);
  else if (scenario === 'mixed') mixed();
  else if (scenario === 'alone') alone(Number(args[0]));
  else if (scenario === 'ddp-dead') ddpDead(Number(args[0]));
  else if (scenario === 'dead' || scenario === 'silent') deadPeer(Number(args[0]), scenario === 'silent');
  else throw new Error(`unknown scenario ${scenario}`);
}

main().catch((e) => {
  process.stderr.write(`rank ${process.env.RANK}: ${(e as Error).stack}\n`);
  process.exit(1);
});
