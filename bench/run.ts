/**
 * Runs benchmarks and writes each one's `## <name>` section of BENCHMARKS.md.
 *
 *   npm run bench                  every bench/*.ts that exports `benchmark`
 *   npm run bench -- op-overhead   only the named ones (also: npm run bench:op)
 *   npm run bench -- --list
 *
 * A new benchmark is a bench/<file>.ts exporting `const benchmark: Benchmark` (see report.ts);
 * nothing here needs editing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { version } from '../lib/runtime';
import { Benchmark, writeSection } from './report';

const SELF = new Set(['run', 'report']);

function discover(): Benchmark[] {
  const ext = path.extname(__filename); // .js from dist/, .ts under ts-node
  const found: Benchmark[] = [];
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (path.extname(file) !== ext || file.endsWith('.d.ts')) continue;
    if (SELF.has(path.basename(file, ext))) continue;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(path.join(__dirname, file)) as { benchmark?: Benchmark };
    if (mod.benchmark && typeof mod.benchmark.run === 'function') found.push(mod.benchmark);
  }
  return found;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const all = discover();
  if (args.includes('--list')) {
    for (const b of all) console.log(b.name);
    return;
  }
  const unknown = args.filter((a) => !all.some((b) => b.name === a));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; have: ${all.map((b) => b.name).join(', ')}`);
  const chosen = args.length ? all.filter((b) => args.includes(b.name)) : all;
  // Sections of the default line (Debian's LibTorch 1.13) keep their names; another line writes
  // its own, so both stand side by side: `## svf (LibTorch 2.14.1)`.
  const line = version.libtorch.startsWith('1.13.') ? '' : ` (LibTorch ${version.libtorch})`;
  for (const b of chosen) {
    const name = b.name + line;
    console.log(`\n## ${name}\n`);
    const t0 = Date.now();
    const body = await b.run();
    console.log(body);
    const file = writeSection(name, body);
    console.log(`\n(${((Date.now() - t0) / 1000).toFixed(1)} s; written to ${path.relative(process.cwd(), file) || file})`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
