/**
 * Interrupted saves: a child process saving checkpoint after checkpoint (test/helpers/
 * kill-saver.ts) is killed with SIGKILL at a random moment, 100 times for torch.save and 100
 * for svf.saveSingularValues. Each time the file on disk must be complete and be either the
 * last save the child reported done or the one it was writing — never a mix, never cut short.
 * A temporary file left by the killed child shows the kill landed inside a write (the case that
 * matters); some trials must have done so, or the test proved nothing. The next save to the
 * same path removes it: temporary files of earlier kills never pile up.
 */
import { strict as assert } from 'assert';
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { interruptedModel } from './helpers/interrupted-model';
import { seeded } from './helpers/seeded';
import { transpiledHelper } from './helpers/transpiled';

const TRIALS = Number(process.env.SVF_KILL_TRIALS ?? 100);
const ROOT = path.resolve(__dirname, '..');

/** Starts the saver at generation `first`; resolves with the last generation it reported when killed `delayMs` after its first report. */
function killDuringSaves(dir: string, kind: 'pt' | 'sv', first: number, delayMs: number): Promise<{ last: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [transpiledHelper('kill-saver'), dir, kind, String(first)], { cwd: ROOT });
    let last = first - 1;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop() as string;
      for (const l of lines) {
        if (last === first - 1) setTimeout(() => child.kill('SIGKILL'), delayMs);
        last = Number(l);
      }
    });
    child.on('close', (code, signal) => { // 'close': after every reported line was read
      if (signal === 'SIGKILL') resolve({ last, pid: child.pid! });
      else reject(new Error(`the saver exited by itself (${code}): ${stderr}`));
    });
  });
}

/** The generation a complete checkpoint file holds; throws if it is incomplete or mixed. */
function generationIn(dir: string, kind: 'pt' | 'sv', model: torch.nn.Module): number {
  if (kind === 'pt') {
    const sd = torch.load(path.join(dir, 'checkpoint.pt')) as Map<string, unknown>;
    const g = sd.get('generation') as number;
    for (const k of ['a', 'b']) {
      const t = sd.get(k) as torch.Tensor;
      assert.ok(t.eq(g).all().item(), `${k} is all generation ${g}`);
      t.dispose();
    }
    return g;
  }
  torch.svf.loadSingularValues(model, path.join(dir, 'S.safetensors'));
  const values = new Set(torch.svf.svdLayers(model).flatMap(([, l]) => [...(l.vector_S.data() as Float32Array)]));
  assert.equal(values.size, 1, `one generation in every vector_S, got ${[...values]}`);
  return [...values][0];
}

describe('SIGKILL during saves leaves the old file or the new one, complete', function () {
  this.timeout(1800000);

  it('a save removes temporary files of dead writers for its target, never a live writer\'s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-kill-temps-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid is free
    const temp = (pid: number, target = 'x.pt'): string => path.join(dir, `.${target}.${pid}.0123456789ab.tmp`);
    for (const f of [temp(dead), temp(process.ppid), temp(dead, 'other.pt')]) fs.writeFileSync(f, 'partial');
    const t = torch.ones([2]);
    torch.save(new Map([['t', t]]), path.join(dir, 'x.pt'));
    t.dispose();
    assert.ok(!fs.existsSync(temp(dead)), 'a dead writer\'s temporary file is removed');
    assert.ok(fs.existsSync(temp(process.ppid)), 'a live writer\'s is left alone');
    assert.ok(fs.existsSync(temp(dead, 'other.pt')), 'another target\'s is left alone');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ['pt', 'sv'] as const) {
    it(`${kind === 'pt' ? 'torch.save' : 'svf.saveSingularValues'}: ${TRIALS} kills at random moments`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `svf-kill-${kind}-`));
      const model = interruptedModel();
      const random = seeded(kind === 'pt' ? 1 : 2);
      let next = 1;
      let midWrite = 0;
      let newer = 0;
      try {
        for (let trial = 0; trial < TRIALS; trial++) {
          // 0–150 ms after the first save: several saves' worth, so kills land anywhere in one
          const { last, pid } = await killDuringSaves(dir, kind, next, Math.floor(random() * 150));
          // a temporary file of this child means the kill landed inside a write; the previous
          // child's, if any, was removed by this child's first save (so they never pile up)
          const temps = fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));
          assert.ok(temps.every((n) => n.includes(`.${pid}.`)), `trial ${trial}: stale temporary files of earlier kills: ${temps}`);
          if (temps.length) midWrite++;
          const g = generationIn(dir, kind, model);
          assert.ok(g === last || g === last + 1, `trial ${trial}: the file holds generation ${g}, the child last finished ${last}`);
          if (g === last + 1) newer++;
          next = Math.max(g, last) + 1;
        }
      } finally {
        model.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      }
      console.log(`      ${TRIALS} kills: ${midWrite} inside a write (temporary file left), ${newer} after the rename but before the report`);
      assert.ok(midWrite > 0, 'no kill landed inside a write: the trials proved nothing');
    });
  }
});
