/**
 * The file fuzzer (test/helpers/fuzz-files.ts) in a child process: thousands of damaged real
 * torch.save and safetensors files and S checkpoints, each loaded; every load returns or throws
 * a TorchError (and a refused S checkpoint leaves the model's singular values as they were).
 * The child runs under a memory cap — V8's heap limited to 512 MiB and its RSS, polled here,
 * to 1 GiB (Node and LibTorch take ~350 MiB before the first case; the files are ≤ 70 KB and
 * the inserted bombs ≤ 1 MB, so a bounded reader never comes near) — and a hang watchdog: a
 * case that has not finished in 10 s (the slowest take milliseconds) fails the test. A crash,
 * a finding (another error class, a tensor left behind), a hang or the cap failing all fail it,
 * naming the seed and case (the damaged file is saved next to the inputs).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runReference } from './helpers/reference';
import { transpiledHelper } from './helpers/transpiled';

const SEED = Number(process.env.SVF_FUZZ_SEED ?? 20260901);
const CASES = Number(process.env.SVF_FUZZ_CASES ?? 60000);
const RSS_CAP = 1 << 30;
const HANG_MS = 10000;

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // exited
  }
}

describe('file fuzzer: damaged torch.save and safetensors files', function () {
  this.timeout(600000);

  it(`${CASES} cases (seed ${SEED}) under a 1 GiB cap: no crash, hang, runaway memory or unclean error`, async () => {
    const dir = runReference('files_hostile.py', [], 'files_fuzz');
    const child = spawn(process.execPath, ['--max-old-space-size=512', transpiledHelper('fuzz-files'), dir, String(SEED), String(CASES)], { cwd: path.resolve(__dirname, '..') });
    let lastCase = 'before the first case';
    let lastProgress = Date.now();
    let peakRss = 0;
    let failure: string | null = null;
    let stdoutTail = '';
    let stderr = '';
    const watch = setInterval(() => {
      const rss = rssOf(child.pid!);
      peakRss = Math.max(peakRss, rss);
      if (rss > RSS_CAP) failure ??= `RSS ${(rss / 2 ** 20).toFixed(0)} MiB over the cap at ${lastCase}`;
      else if (Date.now() - lastProgress > HANG_MS) failure ??= `no progress for ${HANG_MS} ms at ${lastCase} (a hang)`;
      if (failure) child.kill('SIGKILL');
    }, 50);
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d: Buffer) => {
      lastProgress = Date.now();
      stdoutTail = (stdoutTail + d.toString()).slice(-4096);
      const lines = stdoutTail.trimEnd().split('\n');
      lastCase = lines[lines.length - 1];
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearInterval(watch);
    assert.equal(failure, null, `seed ${SEED}: ${failure}`);
    assert.ok(code === 0 && signal === null, `seed ${SEED}: the child ended with ${signal ?? `exit code ${code}`} at ${lastCase}: ${stderr.slice(-2000)}`);
    const summary = JSON.parse(stdoutTail.trimEnd().split('\n').pop() as string) as { cases: number; loaded: number; refused: number; ms: number; peakRssBytes: number };
    console.log(`      ${summary.cases} cases in ${(summary.ms / 1000).toFixed(1)} s: ${summary.loaded} loaded, ${summary.refused} refused cleanly; peak RSS ${(Math.max(peakRss, summary.peakRssBytes) / 2 ** 20).toFixed(0)} MiB`);
    // the child's own high-water mark catches a spike between two polls
    assert.ok(summary.peakRssBytes > 0 && summary.peakRssBytes <= RSS_CAP, `peak RSS ${summary.peakRssBytes} over the cap`);
    assert.equal(summary.cases, CASES);
    assert.ok(summary.loaded > 0 && summary.refused > 0, 'both outcomes occur: the damage is neither always fatal nor always harmless');
  });
});
