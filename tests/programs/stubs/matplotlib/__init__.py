"""A headless stand-in for matplotlib, put on the path of corpus programs (under TensorFlow and pytensor alike)
so tutorials that plot run without a display or matplotlib installed. Every name is a no-op callable."""

from .pyplot import _Anything

rcParams = _Anything()


def use(*args, **kwargs):
    """matplotlib.use(backend): nothing to select."""


def __getattr__(name):
    return _Anything()
