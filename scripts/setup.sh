#!/usr/bin/env bash
# One-shot, idempotent setup of svf-torch on Debian 12 (bookworm), on one of two LibTorch lines:
#   SVF_TORCH_LIBTORCH=system (default): Debian's LibTorch 1.13.1 (apt: libtorch-dev), with
#      Debian's Python torch/torchvision 1.13.1 as the tests' reference;
#   SVF_TORCH_LIBTORCH=pytorch: PyTorch from pip in a virtual environment (.venv, or SVF_TORCH_VENV;
#      torch SVF_TORCH_PYTORCH_VERSION=2.14.1 with torchvision 0.29.1), whose LibTorch the addon
#      links and whose Python is the tests' reference. No CUDA toolkit is needed for either.
# Steps:
#   1. apt: installs only the system packages that are missing (the C++ toolchain; on the system
#      line LibTorch and its Python reference);
#   2. pip (pytorch line only): the venv, unless it already holds the wanted torch;
#   3. npm: `npm ci`, which builds the native addon (install script → cmake-js) and compiles the
#      TypeScript (prepare → tsc).
# A second run does no apt work; when node_modules already matches package-lock.json it skips
# the reinstall and only rebuilds the addon (incremental: ninja + ccache) and the TypeScript.
#
# Environment:
#   SETUP_FORCE_NPM_CI=1   always run `npm ci` (CI=true implies it: a fresh clone has no node_modules anyway)
#   SETUP_SKIP_APT=1       never touch apt (e.g. LibTorch comes from LIBTORCH / LIBTORCH_USE_PYTORCH=1)
#   LIBTORCH=/path            build against an unpacked LibTorch folder instead (see README "Install")
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
# the addon build; python3-torch/-torchvision (+ python3-pil): ground truth for the cross-check tests;
# fonts-dejavu-core: the font the spectra report's PNG draws its labels with; libgloo-dev: gloo's
# headers, which c10d's ProcessGroupGloo.hpp includes (torch.distributed's Gloo backend) and
# neither LibTorch line ships.
line="${SVF_TORCH_LIBTORCH:-system}"
case "$line" in
  system) packages=(libtorch-dev libopenblas0-pthread cmake g++ ninja-build ccache python3-torch python3-torchvision python3-pil fonts-dejavu-core libgloo-dev) ;;
  pytorch) packages=(cmake g++ ninja-build ccache fonts-dejavu-core libgloo-dev) ;;
  *) echo "setup: SVF_TORCH_LIBTORCH must be 'system' or 'pytorch', not '$line'" >&2; exit 1 ;;
esac
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

# --- 2. the PyTorch line: a venv with pip's torch ---------------------------------------------
if [[ $line == pytorch ]]; then
  venv="${SVF_TORCH_VENV:-$root/.venv}"
  torch_version="${SVF_TORCH_PYTORCH_VERSION:-2.14.1}"
  vision_version="${SVF_TORCH_TORCHVISION_VERSION:-0.29.1}"
  [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
  have=$("$venv/bin/python" -c 'import torch, torchvision; print(torch.__version__.split("+")[0], torchvision.__version__.split("+")[0])' 2>/dev/null || true)
  if [[ $have == "$torch_version $vision_version" ]]; then
    log "venv $venv: torch $torch_version, torchvision $vision_version present"
  else
    log "venv $venv: installing torch==$torch_version torchvision==$vision_version"
    pip=("$venv/bin/pip" install -q --retries 0 --disable-pip-version-check)
    if ! "${pip[@]}" "torch==$torch_version" "torchvision==$vision_version"; then
      # Some package stores lack torch's Python-only CUDA helpers (cuda-bindings, triton: used by
      # torch.compile and Python CUDA tooling, never by LibTorch). Install torch and the libraries
      # it loads, then everything else it declares that the store has.
      log "pip could not resolve every dependency; installing torch's runtime libraries explicitly"
      "${pip[@]}" --no-deps "torch==$torch_version" "torchvision==$vision_version"
      mapfile -t deps < <("$venv/bin/python" - <<'PY'
import importlib.metadata as m, re
skip = {"cuda-bindings", "triton", "setuptools"}
for pkg in ("torch", "torchvision"):
    for req in m.requires(pkg) or []:
        if "extra ==" in req:
            continue
        name = re.split(r"[ ;<>=!~\[]", req, 1)[0]
        if name.lower() not in skip and name.lower() != "torch":
            print(req.split(";")[0].strip())
PY
)
      "${pip[@]}" "${deps[@]}"
    fi
  fi
  export LIBTORCH_USE_PYTORCH=1 SVF_TORCH_PYTHON="$venv/bin/python"
  unset LIBTORCH
fi

# --- 3. npm --------------------------------------------------------------------------------
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

# --- 4. smoke check ----------------------------------------------------------------------
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
if [[ $line == pytorch ]]; then
  log "this build is for the venv's LibTorch; run with it as:"
  log "  LIBTORCH_USE_PYTORCH=1 SVF_TORCH_PYTHON=$SVF_TORCH_PYTHON npm test   (or npm start)"
fi
