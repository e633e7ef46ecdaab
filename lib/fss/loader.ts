/**
 * EpisodeLoader: batches of episodes with prefetch. Decoding (sharp) and augmentation (JS)
 * run in worker threads while the main thread trains, so a training step does not wait on
 * data; `prefetch` batches are kept in flight. Episode i of a seed is the same whatever the
 * number of workers (each episode has its own random streams, see dataset.plan), and batches
 * come out in order.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { FewShotDataset } from './dataset';
import { RawEpisode } from './episode';
import { Job, Reply } from './loader-worker';
import { collate, EpisodeBatch } from './tensors';

export interface LoaderOptions {
  /** Episodes per batch (default 1). */
  batchSize?: number;
  /** Total episodes (default: the dataset's length); the last partial batch is kept. */
  episodes?: number;
  /** Seed of the episodes and augmentation (default 0). */
  seed?: number;
  /** First episode index (default 0): resume an interrupted run where it stopped. */
  start?: number;
  /**
   * The episode indices to load, in order, as PyTorch's DataLoader takes a sampler: e.g. a
   * distributed.DistributedSampler over the episodes, so that each rank loads its share.
   * Replaces `episodes` and `start`.
   */
  sampler?: Iterable<number>;
  /** Worker threads (default min(2, CPUs)); 0 decodes on libuv's pool and augments on this thread. */
  workers?: number;
  /** Batches in flight ahead of the consumer (default 2). */
  prefetch?: number;
  /** Keep the worker threads from one pass to the next (default false); then call close(). */
  keepWorkers?: boolean;
}

export interface LoaderStats {
  batches: number;
  /** Time the consumer spent awaiting episodes that were not decoded and augmented yet. */
  waitMs: number;
  /** The same per batch (collation into tensors, a few ms, not included). */
  waits: number[];
}

function spawn(): Worker {
  const file = path.join(__dirname, `loader-worker${path.extname(__filename)}`);
  if (file.endsWith('.ts')) {
    // running from sources under ts-node (tests): compile the worker the same way, without type checks
    return new Worker(`require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`, { eval: true });
  }
  return new Worker(file);
}

