/**
 * CLI building blocks: progress redraws one line on a TTY and prints plain periodic lines
 * otherwise; the argument parser's types, defaults and errors; svf.mixSingularValues blends
 * S checkpoints exactly (Σ wᵢ·Sᵢ) and refuses checkpoints of other bases, naming the file.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { Progress, formatDuration } from '../lib/cli/progress';
import { CommandSpec, parse, UsageError } from '../lib/cli/args';
import { scoreEpisode } from '../lib/cli/commands/evaluate';

class Sink {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(s: string) { this.text += s; return true; }
}

describe('cli: progress, arguments, S mixing', () => {
  it('progress on a TTY: \\r-redrawn single line with a bar, rate and ETA; newline at the end', () => {
    const s = new Sink(true);
    const p = new Progress('train', 3, { stream: s, tty: true, intervalMs: 0 });
    p.tick(1, 'loss 1.0');
    p.tick(1);
    p.tick(1, 'loss 0.5');
    const frames = s.text.split('\r').filter(Boolean);
    assert.equal(frames.length, 3);
    assert.ok(frames.every((f) => f.startsWith('\x1b[2Ktrain [')));
    assert.match(frames[2], /3\/3 100% [\d.]+ it\/s elapsed 0:00 ETA 0:00 loss 0\.5\n$/);
    assert.equal(s.text.split('\n').length, 2, 'one line in all');
  });

  it('progress in a file or CI: plain lines, throttled, always the last one', () => {
    const s = new Sink(false);
    const p = new Progress('eval', 100, { stream: s, unit: 'batch' });
    assert.equal(p.tty, false);
    for (let i = 0; i < 100; i++) p.tick();
    const lines = s.text.trim().split('\n');
    assert.ok(!s.text.includes('\r') && !s.text.includes('\x1b'));
    assert.equal(lines.length, 2, 'the first tick, then nothing for 5 s, then the final line');
    assert.match(lines[1], /^eval 100\/100 100% [\d.]+ batch\/s/);
    const saved = process.env.CI;
    process.env.CI = 'true';
    try {
      assert.equal(new Progress('x', 1, { stream: new Sink(true) }).tty, false, 'CI means plain lines even on a TTY');
    } finally {
      if (saved === undefined) delete process.env.CI; else process.env.CI = saved;
    }
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(65), '1:05');
  });

  it('arguments: types, defaults, choices, required, --flag=value, positionals', () => {
    const spec: CommandSpec = {
      name: 't', summary: '', positionals: [{ name: 'file', help: 'f' }],
      options: [
        { name: 'steps', type: 'int', default: 5, help: '' },
        { name: 'lr', type: 'number', help: '' },
        { name: 'data-root', type: 'string', required: true, help: 'where' },
        { name: 'mode', type: 'string', choices: ['a', 'b'], default: 'a', help: '' },
        { name: 'keep', type: 'bool', help: '' },
      ],
    };
    assert.deepEqual(parse(spec, ['x.pth', '--data-root', 'd', '--lr=0.5', '--keep']), { file: 'x.pth', dataRoot: 'd', lr: 0.5, keep: true, steps: 5, mode: 'a' });
    assert.throws(() => parse(spec, ['x', '--data-root', 'd', '--steps', '2.5']), (e: Error) => e instanceof UsageError && /--steps must be an integer, got 2\.5/.test(e.message));
    assert.throws(() => parse(spec, ['x', '--data-root', 'd', '--mode', 'c']), /--mode must be one of a, b, got c/);
    assert.throws(() => parse(spec, ['x']), /--data-root is required \(where\)/);
    assert.throws(() => parse(spec, ['--data-root', 'd']), /missing <file>/);
    assert.throws(() => parse(spec, ['x', 'y', '--data-root', 'd']), /unexpected argument y/);
    assert.throws(() => parse(spec, ['x', '--data-root']), /--data-root needs a value/);
    assert.equal(parse(spec, ['--help']).help, true);
  });

  it('eval scores on the original-size label (PFENet ori_resize): label top-left in a 255 square of its longer side', () => {
    // a 30×20 (H×W) label: class in the left 10 columns, one ignored row; logits at 16×16 say
    // "foreground" in the left half of the padded square and background elsewhere
    const meter = new torch.fss.metrics.FewShotMeter();
    const raw = torch.tidy(() => {
      const m = torch.zeros([30, 20], { dtype: 'uint8' });
      m.narrow(1, 0, 10).fill_(1);
      m.narrow(0, 29, 1).fill_(255);
      return m;
    });
    const logits = torch.tidy(() => {
      const fg = torch.zeros([1, 1, 16, 16]);
      fg.narrow(3, 0, 8).fill_(5);
      return torch.cat([fg.neg(), fg], 1);
    });
    scoreEpisode(meter, { rawMasks: [raw], classIds: [3] } as unknown as torch.fss.EpisodeBatch, 0, logits);
    const r = meter.compute();
    // the square is 30×30: prediction fg = columns 0..14 (bilinear, align_corners, of 8 of 16 columns ≈ half)
    // inside the label's 29 valid rows × 20 columns: fg label 29×10; predicted fg 29×c for c ≈ 15
    const cols = torch.tidy(() => torch.nn.functional.interpolate(logits, { size: [30, 30], mode: 'bilinear', alignCorners: true }).argmax(1).select(0, 0).select(0, 0).sum().item() as number);
    const fgIoU = (29 * 10) / (29 * Math.min(cols, 20));
    const bgIoU = (29 * (20 - Math.min(cols, 20))) / (29 * 10);
    assert.ok(Math.abs(r.classIoU[3] - fgIoU) < 1e-9, `${r.classIoU[3]} vs ${fgIoU}`);
    assert.ok(Math.abs(r.fbIoU - (fgIoU + bgIoU) / 2) < 1e-9);
    assert.ok(cols > 10 && cols < 20, 'the case really tests the crop to the label');
    raw.dispose();
    logits.dispose();
  });

  describe('svf.mixSingularValues', () => {
    let tmp: string;
    let model: torch.nn.Module;
    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-mix-'));
      torch.manualSeed(0);
      // decompose layer by layer (svf.resolver's module copy leaves handles to the finalizer)
      const convs = [new torch.nn.Conv2d(3, 8, 3), new torch.nn.Conv2d(8, 4, 1)];
      model = new torch.nn.Sequential(torch.svf.decompose(convs[0]), new torch.nn.ReLU(), torch.svf.decompose(convs[1]));
      convs.forEach((c) => c.dispose());
      const layers = torch.svf.svdLayers(model);
      for (const [k, v] of [['a', 1], ['b', 3]] as const) {
        torch.noGrad(() => layers.forEach(([, l], i) => torch.tidy(() => l.vector_S.copy_(torch.randn(l.vector_S.shape).mul(v).add(i)))));
        torch.tidy(() => torch.svf.saveSingularValues(model, path.join(tmp, `${k}.safetensors`))); // tidy: the fingerprint's temporaries
      }
    });
    after(() => {
      model.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('is Σ wᵢ·Sᵢ per layer with the shared fingerprint', () => {
      const [a, b] = ['a', 'b'].map((k) => torch.loadSafetensors(path.join(tmp, `${k}.safetensors`)));
      const mix = torch.svf.mixSingularValues([{ file: path.join(tmp, 'a.safetensors'), weight: 0.7 }, { file: path.join(tmp, 'b.safetensors'), weight: -0.2 }]);
      assert.equal(mix.fingerprint, a.metadata!.fingerprint);
      assert.deepEqual([...mix.tensors.keys()].sort(), [...a.keys()].sort());
      for (const [k, s] of mix.tensors) {
        const want = torch.tidy(() => a.get(k)!.double().mul(0.7).add(b.get(k)!.double().mul(-0.2)).float());
        // float64 sums rounded once to float32 = the float32 rounding of the exact value
        assert.ok(torch.tidy(() => s.equal(want)), k);
        want.dispose();
      }
      mix.dispose();
      for (const t of [...a.values(), ...b.values()]) t.dispose();
      assert.deepEqual(torch.svf.parseMixSpec('x.safetensors:0.7,y.safetensors:0.3'), [{ file: 'x.safetensors', weight: 0.7 }, { file: 'y.safetensors', weight: 0.3 }]);
      assert.deepEqual(torch.svf.parseMixSpec('x.safetensors'), [{ file: 'x.safetensors', weight: 1 }]);
      assert.throws(() => torch.svf.parseMixSpec('x.safetensors:abc'), /bad entry/);
    });

    it('refuses checkpoints of another base, naming the file', () => {
      const other = path.join(tmp, 'other.safetensors');
      const t = torch.loadSafetensors(path.join(tmp, 'a.safetensors'));
      torch.saveSafetensors(t, other, { ...t.metadata!, fingerprint: 'f'.repeat(64) });
      for (const v of t.values()) v.dispose();
      assert.throws(() => torch.svf.mixSingularValues([{ file: path.join(tmp, 'a.safetensors'), weight: 0.5 }, { file: other, weight: 0.5 }]),
        (e: Error) => e.message.includes(other) && /other base weights/.test(e.message));
      const plain = path.join(tmp, 'plain.safetensors');
      using z = torch.zeros([2]);
      torch.saveSafetensors(new Map([['x', z]]), plain);
      assert.throws(() => torch.svf.mixSingularValues([{ file: plain, weight: 1 }]), /plain\.safetensors is not a singular-value checkpoint/);
      assert.throws(() => torch.svf.mixSingularValues([]), /at least one/);
    });
  });
});
