/**
 * Plain-JS copies of lib/ and test/helpers/ for child processes that start many times (the
 * interrupted-save trials, the fuzzer): under ts-node every start transpiles the whole library
 * again (seconds on a busy machine); transpiled once here, a start is node and the addon. The
 * tree lives under test/fixtures/generated/, inside the package, so the addon is found as usual.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test', 'fixtures', 'generated', 'transpiled');
let done = false;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The path of `test/helpers/<name>.js` in the transpiled tree (made on first use in this process). */
export function transpiledHelper(name: string): string {
  if (!done) {
    const options = { ...ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config.compilerOptions };
    const { options: compilerOptions } = ts.convertCompilerOptionsFromJson({ ...options, sourceMap: false, declaration: false }, ROOT);
    fs.rmSync(OUT, { recursive: true, force: true });
    for (const file of [...tsFiles(path.join(ROOT, 'lib')), ...tsFiles(path.join(ROOT, 'test', 'helpers'))]) {
      const out = path.join(OUT, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText);
    }
    done = true;
  }
  return path.join(OUT, 'test', 'helpers', `${name}.js`);
}
