/**
 * distributed.DistributedSampler against torch.utils.data.DistributedSampler (Python, the same
 * LibTorch): the same indices for every rank, shuffled or not, with padding or dropLast, for
 * several seeds and epochs; no process group needed when numReplicas and rank are given.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib/index';
import { runReference } from './helpers/reference';

const { DistributedSampler } = torch.distributed;

interface Case { n: number; replicas: number; shuffle: boolean; seed: number; epoch: number; dropLast: boolean; numSamples: number; ranks: number[][] }

describe('distributed: DistributedSampler', function () {
  this.timeout(60000);
  let cases: Case[];
  before(() => {
    cases = JSON.parse(fs.readFileSync(path.join(runReference('distributed_sampler.py'), 'sampler.json'), 'utf8'));
  });

  it('gives every rank PyTorch\'s indices (shuffle with seed + epoch, padding, dropLast)', () => {
    for (const c of cases) {
      c.ranks.forEach((expected, rank) => {
        const s = new DistributedSampler(c.n, { numReplicas: c.replicas, rank, shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast });
        s.setEpoch(c.epoch);
        assert.equal(s.length, c.numSamples);
        assert.deepEqual([...s], expected, JSON.stringify({ ...c, ranks: undefined, rank }));
      });
    }
  });

  it('shards are disjoint without padding, and cover every index', () => {
    const parts = [0, 1, 2, 3].map((rank) => new DistributedSampler({ length: 12 }, { numReplicas: 4, rank, seed: 5 }).indices());
    assert.deepEqual(parts.flat().sort((a, b) => a - b), [...Array(12).keys()]);
  });

  it('setEpoch changes the order; the same epoch gives the same order', () => {
    const s = new DistributedSampler(50, { numReplicas: 2, rank: 1 });
    const e0 = s.indices();
    s.setEpoch(1);
    assert.notDeepEqual(s.indices(), e0);
    s.setEpoch(0);
    assert.deepEqual(s.indices(), e0);
  });

  it('bad arguments: TypeError/RangeError; numReplicas/rank default to the (missing) default group', () => {
    assert.throws(() => new DistributedSampler(-1, { numReplicas: 1, rank: 0 }), RangeError);
    assert.throws(() => new DistributedSampler('5' as never, { numReplicas: 1, rank: 0 }), TypeError);
    assert.throws(() => new DistributedSampler(5, { numReplicas: 2, rank: 2 }), /Invalid rank 2/);
    assert.throws(() => new DistributedSampler(5, { numReplicas: 0, rank: 0 }), RangeError);
    assert.throws(() => new DistributedSampler(5, { numReplicas: 2, rank: 0, shuffle: 1 as never }), TypeError);
    assert.throws(() => new DistributedSampler(5, { numReplicas: 2, rank: 0 }).setEpoch(-1), RangeError);
    assert.throws(() => new DistributedSampler(5), (e: Error) => e instanceof torch.TorchError && /initProcessGroup/.test(e.message));
  });
});
