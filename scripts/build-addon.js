#!/usr/bin/env node
// Builds the native addon with cmake-js (run by `npm install`/`npm ci`).
// A prebuilt binary in prebuilds/<platform>-<arch>/ is used as is unless --force.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const force = process.argv.includes('--force');
const prebuilt = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'svf_torch.node');
if (!force && fs.existsSync(prebuilt) && !process.env.SVF_TORCH_BUILD_FROM_SOURCE) {
  console.log(`svf-torch: using prebuilt ${path.relative(root, prebuilt)}`);
  process.exit(0);
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = String(Math.max(1, os.cpus().length));
const args = [cmakeJs, 'compile', '--out', 'build', '--config', 'Release'];
const env = { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL || jobs };
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
process.exit(r.status === null ? 1 : r.status);
