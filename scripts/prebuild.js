#!/usr/bin/env node
// `npm run prebuild`: builds the binary for the LibTorch the build would use (LIBTORCH, then
// LIBTORCH_USE_PYTORCH=1, then the system) with prebuildify, which names it after its tags:
//   prebuilds/linux-x64/svf-torch.torch2_14_1.cu130.cxx11.napi.glibc.node
// One binary per LibTorch version × CUDA variant × C++ ABI; `npm pack` ships all of prebuilds/,
// and scripts/addon-loader.js picks the one that fits the user's LibTorch. prebuildify compiles
// through scripts/build-addon.js (given as its node-gyp), so the binary is built and test-loaded
// exactly as a source install would be.
'use strict';
const path = require('path');
const prebuildify = require('prebuildify');
const libtorch = require('./libtorch');

const root = path.resolve(__dirname, '..');
let lt;
try {
  lt = libtorch.locate();
} catch (e) {
  console.error(`prebuild: ${e.message}`);
  process.exit(1);
}
const name = ['svf-torch', ...libtorch.tagsOf(lt), 'napi'].join('.');
console.log(`prebuild: ${libtorch.summary(lt)} from ${lt.source} → prebuilds/${process.platform}-${process.arch}/${name}.glibc.node`);

prebuildify(
  {
    cwd: root,
    napi: true,
    tagLibc: true,
    strip: true,
    name,
    nodeGyp: path.join(__dirname, 'build-addon.js'),
    targets: [{ runtime: 'node', target: process.versions.node }],
  },
  (err) => {
    if (err) {
      console.error(`prebuild: ${err.message || err}`);
      process.exit(1);
    }
    console.log('prebuild: done');
  },
);
