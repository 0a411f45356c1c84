#!/usr/bin/env bash
# Developer build: an incremental CMake build of pytensor._core, linked into pytensor/ (ignored by git)
# so `python -c "import pytensor"` works from the source tree. Serialised with flock so parallel
# callers share one build directory safely. Users install with `pip install .` instead.
# PYTENSOR_AVX512_CORE=OFF (read at the first configure) skips the x86-64-v4 variant: half the build time.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import pybind11' 2>/dev/null || ! command -v ninja >/dev/null; then
  echo "dev_build.sh builds for $(command -v python3) without pip's build isolation: install the build's tools" \
    "into that Python first: pip install pybind11 cmake ninja" >&2
  exit 1
fi
exec 9>/tmp/pytensor-dev-build.lock
flock 9
if [ ! -f build/dev/build.ninja ]; then
  cmake -S . -B build/dev -G Ninja -DPYTENSOR_BUILD_PYTHON=ON -DPYTENSOR_BUILD_TESTS=${PYTENSOR_BUILD_TESTS:-ON} \
    -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python3)" \
    ${PYTENSOR_AVX512_CORE:+-DPYTENSOR_AVX512_CORE=$PYTENSOR_AVX512_CORE} >/dev/null
fi
cmake --build build/dev -j "${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" "$@"
ln -sf "$(ls "$PWD"/build/dev/_core*.so | head -1)" pytensor/
rm -f pytensor/_avx512/_core*.so
if ls build/dev/avx512/_core*.so >/dev/null 2>&1; then  # the x86-64-v4 build pytensor/_isa.py may load instead
  mkdir -p pytensor/_avx512
  ln -sf "$(ls "$PWD"/build/dev/avx512/_core*.so | head -1)" pytensor/_avx512/
fi
