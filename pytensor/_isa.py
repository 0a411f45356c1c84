"""Which build of the C++ core this process loads.

x86-64 installs carry two builds of the extension `_core`: the baseline compiled for x86-64-v3 (AVX2 + FMA, any
x86-64 CPU from 2015 on) in `pytensor/`, and one compiled for x86-64-v4 (AVX-512) in `pytensor/_avx512/`. Both
import as `pytensor._core`. The AVX-512 build runs where the CPU has x86-64-v4 and gains from it. On an Intel Xeon
it measured 1.3-1.4x the sgemm throughput and a 20 % faster conv + max_pool training step. On AMD Zen 4, which
executes 512-bit instructions in two halves, Eigen's sgemm measured slower (bench/FLAGS.md), so Zen 4 keeps the
baseline.

Set PYTENSOR_ISA=avx2 or PYTENSOR_ISA=avx512 to choose (auto: as above); `loaded_isa` says which one runs.
"""
import importlib
import importlib.machinery
import importlib.util
import os
import sys

ISAS = ("avx2", "avx512")
# x86-64-v4's AVX-512 subsets, as /proc/cpuinfo names them.
V4_FLAGS = frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})
_AMD_ZEN4_FAMILY = 25

loaded_isa = None


def cpu_info(path="/proc/cpuinfo"):
    """(vendor, family, flags) of the first CPU in `path`; empty values where it cannot be read (not Linux)."""
    vendor, family, flags = "", -1, frozenset()
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "vendor_id":
                    vendor = value
                elif key == "cpu family" and value.isdigit():
                    family = int(value)
                elif key == "flags":
                    flags = frozenset(value.split())
                    break
    except OSError:
        pass
    return vendor, family, flags


def choose_isa(requested, vendor, family, flags, have_avx512_build):
    """The build to load for PYTENSOR_ISA=`requested` ('', 'auto', 'avx2' or 'avx512') on this CPU."""
    requested = (requested or "auto").strip().lower()
    if requested not in ("auto",) + ISAS:
        raise ValueError(f"PYTENSOR_ISA={requested!r} is not one of 'auto', 'avx2', 'avx512'")
    has_v4 = V4_FLAGS <= flags
    if requested == "avx512":
        if not has_v4:
            missing = ", ".join(sorted(V4_FLAGS - flags))
            raise ImportError(f"PYTENSOR_ISA=avx512, but this CPU lacks {missing}; unset it or use PYTENSOR_ISA=avx2")
        if not have_avx512_build:
            raise ImportError("PYTENSOR_ISA=avx512, but this install has no AVX-512 build of pytensor._core "
                              "(built with -DPYTENSOR_AVX512_CORE=OFF or for another -march); unset PYTENSOR_ISA")
        return "avx512"
    if requested == "avx2":
        return "avx2"
    zen4 = vendor == "AuthenticAMD" and family == _AMD_ZEN4_FAMILY
    return "avx512" if has_v4 and have_avx512_build and not zen4 else "avx2"


def _avx512_path(package_dir):
    folder = os.path.join(package_dir, "_avx512")
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        if name.startswith("_core.") and any(name.endswith(s) for s in suffixes):
            return os.path.join(folder, name)
    return None


def load_core(package_dir):
    """Imports the chosen build as pytensor._core and returns it."""
    global loaded_isa
    path = _avx512_path(package_dir)
    isa = choose_isa(os.environ.get("PYTENSOR_ISA", ""), *cpu_info(), have_avx512_build=path is not None)
    if isa == "avx512":
        spec = importlib.util.spec_from_file_location("pytensor._core", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["pytensor._core"] = module
        spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module("pytensor._core")
        except ModuleNotFoundError as e:
            if e.name != "pytensor._core":
                raise
            raise ImportError(_not_built_message(package_dir)) from None
    loaded_isa = isa
    return module


def _not_built_message(package_dir):
    """What to do when `package_dir` has no pytensor._core: build it here, or reinstall."""
    message = f"pytensor's C++ extension pytensor._core is not built in {package_dir}."
    if os.path.exists(os.path.join(package_dir, os.pardir, "CMakeLists.txt")):
        message += (" This is pytensor's source tree, which Python imports ahead of an installed pytensor when it "
                    "runs in the repository root. Run from another folder after `pip install .`, or build the "
                    "extension into the source tree with `./.ci/dev_build.sh` (development; see the README).")
    else:
        message += " Reinstall it: `pip install --force-reinstall pytensor-tf` (or `pip install .` in its source tree)."
    return message
