#!/usr/bin/env bash
# One-shot, idempotent setup of svf-torch on Debian 12 (bookworm):
#   1. apt: installs only the system packages that are missing (LibTorch, the C++ toolchain,
#      and Python torch/torchvision 1.13.1, which the tests use as the reference);
#   2. npm: `npm ci`, which builds the native addon (install script → cmake-js) and compiles the
#      TypeScript (prepare → tsc).
# A second run does no apt work; when node_modules already matches package-lock.json it skips
# the reinstall and only rebuilds the addon (incremental: ninja + ccache) and the TypeScript.
#
# Environment:
#   SETUP_FORCE_NPM_CI=1   always run `npm ci` (CI=true implies it: a fresh clone has no node_modules anyway)
#   SETUP_SKIP_APT=1       never touch apt (e.g. LibTorch comes from LIBTORCH / LIBTORCH_USE_PYTORCH=1)
#   LIBTORCH, LIBTORCH_USE_PYTORCH=1   where the build finds LibTorch (see README "Install")
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
t0=$SECONDS
log() { printf 'setup: %s\n' "$*"; }

# --- 1. system packages ------------------------------------------------------------------
# libtorch-dev: the C++ LibTorch 1.13.1 the addon links; libopenblas0-pthread: a threaded BLAS
# behind it (Debian's default reference BLAS is single-threaded and slow); cmake/g++/ninja/ccache:
# the addon build; python3-torch/-torchvision: ground truth for the cross-check tests.
packages=(libtorch-dev libopenblas0-pthread cmake g++ ninja-build ccache python3-torch python3-torchvision)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

missing=()
for p in "${packages[@]}"; do is_installed "$p" || missing+=("$p"); done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "system packages: all present (${packages[*]})"
elif [[ "${SETUP_SKIP_APT:-}" == 1 ]]; then
  log "SETUP_SKIP_APT=1: not installing missing packages: ${missing[*]}"
else
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo -E)
    else
      echo "setup: missing packages (${missing[*]}) and not root; install them or re-run as root" >&2
      exit 1
    fi
  fi
  log "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  # No recommends: python3-torchvision would pull in python3-av and all of ffmpeg.
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [[ $node_major -lt 18 ]]; then
  echo "setup: Node $(node -v) is too old; svf-torch needs Node >= 18" >&2
  exit 1
fi

# --- 2. npm --------------------------------------------------------------------------------
if [[ ! -f package-lock.json ]]; then
  # The lock file is committed; this only happens in a checkout that lost it.
  log "package-lock.json missing: generating it"
  npm install --ignore-scripts --no-audit --no-fund
fi

# The stamp records the lock file and Node ABI that node_modules was installed from.
stamp=node_modules/.svf-torch-setup-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node -p process.versions.modules)"
if [[ "${CI:-}" == true || "${SETUP_FORCE_NPM_CI:-}" == 1 || ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  log "npm ci (builds the addon, then compiles TypeScript)"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
else
  log "node_modules matches package-lock.json: rebuilding addon + TypeScript only"
  npm run --silent install
  npm run --silent prepare
fi

# --- 3. smoke check ----------------------------------------------------------------------
node -e '
  const torch = require(".");
  const v = torch.version;
  const t = torch.tensor([[1, 2], [3, 4]]);
  const s = t.sum().item();
  if (s !== 10) throw new Error("smoke check: expected sum 10, got " + s);
  console.log(`setup: ok — svf-torch ${v.package}, LibTorch ${v.libtorch}, CUDA ${v.cuda ?? "none"}, ` +
    `${torch.getNumThreads()} threads`);
'
# The tests call Debian's interpreter (SVF_TORCH_PYTHON overrides it), not whatever python3 is first on PATH.
"${SVF_TORCH_PYTHON:-/usr/bin/python3}" -c 'import torch, torchvision; print(f"setup: reference Python torch {torch.__version__}, torchvision {torchvision.__version__}")'
log "done in $((SECONDS - t0)) s"
