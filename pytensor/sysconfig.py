"""``tf.sysconfig``: where pytensor's headers and library are, and how it was built (for building extensions
against it)."""

import os
import sysconfig as _python_sysconfig

__all__ = ["get_include", "get_lib", "get_compile_flags", "get_link_flags", "get_build_info", "CXX11_ABI_FLAG",
           "CXX_VERSION", "MONOLITHIC_BUILD"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
CXX11_ABI_FLAG = 1  # built with the default (new) libstdc++ ABI
CXX_VERSION = 201703  # C++17
MONOLITHIC_BUILD = 1  # one extension module holds the whole core


def get_lib():
    """The folder of pytensor's compiled core (``_core*.so``)."""
    return _PACKAGE


def get_include():
    """The folder of pytensor's C++ headers: the source tree's ``csrc`` in a developer checkout, else the
    package folder (an installed wheel ships no headers)."""
    source = os.path.join(os.path.dirname(_PACKAGE), "csrc")
    return source if os.path.isdir(source) else _PACKAGE


def get_compile_flags():
    """Compiler flags for code that includes pytensor's headers."""
    return [f"-I{get_include()}", "-std=c++17", f"-D_GLIBCXX_USE_CXX11_ABI={CXX11_ABI_FLAG}"]


def get_link_flags():
    """Linker flags: pytensor has no shared library to link against besides its Python extension."""
    return [f"-L{get_lib()}"]


def get_build_info():
    """How this pytensor was built: no CUDA/ROCm, the CPU instruction set chosen at import, the compiler."""
    from . import _isa, version

    return {"is_cuda_build": False, "is_rocm_build": False, "is_tensorrt_build": False,
            "cpu_compiler": _python_sysconfig.get_config_var("CXX") or "c++", "isa": _isa.loaded_isa,
            "version": version.VERSION}
