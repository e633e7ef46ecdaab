#!/usr/bin/env node
// Makes a binary available for the user's LibTorch (run by `npm install`/`npm ci`; also the
// compiler that `npm run prebuild` hands to prebuildify, which calls it as node-gyp would).
//
// 1. Finds the LibTorch (scripts/libtorch.js: LIBTORCH, then LIBTORCH_USE_PYTORCH=1, then the system).
// 2. Unless asked to compile (--force, `rebuild`, SVF_TORCH_BUILD_FROM_SOURCE=1): if a prebuild fits
//    that LibTorch and loads in a child process, done — nothing is compiled.
// 3. Otherwise compiles with cmake-js (Node-API headers from the node-api-headers package, so
//    nothing is downloaded; Ninja and ccache when installed). A build folder made for another
//    LibTorch is wiped first (ccache keeps recompiling cheap). Without cmake or a C++ compiler it
//    says which LibTorch versions have prebuilds instead.
// 4. Records what the binary was built for (build/Release/svf_torch.json) and test-loads it in a
//    child process; a binary that does not load fails the build loudly.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const libtorch = require('./libtorch');
const loader = require('./addon-loader');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const compile = args.includes('--force') || args.includes('rebuild') || !!process.env.SVF_TORCH_BUILD_FROM_SOURCE;
const buildDir = path.join(root, 'build');
const built = path.join(buildDir, 'Release', 'svf_torch.node');

function fail(message) {
  console.error(`svf-torch: ${message}`);
  process.exit(1);
}

/** Loads `file` in a fresh process through the real loader; returns null or the error text. */
function testLoad(env) {
  const probe = `const l = require(${JSON.stringify(path.join(__dirname, 'addon-loader.js'))});
    const r = l.load(${JSON.stringify(root)});
    const v = r.binding.version();
    if (r.binding.dtypeCodes === undefined) throw new Error('not the svf-torch addon');
    console.log(JSON.stringify({ file: r.file, ...v }));`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env });
  if (r.status === 0) return { ok: JSON.parse(r.stdout.trim().split('\n').pop()) };
  return { error: (r.stderr || `exit ${r.status} (signal ${r.signal})`).trim() };
}

function onPath(cmd) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => {
    try {
      fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let lt;
try {
  lt = libtorch.locate();
} catch (e) {
  const have = loader.candidates(root).filter((c) => c.kind === 'prebuild').map((c) => path.basename(c.file));
  fail(`${e.message}${have.length ? `\nPrebuilt binaries in this package: ${have.join(', ')}` : ''}`);
}
console.log(`svf-torch: ${libtorch.summary(lt)} from ${lt.source} at ${lt.root}`);

if (!compile) {
  const prebuild = loader.candidates(root, {}).find((c) => c.kind === 'prebuild' && !libtorch.mismatch(c.built, lt));
  if (prebuild) {
    const r = testLoad({ ...process.env, SVF_TORCH_ADDON: '' });
    if (r.ok) {
      console.log(`svf-torch: using ${path.relative(root, r.ok.file)}`);
      process.exit(0);
    }
    console.log(`svf-torch: ${path.relative(root, prebuild.file)} fits but does not load:\n${r.error}\nCompiling instead.`);
  }
}

// --- compile ---------------------------------------------------------------------------------
const compilers = ['c++', 'g++', 'clang++'].filter(onPath);
if (!onPath('cmake') || compilers.length === 0) {
  const have = loader.candidates(root, {}).filter((c) => c.kind === 'prebuild').map((c) => `  - ${path.basename(c.file)}: ${libtorch.summary(c.built)}`);
  fail(
    `no prebuilt binary fits ${libtorch.summary(lt)}, and compiling needs ${onPath('cmake') ? '' : 'cmake '}` +
      `${compilers.length ? '' : 'a C++ compiler '}on PATH (Debian: apt-get install cmake g++).\n` +
      (have.length ? `Prebuilt binaries in this package:\n${have.join('\n')}` : 'This package has no prebuilt binaries.'),
  );
}

// Changing the LibTorch invalidates the build by itself: the configure step caches its paths.
const identity = JSON.stringify({ ...lt, python: undefined }, null, 2);
const stampFile = path.join(buildDir, 'libtorch.json');
const previous = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : null;
if (previous !== null && previous !== identity) {
  console.log('svf-torch: the LibTorch changed since the last build: starting a clean build folder');
  fs.rmSync(buildDir, { recursive: true, force: true });
} else if (previous === null && fs.existsSync(path.join(buildDir, 'CMakeCache.txt'))) {
  fs.rmSync(buildDir, { recursive: true, force: true });
}
fs.mkdirSync(buildDir, { recursive: true });
fs.writeFileSync(stampFile, identity);

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const env = {
  ...process.env,
  CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL || String(Math.max(1, os.cpus().length)),
  // The build uses a precompiled header; without these ccache refuses every compile that uses it
  // ("could not use precompiled header"). pch_defines/time_macros are ccache's documented PCH
  // settings; the include_file_* ones let it cache right after the .gch has been (re)generated.
  CCACHE_SLOPPINESS: process.env.CCACHE_SLOPPINESS || 'pch_defines,time_macros,include_file_mtime,include_file_ctime',
};
const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build', '--config', 'Release'], { cwd: root, stdio: 'inherit', env });
if (r.status !== 0) fail(`compiling failed (exit ${r.status === null ? r.signal : r.status}); see the output above`);

fs.writeFileSync(
  path.join(path.dirname(built), loader.SIDE_CAR),
  JSON.stringify({ version: lt.version, cuda: lt.cuda, cxx11Abi: lt.cxx11Abi, source: lt.source, libDir: lt.libDir, tags: libtorch.tagsOf(lt) }, null, 2) + '\n',
);
const check = testLoad({ ...process.env, SVF_TORCH_ADDON: built });
if (!check.ok) fail(`the binary just built does not load:\n${check.error}`);
if (check.ok.libtorch !== lt.version) fail(`the binary reports LibTorch ${check.ok.libtorch}, expected ${lt.version}`);
console.log(`svf-torch: built ${path.relative(root, built)} for ${libtorch.summary(lt)}; it loads`);
