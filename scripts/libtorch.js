'use strict';
// Finds the LibTorch that svf-torch builds against and loads with. One module for the build
// (scripts/build-addon.js writes what it finds for CMakeLists.txt), the prebuild tagger
// (scripts/prebuild.js) and the loader (lib/native.ts), so the three can never disagree.
//
// Order: LIBTORCH (an unpacked LibTorch folder), then LIBTORCH_USE_PYTORCH=1 (the torch package
// of SVF_TORCH_PYTHON, else python3), then the system (Debian's libtorch). Everything comes from
// the torch itself, as torch.utils.cpp_extension and tch-rs do: include and library folders from
// its layout, the version from its version.py / build-version / headers / library names, CUDA
// from its version.py / build-version / the presence of libtorch_cuda, the C++ ABI from the
// mangled names in libc10, the C++ standard from what ATen.h demands. Never through CMake's
// TorchConfig (which insists on a CUDA toolkit for CUDA builds) and never mixing two installs:
// every library path is inside the chosen LibTorch's own folder.
//
// Plain CommonJS with no dependencies: it runs at `npm install` before TypeScript is compiled.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const REQUIRED = ['c10', 'torch_cpu', 'torch'];
// Loaded when present: their static initialisers register the CUDA kernels and allocator.
const OPTIONAL = ['c10_cuda', 'torch_cuda'];

class LibTorchNotFound extends Error {}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** '2.14.1+cu130' → '2.14.1'; '1.13' stays '1.13' (a version known only to major.minor). */
function baseVersion(v) {
  return String(v).trim().replace(/\+.*$/, '').replace(/[a-z].*$/i, '');
}

/** 'cu130' → '13.0', 'cu118' → '11.8'; anything else → null. */
function cudaFromLocalTag(v) {
  const m = /\+cu(\d+)(\d)\b/.exec(String(v));
  return m ? `${Number(m[1])}.${m[2]}` : null;
}

function versionFromHeaders(includeDir) {
  for (const rel of ['torch/headeronly/version.h', 'torch/csrc/api/include/torch/version.h']) {
    const text = readText(path.join(includeDir, rel));
    if (!text) continue;
    const part = (n) => (new RegExp(`#define TORCH_VERSION_${n}\\s+(\\d+)`).exec(text) || [])[1];
    const [a, b, c] = [part('MAJOR'), part('MINOR'), part('PATCH')];
    if (a !== undefined && b !== undefined && c !== undefined) return `${a}.${b}.${c}`;
  }
  return null;
}

/** The C++ standard to build with: what ATen.h insists on (C++20 from torch 2.14 on), at least our own C++17. */
function cxxStandardFromHeaders(includeDir) {
  const text = readText(path.join(includeDir, 'ATen', 'ATen.h')) || '';
  const m = /C\+\+(\d\d) or later compatible compiler is required/.exec(text);
  return Math.max(17, m ? Number(m[1]) : 17);
}

/** __version__ and cuda of a Python torch package's version.py (no import: that takes seconds). */
function versionPy(torchDir) {
  const text = readText(path.join(torchDir, 'version.py'));
  if (!text) return null;
  const v = /__version__[^=\n]*=\s*['"]([^'"]+)['"]/.exec(text);
  const c = /^cuda[^=\n]*=\s*(?:['"]([^'"]+)['"]|None)/m.exec(text);
  return { version: v ? v[1] : undefined, cuda: c ? c[1] || null : undefined };
}

/** lib<name>.so, else its versioned runtime name (Debian's runtime package has only lib<name>.so.X.Y). */
function findLibrary(libDir, name) {
  const plain = path.join(libDir, `lib${name}.so`);
  if (fs.existsSync(plain)) return plain;
  let entries = [];
  try {
    entries = fs.readdirSync(libDir);
  } catch {
    return null;
  }
  const re = new RegExp(`^lib${name.replace(/[^a-z0-9_]/gi, '')}\\.so\\.(\\d+(?:\\.\\d+)*)$`);
  const versioned = entries.filter((e) => re.test(e)).sort((a, b) => b.length - a.length);
  return versioned.length ? path.join(libDir, versioned[0]) : null;
}

/**
 * Whether libc10 was built with the C++11 std::string ABI: its exported names then mangle
 * std::string as std::__cxx11::basic_string. Reading the ~1 MB library is cheaper than
 * importing Python torch (seconds) and works for every source.
 */
function cxx11AbiOf(c10Path) {
  let bytes;
  try {
    bytes = fs.readFileSync(c10Path);
  } catch {
    return null;
  }
  return bytes.includes('St7__cxx1112basic_string') || bytes.includes('NSt7__cxx11');
}

