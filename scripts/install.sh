#!/usr/bin/env bash
# Installs what devito-ts needs on a Debian machine: gcc with OpenMP, libzfp (lossy checkpoint
# compression), OpenMPI (running under mpirun) and the DejaVu fonts (figures' text) from Debian,
# then the npm dependencies from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc libgomp1)
dpkg -s libzfp-dev >/dev/null 2>&1 || missing+=(libzfp-dev)
# OpenMPI: mpirun to start ranks, the headers and libmpi for the MPI shim and distributed kernels.
command -v mpirun >/dev/null 2>&1 || missing+=(openmpi-bin)
dpkg -s libopenmpi-dev >/dev/null 2>&1 || missing+=(libopenmpi-dev)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi

npm ci --no-audit --no-fund
