/**
 * A loader worker thread: decodes (sharp, on libuv's pool) and augments (plain JS, on this
 * thread) the episodes the main thread plans, and sends the pixel buffers back transferred,
 * not copied. Imports nothing that loads LibTorch.
 */
import { parentPort } from 'worker_threads';
import { EpisodePlan, loadEpisode, RawEpisode } from './episode';
import { Transform } from './transforms';

export interface Job {
  id: number;
  plan: EpisodePlan;
  transforms: Transform[];
  seed: number;
}

export type Reply = { id: number; episode: RawEpisode } | { id: number; error: string };

function buffers(e: RawEpisode): ArrayBuffer[] {
  const all = [e.query.image, e.query.mask, e.rawMask.mask, ...e.support.flatMap((s) => [s.image, s.mask])].map((a) => a.buffer as ArrayBuffer);
  return [...new Set(all)];
}

parentPort!.on('message', (job: Job) => {
  loadEpisode(job.plan, job.transforms, job.seed).then(
    (episode) => parentPort!.postMessage({ id: job.id, episode } satisfies Reply, buffers(episode)),
    (e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies Reply),
  );
});