function describe(source, root, libDir, includeDir, extra) {
  const libraries = {};
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const file = findLibrary(libDir, name);
    if (file) libraries[name] = file;
  }
  const missing = REQUIRED.filter((n) => !libraries[n]);
  if (missing.length) {
    throw new LibTorchNotFound(`${source}: ${libDir} lacks ${missing.map((n) => `lib${n}.so`).join(', ')}`);
  }
  const hasHeaders = includeDir !== null && fs.existsSync(path.join(includeDir, 'ATen', 'ATen.h'));
  let version = extra.version || (hasHeaders ? versionFromHeaders(includeDir) : null);
  if (!version) {
    // Runtime-only install: the version is in the library's file name (libc10.so.1.13.0).
    const m = /\.so\.(\d+\.\d+(?:\.\d+)?)$/.exec(libraries.c10);
    version = m ? m[1] : null;
  }
  if (!version) throw new LibTorchNotFound(`${source}: cannot tell the LibTorch version at ${root}`);
  const hasCuda = !!(libraries.torch_cuda && libraries.c10_cuda);
  let cuda = extra.cuda !== undefined ? extra.cuda : null;
  if (cuda === null && hasCuda) cuda = 'unknown';
  if (!hasCuda) cuda = null;
  return {
    source,
    root,
    libDir,
    includeDirs: hasHeaders ? [includeDir, path.join(includeDir, 'torch', 'csrc', 'api', 'include')] : [],
    version: baseVersion(version),
    fullVersion: String(version),
    cuda,
    cxx11Abi: cxx11AbiOf(libraries.c10),
    cxxStandard: hasHeaders ? cxxStandardFromHeaders(includeDir) : null,
    libraries,
    python: extra.python || null,
  };
}

function fromFolder(root, source) {
  if (!fs.existsSync(path.join(root, 'lib'))) {
    throw new LibTorchNotFound(`${source}: ${root} has no lib/ folder (expected an unpacked LibTorch)`);
  }
  const buildVersion = readText(path.join(root, 'build-version'));
  // A pytorch.org zip has build-version ('2.5.1+cu124'); a torch package folder has version.py.
  const extra = versionPy(root) || {};
  if (buildVersion) {
    extra.version = buildVersion.trim();
    extra.cuda = cudaFromLocalTag(buildVersion);
  }
  return describe(source, root, path.join(root, 'lib'), path.join(root, 'include'), extra);
}

function pythonExecutable(env) {
  const p = env.SVF_TORCH_PYTHON || 'python3';
  return p.includes('/') ? path.resolve(p) : p;
}

/** The torch package folder of a Python, found without importing torch (which takes seconds). */
function fromPython(env) {
  const python = pythonExecutable(env);
  const probe =
    'import importlib.util as u; s = u.find_spec("torch"); ' +
    'print(list(s.submodule_search_locations)[0] if s and s.submodule_search_locations else "")';
  const r = spawnSync(python, ['-c', probe], { encoding: 'utf8', env });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    throw new LibTorchNotFound(`LIBTORCH_USE_PYTORCH=1: cannot run '${python}' (${why})`);
  }
  const torchDir = r.stdout.trim();
  if (!torchDir) throw new LibTorchNotFound(`LIBTORCH_USE_PYTORCH=1: '${python}' has no torch package (pip install torch)`);
  const extra = { ...(versionPy(torchDir) || {}), python };
  return describe('pytorch', torchDir, path.join(torchDir, 'lib'), path.join(torchDir, 'include'), extra);
}

function systemLibDirs() {
  const triplet = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch];
  return [triplet && `/usr/lib/${triplet}`, '/usr/lib64', '/usr/lib', '/usr/local/lib'].filter(Boolean);
}

function fromSystem() {
  for (const libDir of systemLibDirs()) {
    if (!findLibrary(libDir, 'c10')) continue;
    const prefix = path.dirname(libDir.replace(/\/lib\/[^/]+-linux-gnu$/, '/lib'));
    const includeDir = [path.join(prefix, 'include'), '/usr/include', '/usr/local/include'].find((d) =>
      fs.existsSync(path.join(d, 'ATen', 'ATen.h')),
    );
    return describe('system', prefix, libDir, includeDir || null, {});
  }
  throw new LibTorchNotFound(`system: no libc10 in ${systemLibDirs().join(', ')}`);
}

/**
 * The LibTorch to use, as a plain object: { source: 'LIBTORCH' | 'pytorch' | 'system', root,
 * libDir, includeDirs, version ('2.14.1'), fullVersion ('2.14.1+cu130'), cuda ('13.0' | null),
 * cxx11Abi, cxxStandard, libraries: { c10, torch_cpu, torch, [c10_cuda, torch_cuda] }, python }.
 * Throws LibTorchNotFound with every way to fix it.
 */
