"""The choice between the core's baseline (x86-64-v3) and AVX-512 (x86-64-v4) builds, pytensor/_isa.py."""
import os
import subprocess
import sys

import numpy as np
import pytest

import pytensor as pt
from child_python import child_env
from pytensor import _isa

V4 = frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx2", "fma"})
AVX2_ONLY = frozenset({"avx2", "fma", "sse4_2"})


def test_auto_takes_avx512_where_the_cpu_has_x86_64_v4():
    assert _isa.choose_isa("", "GenuineIntel", 6, V4, True) == "avx512"
    assert _isa.choose_isa("auto", "AuthenticAMD", 26, V4, True) == "avx512"  # Zen 5
    assert _isa.choose_isa("", "GenuineIntel", 6, AVX2_ONLY, True) == "avx2"
    assert _isa.choose_isa("", "GenuineIntel", 6, V4 - {"avx512vl"}, True) == "avx2"
    assert _isa.choose_isa("", "GenuineIntel", 6, V4, False) == "avx2"  # no AVX-512 build installed
    assert _isa.choose_isa("", "", -1, frozenset(), True) == "avx2"  # /proc/cpuinfo unreadable


def test_auto_keeps_the_baseline_on_zen4():
    # Zen 4 runs AVX-512 in two 256-bit halves; Eigen's sgemm measured slower there (bench/FLAGS.md).
    assert _isa.choose_isa("", "AuthenticAMD", 25, V4, True) == "avx2"


def test_explicit_choice():
    assert _isa.choose_isa("avx2", "GenuineIntel", 6, V4, True) == "avx2"
    assert _isa.choose_isa(" AVX512 ", "AuthenticAMD", 25, V4, True) == "avx512"
    with pytest.raises(ImportError, match=r"PYTENSOR_ISA=avx512.*lacks avx512bw, avx512cd, avx512dq, avx512f"):
        _isa.choose_isa("avx512", "GenuineIntel", 6, AVX2_ONLY | {"avx512vl"}, True)
    with pytest.raises(ImportError, match="no AVX-512 build"):
        _isa.choose_isa("avx512", "GenuineIntel", 6, V4, False)
    with pytest.raises(ValueError, match=r"PYTENSOR_ISA='sse2' is not one of 'auto', 'avx2', 'avx512'"):
        _isa.choose_isa("sse2", "GenuineIntel", 6, V4, True)


def test_cpu_info_parses_proc_cpuinfo(tmp_path):
    text = ("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
            "flags\t\t: fpu sse2 avx2 avx512f avx512bw\n\nprocessor\t: 1\nvendor_id\t: other\n")
    (tmp_path / "cpuinfo").write_text(text)
    assert _isa.cpu_info(str(tmp_path / "cpuinfo")) == ("AuthenticAMD", 25, frozenset(
        {"fpu", "sse2", "avx2", "avx512f", "avx512bw"}))
    assert _isa.cpu_info(str(tmp_path / "missing")) == ("", -1, frozenset())


def test_the_loaded_build_is_pytensor_core():
    assert _isa.loaded_isa in _isa.ISAS
    assert sys.modules["pytensor._core"] is pt._core
    assert (os.sep + "_avx512" + os.sep in pt._core.__file__) == (_isa.loaded_isa == "avx512")


_SCRIPT = """
import numpy as np, pytensor as pt, pytensor._isa as isa
rng = np.random.default_rng(0)
x = pt.constant(rng.standard_normal((4, 12, 12, 3)).astype(np.float32))
w = pt.Variable(rng.standard_normal((3, 3, 3, 8)).astype(np.float32))
m = pt.constant(rng.standard_normal((70, 90)).astype(np.float32))
with pt.GradientTape() as tape:
    y = pt.reduce_sum(pt.nn.max_pool2d(pt.nn.conv2d(x, w, 1, "SAME"), 2, 2, "VALID") ** 2)
g = tape.gradient(y, w)
np.save(isa.loaded_isa + ".npy", np.concatenate([g.numpy().ravel(), pt.matmul(m, m, transpose_b=True).numpy().ravel()]))
"""


@pytest.mark.skipif(not _isa.V4_FLAGS <= _isa.cpu_info()[2], reason="this CPU has no AVX-512")
def test_both_builds_compute_the_same(tmp_path):
    if _isa._avx512_path(os.path.dirname(pt.__file__)) is None:
        pytest.skip("this install has no AVX-512 build")
    for isa in _isa.ISAS:
        done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=tmp_path, env=child_env(PYTENSOR_ISA=isa),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    # Vector widths change the order of float32 sums: equal to rounding.
    np.testing.assert_allclose(np.load(tmp_path / "avx512.npy"), np.load(tmp_path / "avx2.npy"), rtol=1e-4,
                               atol=1e-3)
