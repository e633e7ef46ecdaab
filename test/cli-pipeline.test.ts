/**
 * The svf-torch CLI end to end on a generated dataset in the real VOC layout and a
 * Python-written ResNet-18: inspect (keys/shapes/dtypes as Python wrote them), resolve, train
 * a few steps, eval with both metrics (--json), mixing S checkpoints with --s a:w,b:w, and
 * spectra with its PNG (looked at: not blank, axes and their labels drawn). Also the process
 * entry point (exit codes, stdout JSON) and the errors that say what is missing where.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { cli } from './helpers/cli';
import { decodeImage } from '../lib/vision/decode';
import { runReference } from './helpers/reference';

describe('cli: svf-torch end to end', function () {
  this.timeout(300000);
  let tmp: string;
  let voc: string;
  let refDir: string;
  let pth: string;
  let svfPth: string;
  const f = (name: string) => path.join(tmp, name);
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-cli-'));
    voc = f('VOC2012');
    await torch.fss.makeSyntheticDataset(voc, { images: 100, seed: 2, minSize: 96, maxSize: 120 });
    refDir = runReference('cli_weights.py');
    pth = path.join(refDir, 'resnet18.pth');
    svfPth = f('r18-svf.pth');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('inspect a Python-written .pth: every key, shape and dtype, total bytes', async () => {
    const live = torch.memory().numTensors;
    const r = await cli('inspect', pth, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const want = JSON.parse(fs.readFileSync(path.join(refDir, 'manifest.json'), 'utf8')).extra;
    assert.deepEqual(j.rows.map((x: { key: string; shape: number[]; dtype: string }) => [x.key, x.shape, x.dtype]), want.rows);
    assert.equal(j.bytes, want.bytes);
    assert.deepEqual(j.svdLayers, []);
    const human = await cli('inspect', pth, '--limit', '3');
    assert.match(human.stdout, /conv1\.weight +\[64, 3, 7, 7\] +float32 +37632/);
    assert.match(human.stdout, /… 119 more/);
    assert.equal(torch.memory().numTensors, live);
  });

  it('resolve → a resolved state_dict whose SVD layers inspect lists with their ranks', async () => {
    const r = await cli('resolve', pth, '--arch', 'resnet18', '--out', svfPth, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.svdLayers, 21); // 20 convs + fc
    const ins = JSON.parse((await cli('inspect', svfPth, '--json')).stdout);
    const ranks = Object.fromEntries(ins.svdLayers.map((l: { layer: string; rank: number }) => [l.layer, l.rank]));
    assert.equal(ranks['layer1.0.conv1'], 64); // full rank: min(64, 64·3·3)
    assert.equal(ranks['conv1'], 3 * 7 * 7 > 64 ? 64 : 147);
    assert.deepEqual(ranks, j.ranks);
  });

  const data = () => ['--data-root', voc, '--fold', '1', '--size', '64', '--workers', '1', '--arch', 'resnet18', '--weights', svfPth];

  it('train a few steps (twice, two seeds) and eval with both metrics, base and tuned, single and mixed S', async () => {
    const live = torch.memory().numTensors;
    for (const seed of ['0', '1']) {
      const t = await cli('train', ...data(), '--steps', '4', '--batch', '2', '--seed', seed, '--out', f(`s${seed}.safetensors`), '--json');
      assert.equal(t.code, 0, t.stderr);
      const j = JSON.parse(t.stdout);
      assert.equal(j.steps, 4);
      assert.ok(Number.isFinite(j.finalLoss) && j.trainable > 0);
      // progress went to stderr as plain lines (not a TTY), never \r frames
      assert.match(t.stderr, /train .*4\/4 100% .* step\/s .*ETA 0:00/);
      assert.match(t.stderr, /scan train labels (\d+)\/\1 100% .* file\/s/, 'the label scan reports its progress');
      assert.ok(!t.stderr.includes('\r'));
    }
    const ev = async (...extra: string[]) => {
      const r = await cli('eval', ...data(), '--episodes', '6', '--batch', '3', ...extra, '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const base = await ev();
    const tuned = await ev('--s', f('s0.safetensors'));
    for (const r of [base, tuned]) {
      assert.equal(r.episodes, 6);
      assert.ok(r.mIoU >= 0 && r.mIoU <= 1 && r.fbIoU >= 0 && r.fbIoU <= 1);
      assert.ok(Object.keys(r.classIoU).every((c) => [6, 7, 8, 9, 10].includes(Number(c))));
    }
    assert.notEqual(base.mIoU, tuned.mIoU, 'the S checkpoint changed nothing');
    // a mix with weights 1 and 0 is the first checkpoint; a real mix differs from both
    const same = await ev('--s', `${f('s0.safetensors')}:1,${f('s1.safetensors')}:0`);
    assert.equal(same.mIoU, tuned.mIoU);
    assert.equal(same.fbIoU, tuned.fbIoU);
    assert.equal(torch.memory().numTensors, live, 'the commands leave no tensor behind');
  });

  it('spectra: HTML with inline SVG only, and a PNG that shows a labelled chart', async () => {
    const html = f('report/spectra.html');
    const r = await cli('spectra', f('s0.safetensors'), '--base', svfPth, '--arch', 'resnet18', '--out', html, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.layers, 21);
    // the reported change is ‖S_t − S_b‖/‖S_b‖, checked here from the two files directly
    const top = j.top[0];
    const tuned = torch.loadSafetensors(f('s0.safetensors'));
    const baseSd = torch.load(svfPth) as Map<string, torch.Tensor>;
    const want = torch.tidy(() => {
      const t = tuned.get(`${top.layer}.vector_S`)!.double();
      const b = baseSd.get(`${top.layer}.vector_S`)!.double();
      return (t.sub(b).norm().item() as number) / (b.norm().item() as number);
    });
    for (const t of [...tuned.values(), ...baseSd.values()]) t.dispose();
    assert.ok(Math.abs(top.relChange - want) < 1e-9, `${top.relChange} vs ${want}`);
    assert.ok(top.relChange > 0);
    const page = fs.readFileSync(html, 'utf8');
    assert.ok(page.includes('<svg') && !/(src|href)=["']https?:/.test(page) && !page.includes('<script'));
    assert.equal((page.match(/<svg/g) ?? []).length, 1 + 2 * 21);
    // look at the PNG: 960×420, not blank; the y-axis title (rotated, left strip), the x-axis
    // title (bottom strip) and the axis lines are dark pixels where the layout puts them
    const png = await decodeImage(j.png);
    assert.equal(png.width, 960);
    assert.equal(png.height, 420);
    const dark = (x0: number, y0: number, x1: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (png.data[(y * png.width + x) * 3] < 100) n++;
      return n;
    };
    assert.ok(dark(0, 100, 26, 320) > 150, 'y-axis title');
    assert.ok(dark(300, 395, 660, 420) > 150, 'x-axis title');
    assert.ok(dark(300, 0, 660, 28) > 150, 'chart title');
    assert.ok(dark(68, 40, 72, 360) > 200, 'y axis line');
    assert.equal(dark(0, 0, 60, 8), 0, 'background stays white');
    let blue = 0;
    for (let p = 0; p < png.width * png.height; p++) if (png.data[p * 3 + 2] > 150 && png.data[p * 3] < 100) blue++;
    assert.ok(blue > 1000, `bars: ${blue} blue pixels`);
  });

  it('--help for every command; usage errors exit 2 and say what is missing and where', async () => {
    for (const c of ['inspect', 'resolve', 'train', 'eval', 'spectra']) {
      const h = await cli(c, '--help');
      assert.equal(h.code, 0);
      assert.match(h.stdout, new RegExp(`usage: svf-torch ${c}`));
      assert.match(h.stdout, /--json/);
    }
    assert.match((await cli('--help')).stdout, /inspect[\s\S]*resolve[\s\S]*train[\s\S]*eval[\s\S]*spectra/);
    const unknown = await cli('train', '--nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option --nope[\s\S]*svf-torch train --help/);
    const missing = await cli('eval', '--weights', svfPth);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--data-root is required/);
    const empty = f('not-voc');
    fs.mkdirSync(empty);
    const noJpeg = await cli('eval', '--data-root', empty, '--weights', svfPth, '--arch', 'resnet18', '--json');
    assert.equal(noJpeg.code, 1);
    assert.match(noJpeg.stderr, new RegExp(`${empty.replace(/[/.]/g, '\\$&')} has no JPEGImages/`));
    assert.equal(JSON.parse(noJpeg.stdout).ok, false);
    const noWeights = await cli('train', '--data-root', voc, '--weights', f('nope.pth'), '--out', f('x.safetensors'));
    assert.match(noWeights.stderr, /weights file .*nope\.pth does not exist/);
    const wrongArch = await cli('resolve', pth, '--arch', 'resnet50', '--out', f('x.pth'));
    assert.equal(wrongArch.code, 1);
    assert.match(wrongArch.stderr, /resnet18\.pth does not fit resnet50 \(is --arch right\?\): [\s\S]*size mismatch for layer1\.0\.conv1\.weight[\s\S]*… \d+ more/);
  });

  it('the package bin: a process with exit codes and JSON on stdout', () => {
    const bin = path.resolve(__dirname, '..', 'lib', 'cli', 'main.ts');
    const run = (...args: string[]) => spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', bin, ...args], { encoding: 'utf8', env: process.env });
    const ok = run('inspect', f('s0.safetensors'), '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const j = JSON.parse(ok.stdout);
    assert.equal(j.format, 'safetensors');
    assert.equal(j.metadata.format, 'svf-singular-values/1');
    assert.equal(run('nope').status, 2);
    assert.equal(run('inspect', f('missing.pth')).status, 2);
    assert.ok(execFileSync('head', ['-1', bin], { encoding: 'utf8' }).startsWith('#!/usr/bin/env node'));
  });
});
