'use strict';
// Picks and loads the svf-torch binary that fits the user's LibTorch, or says exactly why none
// does and what fixes it (the one loader: lib/native.ts at run time, scripts/build-addon.js at
// install to test a binary). Plain CommonJS: it runs at `npm install`, before TypeScript exists.
//
// Binaries, in order:
//   1. SVF_TORCH_ADDON=/path/to/file.node (an explicit choice, checked like the others when a
//      svf_torch.json sidecar says what it was built for);
//   2. build/Release/svf_torch.node, compiled here; build/Release/svf_torch.json records its LibTorch;
//   3. prebuilds/<platform>-<arch>/svf-torch.torch<X_Y_Z>.<cpu|cuNNN>.<cxx11|precxx11>.napi.glibc.node,
//      named as prebuildify names them, matched with node-gyp-build's own tag parser plus the
//      LibTorch tags.
// A binary fits when its LibTorch version, CUDA variant and C++ ABI equal those of the LibTorch
// found (scripts/libtorch.js). Before loading a binary built elsewhere, that LibTorch's
// libraries are loaded by full path (RTLD_GLOBAL, never unloaded), so the binary's DT_NEEDED
// entries resolve to them by soname: no LD_LIBRARY_PATH, and never a libc10 of another LibTorch
// from /usr/lib (which segfaults or dumps undefined symbols).
const fs = require('fs');
const os = require('os');
const path = require('path');
const nodeGypBuild = require('node-gyp-build');
const libtorch = require('./libtorch');

const SIDE_CAR = 'svf_torch.json';
// glibc's RTLD_NODELETE: Node unloads a library that registers no addon; this keeps it.
const RTLD_NODELETE = 0x1000;

class AddonLoadError extends Error {}

/** { version, cuda, cxx11Abi } from a prebuild's file name, or null if it is not one of ours. */
function builtFromTags(file) {
  const tags = path.basename(file).split('.');
  const t = tags.find((x) => /^torch\d+(_\d+)+$/.test(x));
  const c = tags.find((x) => x === 'cpu' || /^cu\d+$/.test(x));
  const a = tags.find((x) => x === 'cxx11' || x === 'precxx11');
  if (!t || !c) return null;
  const cuda = c === 'cpu' ? null : `${Number(c.slice(2, -1))}.${c.slice(-1)}`;
  return { version: t.slice(5).replace(/_/g, '.'), cuda, cxx11Abi: a ? a === 'cxx11' : null };
}

function readSidecar(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(path.dirname(file), SIDE_CAR), 'utf8'));
  } catch {
    return null;
  }
}

/** Every binary there is, best first, each with what it was built for (null: unknown). */
function candidates(root, env = process.env) {
  if (env.SVF_TORCH_ADDON) {
    const file = path.resolve(env.SVF_TORCH_ADDON);
    return [{ file, kind: 'SVF_TORCH_ADDON', built: readSidecar(file), explicit: true }];
  }
  const list = [];
  const local = path.join(root, 'build', 'Release', 'svf_torch.node');
  if (fs.existsSync(local)) list.push({ file: local, kind: 'build', built: readSidecar(local) });
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  let names = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    /* no prebuilds */
  }
  const runtime = 'node';
  const fitsNode = nodeGypBuild.matchTags(runtime, process.versions.modules);
  const parsed = names.map(nodeGypBuild.parseTags).filter(fitsNode).sort(nodeGypBuild.compareTags(runtime));
  for (const tags of parsed) {
    const built = builtFromTags(tags.file);
    if (built) list.push({ file: path.join(dir, tags.file), kind: 'prebuild', built });
  }
  return list;
}

function describeBuilt(b) {
  return libtorch.summary({ version: b.version, cuda: b.cuda, cxx11Abi: b.cxx11Abi });
}