class Pool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (e: RawEpisode) => void; reject: (e: Error) => void }>();
  private readonly load: number[];
  private nextId = 0;

  constructor(n: number) {
    this.workers = Array.from({ length: n }, () => spawn());
    this.load = new Array(n).fill(0);
    this.workers.forEach((w, k) => {
      w.unref(); // an abandoned loader must not keep the process alive
      w.on('message', (r: Reply) => {
        this.load[k]--;
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if ('error' in r) p?.reject(new Error(r.error));
        else p?.resolve(r.episode);
      });
      w.on('error', (e) => this.failAll(e));
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(new Error(`loader worker failed: ${e.message}`));
    this.pending.clear();
  }

  run(job: Omit<Job, 'id'>): Promise<RawEpisode> {
    const id = this.nextId++;
    const k = this.load.indexOf(Math.min(...this.load));
    this.load[k]++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[k].postMessage({ ...job, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Most indices one pass takes from a sampler: an endless iterable must not grow memory forever. */
const MAX_SAMPLER_INDICES = 1 << 24;

/** A sampler's indices, checked: non-negative integers, at least one, at most MAX_SAMPLER_INDICES. */
function samplerIndices(sampler: Iterable<number>, opts: LoaderOptions): number[] {
  if (sampler === null || typeof (sampler as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function')
    throw new TypeError('EpisodeLoader: sampler must be an iterable of episode indices (e.g. a DistributedSampler)');
  if (opts.episodes !== undefined || opts.start !== undefined)
    throw new TypeError('EpisodeLoader: sampler replaces episodes and start; give one or the other');
  const out: number[] = [];
  for (const i of sampler) {
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`EpisodeLoader: sampler gave ${String(i)}; episode indices are integers ≥ 0`);
    if (out.push(i) > MAX_SAMPLER_INDICES) throw new RangeError(`EpisodeLoader: the sampler gave more than ${MAX_SAMPLER_INDICES} episode indices`);
  }
  if (out.length === 0) throw new RangeError('EpisodeLoader: the sampler gave no episode');
  return out;
}

export class EpisodeLoader implements AsyncIterable<EpisodeBatch> {
  readonly batchSize: number;
  readonly episodes: number;
  readonly seed: number;
  readonly start: number;
  /** The episode indices of a pass when a sampler was given, else null (start, start + 1, …). */
  readonly indices: readonly number[] | null;
  readonly workers: number;
  readonly prefetch: number;
  readonly keepWorkers: boolean;
  readonly stats: LoaderStats = { batches: 0, waitMs: 0, waits: [] };

  constructor(readonly dataset: FewShotDataset, opts: LoaderOptions = {}) {
    if (!(dataset instanceof FewShotDataset)) throw new TypeError('EpisodeLoader(dataset, opts): dataset must come from fss.Pascal5i / fss.Coco20i');
    const int = (v: number | undefined, d: number, min: number, name: string) => {
      const x = v ?? d;
      if (!Number.isInteger(x) || x < min) throw new RangeError(`EpisodeLoader: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
      return x;
    };
    this.batchSize = int(opts.batchSize, 1, 1, 'batchSize');
    this.indices = opts.sampler === undefined ? null : samplerIndices(opts.sampler, opts);
    this.episodes = this.indices ? this.indices.length : int(opts.episodes, dataset.length, 1, 'episodes');
    this.seed = int(opts.seed, 0, 0, 'seed');
    this.start = int(opts.start, 0, 0, 'start');
    this.workers = int(opts.workers, Math.min(2, os.cpus().length), 0, 'workers');
    this.prefetch = int(opts.prefetch, 2, 1, 'prefetch');
    this.keepWorkers = opts.keepWorkers ?? false;
  }

  /** Batches per pass. */
  get length(): number {
    return Math.ceil(this.episodes / this.batchSize);
  }

  private pool: Pool | null = null;

  /** Ends the worker threads (done after each pass unless keepWorkers). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EpisodeBatch> {
    if (this.workers > 0 && !this.pool) this.pool = new Pool(this.workers);
    const pool = this.pool;
    const episodeAt = (k: number) => (this.indices ? this.indices[k] : this.start + k);
    const load = (e: number): Promise<RawEpisode> => {
      const plan = this.dataset.plan(e, this.seed);
      return pool ? pool.run({ plan, transforms: this.dataset.transforms, seed: this.seed }) : this.dataset.rawEpisode(e, this.seed);
    };
    const batchOf = (b: number) => {
      const idx = Array.from({ length: Math.min(this.batchSize, this.episodes - b * this.batchSize) }, (_, j) => episodeAt(b * this.batchSize + j));
      const p = Promise.all(idx.map(load)).then((eps) => ({ eps, idx }));
      p.catch(() => undefined); // surfaced when awaited; not an unhandled rejection meanwhile
      return p;
    };
    const queue: ReturnType<typeof batchOf>[] = [];
    let next = 0;
    let taken = 0;
    try {
      for (let b = 0; b < this.length; b++) {
        while (next < this.length && queue.length < this.prefetch + 1) queue.push(batchOf(next++));
        const t0 = performance.now();
        const { eps, idx } = await queue.shift()!;
        const waited = performance.now() - t0;
        this.stats.waitMs += waited;
        this.stats.waits.push(waited);
        this.stats.batches++;
        // refill before handing the batch over, so decoding overlaps the consumer's step
        while (next < this.length && queue.length < this.prefetch + 1) queue.push(batchOf(next++));
        taken++;
        yield collate(eps, idx);
      }
    } finally {
      // a pass left early leaves episodes in flight: a fresh pool for the next pass
      if (taken < this.length || !this.keepWorkers) await this.close();
    }
  }
}