function locate(env = process.env) {
  if (env.LIBTORCH) return fromFolder(path.resolve(env.LIBTORCH), 'LIBTORCH');
  if (env.LIBTORCH_USE_PYTORCH === '1') return fromPython(env);
  try {
    return fromSystem();
  } catch (e) {
    throw new LibTorchNotFound(
      `no LibTorch found (${e.message}). Install one of:\n` +
        '  - Debian/Ubuntu: apt-get install libtorch-dev\n' +
        '  - Python torch:  pip install torch, then set LIBTORCH_USE_PYTORCH=1 (SVF_TORCH_PYTHON=/path/to/python picks the interpreter)\n' +
        '  - an unpacked LibTorch zip: set LIBTORCH=/path/to/libtorch',
    );
  }
}

/** Tags naming a binary's LibTorch, as in prebuild file names: torch2_14_1, cu130 | cpu, cxx11 | precxx11. */
function tagsOf(lt) {
  return [
    'torch' + lt.version.replace(/\./g, '_'),
    lt.cuda === null ? 'cpu' : 'cu' + String(lt.cuda).replace(/\./g, ''),
    lt.cxx11Abi === false ? 'precxx11' : 'cxx11',
  ];
}

/** How a binary built for `built` relates to the LibTorch `found`: null if it fits, else why not. */
function mismatch(built, found) {
  // A runtime-only system LibTorch may be known only to major.minor ('1.13'): compare that much.
  const a = built.version.split('.');
  const b = found.version.split('.');
  const n = Math.min(a.length, b.length);
  if (a.slice(0, n).join('.') !== b.slice(0, n).join('.')) return 'LibTorch version';
  if ((built.cuda === null) !== (found.cuda === null)) return 'CUDA variant';
  if (built.cuda && found.cuda && built.cuda !== 'unknown' && found.cuda !== 'unknown' && built.cuda !== found.cuda) {
    return 'CUDA version';
  }
  if (built.cxx11Abi !== null && found.cxx11Abi !== null && built.cxx11Abi !== found.cxx11Abi) return 'C++ ABI';
  return null;
}

function summary(lt) {
  return `LibTorch ${lt.version} (${lt.cuda ? 'CUDA ' + lt.cuda : 'CPU'}, ${lt.cxx11Abi === false ? 'pre-C++11' : 'C++11'} ABI)`;
}

/** Library files to load, in dependency order, before a binary built elsewhere. */
function preloadOrder(lt) {
  return ['c10', 'c10_cuda', 'torch_cpu', 'torch_cuda', 'torch'].map((n) => lt.libraries[n]).filter(Boolean);
}

/** CMake `set()` lines for CMakeLists.txt (paths quoted; lists joined with ';'). */
function toCMake(lt) {
  const q = (v) => '"' + String(v).replace(/[\\"$]/g, (c) => '\\' + c) + '"';
  const lines = {
    SVF_LIBTORCH_SOURCE: lt.source,
    SVF_LIBTORCH_ROOT: lt.root,
    SVF_LIBTORCH_LIB_DIR: lt.libDir,
    // The compiler's own folders stay out: -isystem /usr/include breaks libstdc++'s #include_next.
    SVF_LIBTORCH_INCLUDE_DIRS: lt.includeDirs.filter((d) => !['/usr/include', '/usr/local/include'].includes(d)).join(';'),
    SVF_LIBTORCH_LIBRARIES: preloadOrder(lt).join(';'),
    SVF_LIBTORCH_VERSION: lt.version,
    SVF_LIBTORCH_CUDA: lt.cuda === null ? '' : lt.cuda,
    SVF_LIBTORCH_CXX11_ABI: lt.cxx11Abi === false ? '0' : '1',
    SVF_LIBTORCH_CXX_STANDARD: String(lt.cxxStandard),
  };
  return Object.entries(lines).map(([k, v]) => `set(${k} ${q(v)})`).join('\n') + '\n';
}

module.exports = { locate, tagsOf, mismatch, summary, preloadOrder, toCMake, LibTorchNotFound };

if (require.main === module) {
  // `node scripts/libtorch.js`: print what would be used (a diagnostic for users and CI logs);
  // `--cmake FILE`: write it for CMakeLists.txt.
  try {
    const lt = locate();
    const i = process.argv.indexOf('--cmake');
    if (i > 0) {
      if (!lt.includeDirs.length) throw new LibTorchNotFound(`${summary(lt)} at ${lt.root} has no C++ headers (Debian: apt-get install libtorch-dev)`);
      fs.writeFileSync(process.argv[i + 1], toCMake(lt));
    } else {
      console.log(JSON.stringify(lt, null, 2));
    }
  } catch (e) {
    console.error(`svf-torch: ${e.message}`);
    process.exit(1);
  }
}
