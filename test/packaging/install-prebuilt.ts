/**
 * The release path as a user meets it (`npm run test:install`; CI runs it after building the
 * prebuilds of both LibTorch lines): `npm pack` with prebuilds/ → `npm install <tarball>` into an
 * empty project on a PATH without cmake or any C/C++ compiler → `require('svf-torch')` and one
 * SVF training step, once against the system LibTorch and once with LIBTORCH_USE_PYTORCH=1
 * against the venv's torch. Nothing may be compiled: the install must pick the prebuild.
 *
 * Not part of `npm test`: it needs both prebuilds, which `npm run prebuild` makes per line.
 * SVF_TORCH_PACK_LINES lists the prebuild tags that must be there (default: Debian's 1.13 CPU
 * and torch 2.14.1 CUDA 13.0); SVF_TORCH_VENV the venv (default .venv).
 */
import { strict as assert } from 'assert';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const LINES = (process.env.SVF_TORCH_PACK_LINES || 'torch1_13_0.cpu,torch2_14_1.cu130').split(',');
const VENV_PYTHON = path.join(path.resolve(ROOT, process.env.SVF_TORCH_VENV || '.venv'), 'bin', 'python');
const HIDDEN = /^(cmake|ccache|ninja|cc|c\+\+|cpp|clang(\+\+)?(-\d+)?|.*-?g\+\+(-\d+)?|.*-?gcc(-\d+)?)$/;

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

/** A PATH with every program of the current one except compilers and build tools. */
function pathWithoutCompilers(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const d of (process.env.PATH || '').split(path.delimiter)) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (HIDDEN.test(n) || fs.existsSync(path.join(dir, n))) continue;
      try {
        fs.accessSync(path.join(d, n), fs.constants.X_OK);
        fs.symlinkSync(path.join(d, n), path.join(dir, n));
      } catch {
        /* not a program */
      }
    }
  }
  return dir;
}

// One SVF step in the consumer project: resolve a small conv net, train only vector_S.
const CONSUMER = `
const torch = require('svf-torch');
const { nn, svf, optim } = torch;
torch.manualSeed(0);
const net = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(8, 4, 3, { padding: 1 }));
const model = svf.resolver(net);
for (const [name, p] of model.namedParameters()) p.requiresGrad_(name.endsWith('vector_S'));
const params = model.parameters().filter((p) => p.requiresGrad);
const opt = new optim.SGD(params, { lr: 0.5 });
const x = torch.randn([2, 3, 8, 8]);
const losses = [];
for (let i = 0; i < 3; i++) {
  opt.zeroGrad();
  const loss = torch.tidy(() => { const l = model.forward(x).pow(2).mean(); l.backward(); return l; });
  losses.push(loss.item());
  loss.dispose();
  opt.step();
}
console.log(JSON.stringify({ libtorch: torch.version.libtorch, cuda: torch.version.cuda, trainable: params.length, losses }));
`;

describe('packaging: a tarball with prebuilds installs and trains with no compiler on PATH', function () {
  this.timeout(20 * 60 * 1000);
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  before(function () {
    const dir = path.join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`);
    const have = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const line of LINES) {
      assert.ok(have.some((f) => f.includes(`.${line}.`)), `prebuilds/ lacks the ${line} binary (have: ${have.join(', ') || 'none'}); run \`npm run prebuild\` on that line first`);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-pack-'));
    const pack = run('npm', ['pack', '--pack-destination', work, '--ignore-scripts'], { cwd: ROOT, env: process.env });
    assert.strictEqual(pack.status, 0, pack.stderr);
    const tarball = path.join(work, pack.stdout.trim().split('\n').pop()!);
    const list = run('tar', ['tzf', tarball], { cwd: work, env: process.env });
    for (const line of LINES) assert.match(list.stdout, new RegExp(`package/prebuilds/.*\\.${line}\\.`), `tarball ships the ${line} prebuild`);

    const PATH = pathWithoutCompilers(path.join(work, 'bin'));
    env = { HOME: process.env.HOME, PATH, npm_config_cache: process.env.npm_config_cache || path.join(os.homedir(), '.npm') };
    for (const tool of ['cmake', 'g++', 'cc', 'c++', 'gcc']) {
      assert.notStrictEqual(run('sh', ['-c', `command -v ${tool}`], { cwd: work, env }).status, 0, `${tool} is hidden`);
    }
    project = path.join(work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'svf-consumer', version: '1.0.0', private: true }));
    fs.writeFileSync(path.join(project, 'step.js'), CONSUMER);
    const install = run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, env });
    assert.strictEqual(install.status, 0, `npm install failed:\n${install.stdout}\n${install.stderr}`);
    const installed = path.join(project, 'node_modules', 'svf-torch');
    assert.ok(!fs.existsSync(path.join(installed, 'build', 'Release', 'svf_torch.node')), 'nothing was compiled');
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  function step(extra: NodeJS.ProcessEnv): { libtorch: string; cuda: string | null; trainable: number; losses: number[] } {
    const r = run(process.execPath, ['step.js'], { cwd: project, env: { ...env, ...extra } });
    assert.strictEqual(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  }

  function checkTraining(out: { trainable: number; losses: number[] }): void {
    assert.strictEqual(out.trainable, 2, 'the two vector_S train');
    assert.ok(out.losses.every(Number.isFinite));
    // SGD on a convex-in-S quadratic with a small step: each step lowers the loss.
    assert.ok(out.losses[2] < out.losses[1] && out.losses[1] < out.losses[0], JSON.stringify(out.losses));
  }

  it('against the system LibTorch (Debian 1.13)', function () {
    const out = step({});
    assert.strictEqual(out.libtorch, '1.13.0');
    assert.strictEqual(out.cuda, null);
    checkTraining(out);
  });

  it('with LIBTORCH_USE_PYTORCH=1 against the venv torch (2.14.1, CUDA 13.0 build)', function () {
    const out = step({ LIBTORCH_USE_PYTORCH: '1', SVF_TORCH_PYTHON: VENV_PYTHON });
    assert.strictEqual(out.libtorch, '2.14.1');
    assert.strictEqual(out.cuda, '13.0');
    checkTraining(out);
  });

  it('a LibTorch with no prebuild and no compiler: the install says which LibTorch versions have prebuilds', function () {
    // A LibTorch folder that claims a version nobody built for (the system's libraries, renamed).
    const fake = path.join(work, 'libtorch-9.9.9');
    fs.mkdirSync(path.join(fake, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(fake, 'build-version'), '9.9.9+cpu\n');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const system = require(path.join(ROOT, 'scripts', 'libtorch.js')).locate({});
    for (const name of ['c10', 'torch_cpu', 'torch']) fs.symlinkSync(system.libraries[name], path.join(fake, 'lib', `lib${name}.so`));
    const r = run('npm', ['rebuild', 'svf-torch'], { cwd: project, env: { ...env, LIBTORCH: fake } });
    assert.notStrictEqual(r.status, 0, 'the install must fail');
    const text = r.stdout + r.stderr;
    assert.match(text, /no prebuilt binary fits LibTorch 9\.9\.9 \(CPU/);
    assert.match(text, /cmake .*on PATH/);
    for (const line of LINES) assert.match(text, new RegExp(`svf-torch\\.${line}\\.`), `names the ${line} prebuild`);
  });
});
