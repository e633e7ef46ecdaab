/**
 * The loader (scripts/addon-loader.js + scripts/libtorch.js): which binary fits which LibTorch,
 * and the one actionable error instead of a segfault or an undefined-symbol dump when none does.
 * The real binary in use is copied into temporary layouts with sidecars/tags that claim other
 * LibTorch builds, and loaded in child processes exactly as `require('svf-torch')` would.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { loadedFrom } from '../lib/native';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const loader = require('../scripts/addon-loader.js');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const libtorch = require('../scripts/libtorch.js');
const ROOT = path.resolve(__dirname, '..');

function layout(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-loader-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

function requireIn(env: Record<string, string>): { status: number | null; stdout: string; stderr: string; signal: string | null } {
  const r = spawnSync(process.execPath, ['-e', `const l = require(${JSON.stringify(path.join(ROOT, 'scripts', 'addon-loader.js'))});
    const r = l.load(process.env.TEST_ROOT); console.log(r.binding.version().libtorch);`], {
    encoding: 'utf8',
    env: { ...process.env, SVF_TORCH_ADDON: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

describe('loader: the binary that fits the LibTorch found, or one actionable error', function () {
  const lt = libtorch.locate();
  const binary = fs.readFileSync(loadedFrom.file);

  it('finds the LibTorch the loaded binary was built for, with its version, CUDA variant and ABI', function () {
    assert.ok(loadedFrom.libtorch, 'loaded through the LibTorch lookup');
    assert.strictEqual(loadedFrom.libtorch!.version, torch.version.libtorch);
    assert.strictEqual(loadedFrom.libtorch!.cuda, torch.version.cuda);
    assert.strictEqual(loadedFrom.libtorch!.cxx11Abi, torch.version.cxx11Abi);
    assert.strictEqual(libtorch.mismatch({ ...torch.version, version: torch.version.libtorch }, lt), null);
  });

  it('every LibTorch library in this process comes from the LibTorch found, none from another install', function () {
    const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)[5]).filter(Boolean);
    const torchLibs = [...new Set(maps.filter((f) => /\/lib(c10|torch)(_cpu|_cuda)?\.so/.test(f)))];
    assert.ok(torchLibs.length >= 3, `LibTorch libraries mapped: ${torchLibs.join(', ')}`);
    const dir = fs.realpathSync(loadedFrom.libtorch!.libDir);
    for (const f of torchLibs) assert.strictEqual(path.dirname(fs.realpathSync(f)), dir, `${f} is not from ${dir}`);
  });

  it('prebuild file names carry the LibTorch tags, parsed back exactly', function () {
    const name = ['svf-torch', ...libtorch.tagsOf(lt), 'napi', 'glibc', 'node'].join('.');
    const back = loader.builtFromTags(name);
    assert.deepStrictEqual(back, { version: lt.version, cuda: lt.cuda, cxx11Abi: lt.cxx11Abi });
    assert.deepStrictEqual(loader.builtFromTags('svf-torch.torch2_14_1.cu130.cxx11.napi.glibc.node'), {
      version: '2.14.1',
      cuda: '13.0',
      cxx11Abi: true,
    });
    assert.deepStrictEqual(loader.builtFromTags('svf-torch.torch1_13_0.cpu.cxx11.napi.glibc.node'), {
      version: '1.13.0',
      cuda: null,
      cxx11Abi: true,
    });
    assert.strictEqual(loader.builtFromTags('node.napi.node'), null);
  });

  it('a prebuild tagged for this LibTorch loads through the preload, with no build folder', function () {
    const name = ['svf-torch', ...libtorch.tagsOf(lt), 'napi', 'glibc', 'node'].join('.');
    const root = layout({ [`prebuilds/${process.platform}-${process.arch}/${name}`]: binary });
    const r = requireIn({ TEST_ROOT: root });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout.trim(), torch.version.libtorch);
  });

  it('a binary built for another LibTorch is refused before it is loaded: what was expected, what was found, the fix', function () {
    const other = layout({
      [`prebuilds/${process.platform}-${process.arch}/svf-torch.torch0_9_9.cu999.cxx11.napi.glibc.node`]: binary,
      'build/Release/svf_torch.node': binary,
      'build/Release/svf_torch.json': JSON.stringify({ version: '0.9.8', cuda: null, cxx11Abi: true, libDir: '/nowhere' }),
    });
    const r = requireIn({ TEST_ROOT: other });
    assert.strictEqual(r.signal, null, 'no crash');
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /no binary fits the LibTorch found: LibTorch \d+\.\d+/);
    assert.match(r.stderr, /svf-torch\.torch0_9_9\.cu999.*LibTorch 0\.9\.9 \(CUDA 99\.9/);
    assert.match(r.stderr, /build\/Release\/svf_torch\.node: LibTorch 0\.9\.8 \(CPU/);
    assert.match(r.stderr, /Fix: build for this LibTorch: .*npm rebuild svf-torch/);
  });

  it('an explicit SVF_TORCH_ADDON whose sidecar names another LibTorch is refused the same way', function () {
    const dir = layout({
      'x/svf_torch.node': binary,
      'x/svf_torch.json': JSON.stringify({ version: '3.0.0', cuda: '12.1', cxx11Abi: true, libDir: '/nowhere' }),
    });
    const r = requireIn({ TEST_ROOT: ROOT, SVF_TORCH_ADDON: path.join(dir, 'x', 'svf_torch.node') });
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /LibTorch 3\.0\.0 \(CUDA 12\.1/);
  });

  it('no LibTorch where LIBTORCH points: says so and lists every way to get one', function () {
    const r = requireIn({ TEST_ROOT: ROOT, LIBTORCH: '/nonexistent/libtorch' });
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /LIBTORCH: \/nonexistent\/libtorch has no lib\/ folder/);
  });

  it('LIBTORCH_USE_PYTORCH=1 with a Python that has no torch names the interpreter and the fix', function () {
    const r = requireIn({ TEST_ROOT: ROOT, LIBTORCH: '', LIBTORCH_USE_PYTORCH: '1', SVF_TORCH_PYTHON: '/bin/false' });
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /LIBTORCH_USE_PYTORCH=1: cannot run '\/bin\/false'|has no torch package/);
  });

  it('version mismatch rules: exact version, CUDA variant and ABI; a major.minor-only system version matches its line', function () {
    const base = { version: '2.14.1', cuda: '13.0', cxx11Abi: true };
    assert.strictEqual(libtorch.mismatch(base, { ...base }), null);
    assert.strictEqual(libtorch.mismatch(base, { ...base, version: '2.13.0' }), 'LibTorch version');
    assert.strictEqual(libtorch.mismatch(base, { ...base, cuda: null }), 'CUDA variant');
    assert.strictEqual(libtorch.mismatch(base, { ...base, cuda: '12.8' }), 'CUDA version');
    assert.strictEqual(libtorch.mismatch(base, { ...base, cxx11Abi: false }), 'C++ ABI');
    assert.strictEqual(libtorch.mismatch({ version: '1.13.0', cuda: null, cxx11Abi: true }, { version: '1.13', cuda: null, cxx11Abi: true }), null);
  });
});
