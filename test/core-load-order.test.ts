/**
 * Every library module can be the first one a process loads: lib/ has import cycles (the op
 * layer imports Tensor, Tensor uses the op layer), and CommonJS hands a half-loaded module to
 * a cycle, so anything a module needs from its cycle partners at load time would be undefined
 * for an entry point that reaches the cycle from the other side (the CLI bin did, once).
 * Each module of the plain-JS copy of lib/ is required alone in a fresh process, after which
 * Tensor must have its generated op methods (a CLI worker once lacked `detach`).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { transpiledHelper } from './helpers/transpiled';

// a worker-thread entry point: it needs its parent port
const NOT_STANDALONE = new Set(['fss/loader-worker.js']);

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/** Loads `file` alone; then Tensor must have its generated methods (installed by tensor.ts). */
function loadAlone(file: string, tensorModule: string): Promise<string | null> {
  const code = `require(${JSON.stringify(file)}); if (typeof require(${JSON.stringify(tensorModule)}).Tensor.prototype.detach !== 'function') ` +
    `{ console.error('Error: the generated Tensor methods are not installed'); process.exit(3); }`;
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve(code === 0 ? null : err.split('\n').find((l) => /Error/.test(l)) ?? `exit ${code}`));
  });
}

describe('core: load order', function () {
  this.timeout(600000);
  it('every lib module loads as the first module of a process, with Tensor\'s generated methods', async () => {
    const lib = path.join(path.dirname(path.dirname(transpiledHelper('reference'))), '..', 'lib');
    const files = jsFiles(lib).filter((f) => !NOT_STANDALONE.has(path.relative(lib, f).split(path.sep).join('/')));
    assert.ok(files.length > 100, `${files.length} modules`);
    const failed: string[] = [];
    for (let i = 0; i < files.length; i += 4) {
      const batch = files.slice(i, i + 4);
      const errs = await Promise.all(batch.map((f) => loadAlone(f, path.join(lib, 'tensor.js'))));
      errs.forEach((e, k) => { if (e) failed.push(`${path.relative(lib, batch[k])}: ${e}`); });
    }
    assert.deepEqual(failed, []);
  });
});
