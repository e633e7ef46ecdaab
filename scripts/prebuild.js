#!/usr/bin/env node
// Copies the addon built here (build/Release/svf_torch.node) into
// prebuilds/<platform>-<arch>[-cuda]/ so a release tarball can ship it; scripts/build-addon.js
// and lib/native.ts pick up prebuilds/<platform>-<arch>/ instead of compiling.
//
//   node scripts/prebuild.js            → prebuilds/linux-x64/ (or linux-x64-cuda/ when the
//                                          build links CUDA; it asks the addon itself)
//   node scripts/prebuild.js --cuda     → force the -cuda suffix
//   node scripts/prebuild.js --no-cuda  → force no suffix
//
// A prebuilt still needs, at run time, the LibTorch it was linked against (its RPATH points at
// the build machine's LibTorch folder; Debian's libtorch1.13 for the CPU prebuilt). Next to the
// binary we write build-info.json: LibTorch/CUDA versions, Node-API version, the linked libraries.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'build', 'Release', 'svf_torch.node');
if (!fs.existsSync(src)) {
  console.error(`prebuild: ${path.relative(root, src)} is missing; run \`npm run build:addon\` first`);
  process.exit(1);
}

const args = process.argv.slice(2);
const binding = require(src);
const v = binding.version();
const cuda = args.includes('--cuda') ? true : args.includes('--no-cuda') ? false : v.cuda !== null;

const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}${cuda ? '-cuda' : ''}`);
fs.mkdirSync(dir, { recursive: true });
const dest = path.join(dir, 'svf_torch.node');
fs.copyFileSync(src, dest);

// The shared libraries the binary resolves (what a user's machine must provide).
const ldd = process.platform === 'linux' ? spawnSync('ldd', [dest], { encoding: 'utf8' }) : null;
const linked = ldd && ldd.status === 0
  ? ldd.stdout.split('\n').map((l) => l.trim()).filter((l) => /^lib(torch|c10|cu|nv|.*blas|gomp)/.test(l))
  : [];
const info = {
  package: require(path.join(root, 'package.json')).version,
  platform: process.platform,
  arch: process.arch,
  napiVersion: 8,
  libtorch: v.libtorch,
  cuda: v.cuda,
  builtWithNode: process.version,
  date: new Date().toISOString(),
  linked,
};
fs.writeFileSync(path.join(dir, 'build-info.json'), JSON.stringify(info, null, 2) + '\n');
console.log(`prebuild: ${path.relative(root, dest)} (LibTorch ${v.libtorch}, CUDA ${v.cuda ?? 'none'})`);
