#!/usr/bin/env bash
# One-shot check of the CUDA backend for a short GPU loan: builds pytensor with CUDA into build/cuda (the dev build
# in build/dev is untouched), runs the GPU tests (every op with a CUDA kernel, conv2d's included, against numpy and
# the CPU, and a small CNN fit) and the device tests, then bench/cuda.py (matmul, add, conv2d, the CNN fit). Run from
# the repository root on a machine with an NVIDIA GPU, nvcc + cuBLAS (a CUDA toolkit, or NVIDIA's nvidia-cublas
# wheel in this Python), CMake >= 3.21, ninja and pybind11:  bash bench/cuda_check.sh [--full]
# --full also runs the default test suite with tensors on the GPU by default (TF's placement rule), which exercises
# the CPU fallback of every op without a CUDA kernel. Output: one log per step under ${OUT:-build/cuda}/.
# PYTENSOR_CUDA_PREBUILT=1 skips the build and uses build/cuda/_core*.so as it is: an extension built elsewhere
# (sm_80 + sm_90 by default) and carried to a GPU machine without the build tools; it needs libcublas.so.13 and
# libcublasLt.so.13 on the loader's path there (LD_LIBRARY_PATH).
# Each step has a time limit (build 330 s, GPU tests 150 s, benchmark 90 s) so the script ends, with its logs, within
# a 10-minute GPU loan even when a step hangs; a step past its limit fails the check.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGS=${OUT:-build/cuda}
mkdir -p "$LOGS"
status=0
nvidia-smi | tee "$LOGS/nvidia-smi.txt" || { echo "cuda_check: nvidia-smi failed: no GPU driver here" >&2; exit 1; }
# The architecture of the GPU present (e.g. 90 for an H100), so the build compiles one.
ARCH=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')
if [ "${PYTENSOR_CUDA_PREBUILT:-0}" = 1 ]; then
  echo "== prebuilt: $(ls build/cuda/_core*.so)"
else
  echo "== build (sm_${ARCH:-80;90})"
  if ! { cmake -S . -B build/cuda -G Ninja -DPYTENSOR_BUILD_PYTHON=ON -DPYTENSOR_CUDA=ON -DPYTENSOR_AVX512_CORE=OFF \
           ${ARCH:+-DCMAKE_CUDA_ARCHITECTURES=$ARCH} -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" \
           -DPython_EXECUTABLE="$(command -v python3)" &&
         timeout 330 cmake --build build/cuda -j "$(nproc)"; } >"$LOGS/build.log" 2>&1; then
    tail -40 "$LOGS/build.log"; echo "cuda_check: the CUDA build failed (log: $LOGS/build.log)" >&2; exit 1
  fi
fi
# The tests import pytensor from the source tree: link the CUDA build's extension there (dev_build.sh links back).
ln -sf "$(ls "$PWD"/build/cuda/_core*.so | head -1)" pytensor/
rm -f pytensor/_avx512/_core*.so
python3 -c "import pytensor as tf; print('GPUs:', tf.config.list_physical_devices('GPU'), 'built with CUDA:',
tf.test.is_built_with_cuda())"
echo "== GPU tests"
PYTENSOR_EXPECT_CUDA=1 timeout 150 python3 -m pytest -q -p no:cacheprovider tests/test_cuda.py tests/test_devices.py \
  2>&1 | tee "$LOGS/gpu_tests.log" | tail -30 || status=1
if [ "${1:-}" = "--full" ]; then
  echo "== default suite, GPU placement"
  PYTENSOR_EXPECT_CUDA=1 python3 -m pytest -q -p no:cacheprovider -m "not slow" tests \
    >"$LOGS/suite.log" 2>&1 || status=1
  tail -15 "$LOGS/suite.log"
fi
echo "== benchmark"
timeout 90 python3 bench/cuda.py 2>&1 | tee "$LOGS/bench.txt" || status=1
exit $status