/** Loads the found LibTorch's libraries (dependency order) so a binary built elsewhere binds to them. */
function preload(lt) {
  const flags = os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  for (const lib of libtorch.preloadOrder(lt)) {
    try {
      process.dlopen({ exports: {} }, lib, flags);
    } catch (e) {
      // Loaded, but it is a library, not an addon: exactly what we want.
      if (/did not self-register|Module did not self-register/.test(e.message)) continue;
      throw new AddonLoadError(`svf-torch: cannot load ${lib} of ${libtorch.summary(lt)} at ${lt.root}: ${e.message.split('\n')[0]}`);
    }
  }
}

function rebuildHint(lt) {
  const envs = [];
  if (lt && lt.source === 'pytorch') envs.push('LIBTORCH_USE_PYTORCH=1' + (lt.python && lt.python !== 'python3' ? ` SVF_TORCH_PYTHON=${lt.python}` : ''));
  if (lt && lt.source === 'LIBTORCH') envs.push(`LIBTORCH=${lt.root}`);
  return `${envs.join(' ')}${envs.length ? ' ' : ''}npm rebuild svf-torch   (in a checkout of svf-torch: npm run build:addon)`;
}

/** The binary to load for LibTorch `lt`, and whether it needs the preload; throws AddonLoadError. */
function choose(root, lt, env = process.env) {
  const list = candidates(root, env);
  for (const c of list) {
    if (c.explicit && !c.built) return { ...c, preload: false };
    if (c.built && !libtorch.mismatch(c.built, lt)) {
      return { ...c, preload: c.kind === 'prebuild' || c.built.libDir !== lt.libDir };
    }
  }
  const found = `${libtorch.summary(lt)} (${lt.source}, ${lt.libDir})`;
  const have = list.length
    ? list.map((c) => `  - ${path.relative(root, c.file)}: ${c.built ? describeBuilt(c.built) : 'unknown LibTorch'}`).join('\n')
    : '  (none: no build/Release/svf_torch.node and no prebuilds/)';
  const others = [];
  if (lt.source !== 'pytorch') others.push('LIBTORCH_USE_PYTORCH=1 (a Python torch)');
  if (lt.source !== 'LIBTORCH') others.push('LIBTORCH=/path/to/libtorch');
  throw new AddonLoadError(
    `svf-torch: no binary fits the LibTorch found: ${found}.\n` +
      `Binaries here, and what they were built for:\n${have}\n` +
      `Fix: build for this LibTorch: ${rebuildHint(lt)}\n` +
      `  or point at the LibTorch a binary was built for (${others.join(', ')}).`,
  );
}

/** Finds the user's LibTorch, picks the fitting binary and loads it. */
function load(root, env = process.env) {
  let lt;
  try {
    lt = libtorch.locate(env);
  } catch (e) {
    if (!(e instanceof libtorch.LibTorchNotFound)) throw e;
    const explicit = env.SVF_TORCH_ADDON && !readSidecar(path.resolve(env.SVF_TORCH_ADDON));
    if (!explicit) {
      const have = candidates(root, env).filter((c) => c.built).map((c) => describeBuilt(c.built));
      throw new AddonLoadError(`svf-torch: ${e.message}` + (have.length ? `\nBinaries here are built for: ${have.join('; ')}.` : ''));
    }
    return { binding: require(path.resolve(env.SVF_TORCH_ADDON)), libtorch: null, file: path.resolve(env.SVF_TORCH_ADDON) };
  }
  const pick = choose(root, lt, env);
  if (pick.preload) preload(lt);
  let binding;
  try {
    binding = require(pick.file);
  } catch (e) {
    throw new AddonLoadError(
      `svf-torch: ${path.relative(root, pick.file)} (built for ${pick.built ? describeBuilt(pick.built) : 'an unknown LibTorch'}) ` +
        `failed to load with ${libtorch.summary(lt)} at ${lt.libDir}: ${e.message.split('\n')[0]}\nFix: ${rebuildHint(lt)}`,
    );
  }
  return { binding, libtorch: lt, file: pick.file };
}

module.exports = { load, choose, candidates, preload, builtFromTags, AddonLoadError, SIDE_CAR };
