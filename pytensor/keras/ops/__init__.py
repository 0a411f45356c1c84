"""``keras.ops``: Keras 3's backend-free op namespace (``from keras import ops``), numpy's argument names and
Keras 3's dtype rules, mapped onto pytensor's differentiable ops. Grouped as Keras groups them: ``numpy``,
``nn``, ``math``, ``core``, ``linalg``, ``image``; every op is also at the top level, as in Keras. A Keras op
pytensor cannot build yet (fft, svd, …) raises ``NotImplementedYetError`` naming it."""
from . import core, image, linalg, math, nn, numpy  # noqa: F401  (image: Keras's submodule, ops only)


def _export(module):
    """The ops of ``module`` (its public functions, not the modules and helpers it imports)."""
    for name, value in vars(module).items():
        if not name.startswith("_") and callable(value) and name != "missing_attribute_hook" \
                and not isinstance(value, type(core)):
            globals()[name] = value


for _module in (core, linalg, math, nn, numpy):
    _export(_module)

from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a Keras op pytensor lacks says so (see _missing.py)
