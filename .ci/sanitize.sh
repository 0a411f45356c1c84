#!/usr/bin/env bash
# Sanitizer job: an ASan + UBSan build of the C++ unit tests and of the Python extension (the baseline ISA
# build only), then ctest and the default pytest suite (op, tape, property, data, Keras tests) under the sanitizers.
# Any sanitizer report fails the job: UBSan aborts on its first report (-fno-sanitize-recover), ASan on its
# first error, and the logs are searched for reports in code that swallows an abort (a worker thread).
#
# Run it locally from any directory (GoogleTest, cmake, pybind11, numpy, pytest, hypothesis installed; on 2 cores
# the build takes most of the time, ctest 5 s and the suite about a minute):
#     bash .ci/sanitize.sh
# Build directory: build/sanitize. To rerun one test file under the same build afterwards:
#     cd build/sanitize/site && ASAN_OPTIONS=detect_leaks=0 \
#       LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libstdc++.so)" \
#       python -m pytest -q -p no:cacheprovider ../../../tests/test_ops.py
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUILD="$ROOT/build/sanitize"
SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1"

python3 -c "import pybind11" 2>/dev/null || python3 -m pip install -q "pybind11>=2.13"
GENERATOR=()
if command -v ninja >/dev/null; then GENERATOR=(-G Ninja); fi
cmake -S . -B "$BUILD" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=Release -DPYTENSOR_AVX512_CORE=OFF \
  -DPYTENSOR_BUILD_TESTS=ON -DPYTENSOR_BUILD_PYTHON=ON \
  -DCMAKE_CXX_FLAGS="$SAN_FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
cmake --build "$BUILD" -j "${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"

LOGS="$BUILD/logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
# halt_on_error: ASan stops at its first report; log_path keeps reports from threads whose output is lost.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:log_path=$LOGS/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan"

ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"

# The package from the source tree with the sanitized extension in place of the developer build.
SITE="$BUILD/site"
rm -rf "$SITE" && mkdir -p "$SITE"
cp -r pytensor "$SITE/"
rm -rf "$SITE/pytensor/_avx512" "$SITE"/pytensor/_core*.so
ln -s "$(ls "$BUILD"/_core*.so | head -1)" "$SITE/pytensor/"
# The interpreter is not instrumented, so the ASan runtime must be loaded first, and libstdc++ with it (ASan's
# __cxa_throw interceptor needs the real one at start-up); leak checking is off because CPython keeps its interned
# objects to the end.
cd "$SITE"
LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libstdc++.so)" PYTENSOR_ISA=avx2 \
  python3 -m pytest -q -p no:cacheprovider -m "not slow" "$ROOT/tests"

if compgen -G "$LOGS/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  cat "$LOGS"/* >&2
  exit 1
fi
echo "sanitize: 0 sanitizer reports"
