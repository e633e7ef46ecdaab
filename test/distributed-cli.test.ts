/**
 * `svf-torch train --nproc 2`: the command re-runs itself as 2 Gloo workers (distributed.launch),
 * which train with DistributedDataParallel on disjoint episodes; rank 0 writes the S checkpoint.
 * ResNet-18 weights from Python (test/reference/cli_weights.py), a small synthetic PASCAL-5i.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { main } from '../lib/cli/main';
import { spawn, spawnSync } from 'child_process';
import { freePort } from '../lib/distributed/launch';
import { runReference } from './helpers/reference';

const ROOT = path.resolve(__dirname, '..');

/** The CLI as a user runs it: its own process (the workers are its children). */
function svfTorch(...argv: string[]) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lib', 'cli', 'main.ts'), ...argv], {
    encoding: 'utf8', env: process.env, timeout: 500000,
  });
}

describe('distributed: svf-torch train --nproc 2', function () {
  this.timeout(600000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-nproc-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('launches 2 workers that train together; rank 0 saves the singular values', async () => {
    const voc = path.join(tmp, 'VOC2012');
    await torch.fss.makeSyntheticDataset(voc, { images: 60, seed: 3, minSize: 72, maxSize: 90 });
    const pth = path.join(runReference('cli_weights.py', [], 'distributed_cli_weights'), 'resnet18.pth');
    const svfPth = path.join(tmp, 'r18-svf.pth');
    const quiet = { write: () => true };
    assert.equal((await main(['resolve', pth, '--arch', 'resnet18', '--out', svfPth], { stdout: quiet, stderr: quiet })).code, 0);
    const out = path.join(tmp, 's.safetensors');
    const r = svfTorch('train', '--data-root', voc, '--fold', '1', '--size', '48', '--workers', '1', '--arch', 'resnet18',
      '--weights', svfPth, '--steps', '2', '--batch', '1', '--nproc', '2', '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    // the launcher's result is the last line; the workers' own JSON lines come before it
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(j.nproc, 2);
    assert.equal(j.worldSize, 2);
    const s = torch.loadSafetensors(out);
    assert.ok([...s.keys()].some((k) => k.endsWith('vector_S')));
    for (const t of s.values()) if (t instanceof torch.Tensor) t.dispose();
    assert.match(svfTorch('train', '--help').stdout, /--nproc N/);

    // two machines as torchrun runs them: the same command on each with --nnodes 2, its own
    // --node-rank and node 0's address and port (here both on loopback, one process each)
    const port = await freePort();
    const node = (rank: number) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lib', 'cli', 'main.ts'), 'train', '--data-root', voc,
        '--fold', '1', '--size', '48', '--workers', '1', '--arch', 'resnet18', '--weights', svfPth, '--steps', '2', '--batch', '1',
        '--nnodes', '2', '--node-rank', String(rank), '--master-addr', '127.0.0.1', '--master-port', String(port), '--out', path.join(tmp, `node${rank}.safetensors`), '--json']);
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => c.kill('SIGKILL'), 400000);
      c.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
    const nodes = await Promise.all([node(0), node(1)]);
    for (const n of nodes) assert.equal(n.code, 0, n.stderr);
    assert.deepEqual(nodes.map((n) => JSON.parse(n.stdout.trim().split('\n').pop()!).worldSize), [2, 2]);
    assert.ok(fs.existsSync(path.join(tmp, 'node0.safetensors')), 'global rank 0 (node 0) saves');
    assert.ok(!fs.existsSync(path.join(tmp, 'node1.safetensors')), 'node 1 holds no rank 0');
    const noPort = svfTorch('train', '--data-root', voc, '--weights', svfPth, '--nnodes', '2', '--node-rank', '1', '--out', out);
    assert.equal(noPort.status, 2);
    assert.match(noPort.stderr, /--master-port is required with --nnodes > 1/);
  });
});
