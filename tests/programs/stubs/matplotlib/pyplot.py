"""No-op ``matplotlib.pyplot``: each attribute and call returns an object that accepts anything."""


class _Anything:
    """Callable, indexable, iterable-as-empty, attribute-returning: whatever a plotting call chain asks for."""

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getattr__(self, name):
        return _Anything()

    def __getitem__(self, key):
        return _Anything()

    def __iter__(self):
        return iter((_Anything(), _Anything()))

    def __setitem__(self, key, value):
        pass

    def __lt__(self, other):  # max(plt.ylim()) and friends
        return False

    __gt__ = __lt__


rcParams = _Anything()


def __getattr__(name):
    return _Anything()
