#!/usr/bin/env bash
# Installs Brocken's build and test dependencies from Debian packages (idempotent; silent when
# everything is present) and configures + builds the given CMake preset (default: release).
# The `fuzz` preset needs clang and its libFuzzer runtime (clang, libclang-rt-14-dev).
#   tools/setup.sh [PRESET] [--no-build]
set -euo pipefail
preset=${1:-release}
build=1
[ "${2:-}" = "--no-build" ] && build=0
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build git pkg-config
  libtbb-dev libhdf5-dev libyaml-cpp-dev libpcg-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libfmt-dev
  hdf5-tools netcdf-bin python3 python3-h5py python3-numpy python3-xarray python3-h5netcdf
  python3-yaml python3-nlopt
  clang libclang-rt-14-dev clang-format clang-tidy util-linux
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$build" -eq 1 ]; then
  cd "$root"
  cmake --preset "$preset" >/dev/null
  # Progress lines ("[12/80] Building ...") are dropped; warnings and errors are shown.
  brc=0
  # Four jobs per core: on a machine busy with other work the build keeps a fair share of the
  # CPU (the scheduler shares it per runnable process within a session), and on idle cores the
  # extra jobs only wait. Measured in docs/reliability.md ("The suite on a busy machine").
  cmake --build --preset "$preset" -- -j"$((4 * $(nproc)))" >"build/$preset/build.log" 2>&1 || brc=$?
  grep -Ev '^\[[0-9]+/[0-9]+\] ' "build/$preset/build.log" || true
  [ "$brc" -eq 0 ] || { echo "build of preset $preset failed" >&2; exit 1; }
fi
