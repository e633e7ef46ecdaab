#!/usr/bin/env node
// Builds the native addon with cmake-js (run by `npm install`/`npm ci`).
//
// Prebuilt first (unless --force or SVF_TORCH_BUILD_FROM_SOURCE=1): a release tarball may carry
// prebuilds/<platform>-<arch>/svf_torch.node (CPU, linked against Debian 12's libtorch1.13) and
// prebuilds/<platform>-<arch>-cuda/ (chosen with SVF_TORCH_CUDA=1). The chosen binary is test-loaded
// in a child process, because a prebuilt is only usable when the LibTorch it was linked against is
// installed; if it does not load we compile from source instead. A usable prebuilt is copied
// to build/Release/, the first place lib/native.ts looks.
//
// From source: cmake-js with Node-API headers from the node-api-headers package ("binary":
// {"napi_versions": [8]} in package.json), so nothing is downloaded; Ninja when installed (cmake-js
// picks it), ccache when installed (CMakeLists.txt sets it as the compiler launcher).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const force = process.argv.includes('--force') || !!process.env.SVF_TORCH_BUILD_FROM_SOURCE;
const built = path.join(root, 'build', 'Release', 'svf_torch.node');

function loads(file) {
  const probe = `const b = require(${JSON.stringify(file)}); b.version();`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || '').split('\n').find((l) => /error/i.test(l)) || `exit ${r.status}`;
    console.log(`svf-torch: prebuilt ${path.relative(root, file)} does not load here (${why.trim()}); building from source`);
  }
  return r.status === 0;
}

function usePrebuilt() {
  const base = `${process.platform}-${process.arch}`;
  const variants = process.env.SVF_TORCH_CUDA === '1' ? [`${base}-cuda`, base] : [base];
  for (const v of variants) {
    const file = path.join(root, 'prebuilds', v, 'svf_torch.node');
    if (!fs.existsSync(file) || !loads(file)) continue;
    fs.mkdirSync(path.dirname(built), { recursive: true });
    fs.copyFileSync(file, built);
    console.log(`svf-torch: using prebuilt prebuilds/${v}/svf_torch.node`);
    return true;
  }
  return false;
}

if (!force && usePrebuilt()) process.exit(0);

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = String(Math.max(1, os.cpus().length));
const args = [cmakeJs, 'compile', '--out', 'build', '--config', 'Release'];
const env = {
  ...process.env,
  CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL || jobs,
  // The build uses a precompiled header; without these ccache refuses every compile that uses it
  // ("could not use precompiled header"). pch_defines/time_macros are ccache's documented PCH
  // settings; the include_file_* ones let it cache right after the .gch has been (re)generated.
  CCACHE_SLOPPINESS: process.env.CCACHE_SLOPPINESS || 'pch_defines,time_macros,include_file_mtime,include_file_ctime',
};
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
process.exit(r.status === null ? 1 : r.status);
