/**
 * fss loader: how fast episodes are decoded and augmented (PFENet's training pipeline at 473,
 * images of VOC's sizes), by number of worker threads, and whether a ResNet-50 SVF training
 * step on CPU ever waits for its batch.
 *
 *   npm run bench -- "fss loader"     (compiled: node dist/bench/run.js "fss loader")
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { main as cli } from '../lib/cli/main';
import { Benchmark, machineNotes, markdownTable } from './report';

const { fss } = torch;

/** Images per second of one pass (the loader's workers are kept from pass to pass). */
async function throughput(loader: torch.fss.EpisodeLoader): Promise<number> {
  const t0 = performance.now();
  for await (const b of loader) fss.disposeBatch(b);
  return (loader.episodes * (1 + loader.dataset.shot)) / ((performance.now() - t0) / 1000);
}

export const benchmark: Benchmark = {
  name: 'fss loader',
  async run() {
    const load0 = os.loadavg()[0];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-bench-loader-'));
    try {
      const voc = path.join(tmp, 'VOC2012');
      await fss.makeSyntheticDataset(voc, { images: 80, minSize: 375, maxSize: 500, seed: 1 });
      const ds = await fss.Pascal5i({ root: voc, fold: 0, split: 'train', shot: 1, transform: fss.transforms.trainTransforms(473) });
      const rows: (string | number)[][] = [];
      for (const workers of [0, 1, 2]) {
        const loader = new fss.EpisodeLoader(ds, { batchSize: 4, episodes: 48, seed: 1, workers, prefetch: 4, keepWorkers: true });
        await throughput(loader); // warm-up: page cache, JIT, worker start
        const rates: number[] = [];
        for (let r = 0; r < 3; r++) rates.push(await throughput(loader));
        await loader.close();
        rates.sort((a, b) => a - b);
        rows.push([workers, rates[1].toFixed(1), `${rates[0].toFixed(1)}–${rates[2].toFixed(1)}`]);
      }
      // a real training run through the CLI: ResNet-50, 473 crops, batch 2, loader with 2 workers
      const init = path.join(tmp, 'r50.pth');
      const net = torch.models.resnet50();
      torch.tidy(() => torch.save(net.stateDict(), init));
      net.dispose();
      const svf = path.join(tmp, 'r50-svf.pth');
      const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
      await cli(['resolve', init, '--out', svf], quiet);
      const { result } = await cli(['train', '--data-root', voc, '--weights', svf, '--steps', '5', '--batch', '2', '--workers', '2', '--out', path.join(tmp, 's.safetensors')], quiet);
      const w = result!.dataWaitMs as { first: number; afterFirstTotal: number; afterFirstMax: number };
      return [
        'Episodes of PFENet\'s training pipeline (RandScale 0.9–1.1, RandRotate ±10°, Gaussian blur, flip, 473×473 crop, normalize) from generated VOC-layout data (JPEG 375–500 px a side, grey label PNGs), 1-shot, batch 4, prefetch 4; images = query + support decoded and augmented. Median of 3 passes of 48 episodes (96 images) after a warm-up pass (same workers), the consumer doing nothing else.',
        '',
        markdownTable(['worker threads', 'images/s (median)', 'range'], rows),
        '',
        `ResNet-50 SVF training through \`svf-torch train\` (473 crops, batch 2, 2 loader workers, 5 steps): ${(result!.secondsPerStep as number).toFixed(2)} s/step; waiting for data: ${w.first.toFixed(0)} ms before the first batch, ${w.afterFirstTotal.toFixed(1)} ms in all after it (longest ${w.afterFirstMax.toFixed(1)} ms) (time awaiting episodes not decoded and augmented yet; collation into tensors not included) — steps after the first do not wait on data.`,
        '',
        'Reproduce: `npm run build:ts && node dist/bench/run.js "fss loader"`.',
        '',
        machineNotes(`1-minute load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (other processes share these cores: worker threads only help when cores are free)`),
      ].join('\n');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
};
