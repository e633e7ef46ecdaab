/**
 * Data-parallel training across processes on PyTorch's own engine (c10d, Gloo):
 *   node dist/examples/distributed-train.js            # launches 2 local workers of itself
 *   RANK=0 WORLD_SIZE=2 MASTER_ADDR=host MASTER_PORT=29500 node dist/examples/distributed-train.js   # one worker, as torchrun would
 * Each worker takes its shard of the samples (DistributedSampler), DistributedDataParallel
 * averages the gradients, and every rank ends with the same weights; rank 0 reports.
 */
import * as torch from '../lib/index';

const { distributed: dist, nn, optim } = torch;

class Net extends nn.Module {
  constructor() {
    super();
    this.registerModule('conv', new nn.Conv2d(3, 8, 3, { padding: 1 }));
    this.registerModule('fc', new nn.Linear(8, 2));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return torch.tidy(() => {
      const h = nn.F.adaptiveAvgPool2d(nn.F.relu(this.getChild<torch.nn.Conv2d>('conv').forward(x)), 1).flatten(1);
      return this.getChild<torch.nn.Linear>('fc').forward(h);
    });
  }
}

async function worker(): Promise<void> {
  dist.initProcessGroup({ backend: 'gloo' });
  const rank = dist.getRank();
  torch.manualSeed(rank);  // different on purpose: DDP hands rank 0's weights to everyone
  const net = new Net();
  const ddp = new nn.parallel.DistributedDataParallel(net);
  // the same data on every rank (seeded); each rank trains on its own shard of it
  torch.manualSeed(1234);
  const x = torch.randn([64, 3, 16, 16]);
  const y = x.mean([1, 2, 3]).gt(0).long();
  const sampler = new dist.DistributedSampler(64, { seed: 0 });
  const opt = new optim.SGD(net.parameters(), { lr: 0.2, momentum: 0.9 });
  for (let epoch = 0; epoch < 30; epoch++) {
    sampler.setEpoch(epoch);
    const idx = torch.tensor(sampler.indices(), { dtype: 'int64' });
    const loss = torch.tidy(() => {
      opt.zeroGrad();
      const l = nn.F.crossEntropy(ddp.forward(x.indexSelect(0, idx)), y.indexSelect(0, idx));
      l.backward();  // gradients averaged across the ranks here
      opt.step();
      return l.detach();
    });
    dist.allReduce(loss, { op: dist.ReduceOp.SUM });
    if (rank === 0 && epoch % 5 === 4) console.log(`epoch ${epoch}: mean loss over ${dist.getWorldSize()} ranks ${((loss.item() as number) / dist.getWorldSize()).toFixed(4)}`);
    idx.dispose();
    loss.dispose();
  }
  dist.destroyProcessGroup();
}

if (process.env.RANK === undefined) {
  dist.launch({ nproc: 2, script: __filename, argv: process.argv.slice(2) }).then(
    (r) => console.log(`${r.worldSize} workers done`),
    (e) => { console.error(e.message); process.exitCode = 1; },
  );
} else {
  worker().catch((e) => { console.error(e); process.exit(1); });
}
