"""tf.train.SequenceExample and its feature lists (tensorflow/core/example/{example,feature}.proto):
``SequenceExample{Features context=1, FeatureLists feature_lists=2}``,
``FeatureLists{map<string, FeatureList> feature_list=1}``, ``FeatureList{repeated Feature feature=1}``;
written with _example's wire helpers, map entries in sorted key order.
"""
from ._example import Feature, Features, _field, _fields, _Message, _MessageMap

__all__ = ["SequenceExample", "FeatureLists", "FeatureList"]


class FeatureList(_Message):
    """The Features of the steps of one sequence: ``FeatureList(feature=[Feature(...), ...])``."""

    def __init__(self, feature=None):
        self.feature = list(feature or [])

    def _encode(self):
        return b"".join(_field(1, f._encode()) for f in self.feature)

    def _decode(self, buf):
        self.feature = [Feature.FromString(v) for n, w, v in _fields(buf) if n == 1 and w == 2]

    def _key(self):
        return tuple(f._key() for f in self.feature)

    def __repr__(self):
        return f"FeatureList(feature={self.feature!r})"


class FeatureLists(_MessageMap):
    """A map from sequence feature name to FeatureList."""

    _attr, _value_type = "feature_list", FeatureList

    def __init__(self, feature_list=None):
        self.feature_list = dict(feature_list or {})


class SequenceExample(_Message):
    """Context features plus per-step feature lists: ``SequenceExample(context=Features(...),
    feature_lists=FeatureLists(...))``."""

    def __init__(self, context=None, feature_lists=None):
        self.context = context if context is not None else Features()
        self.feature_lists = feature_lists if feature_lists is not None else FeatureLists()

    def _encode(self):
        out = b""
        if self.context.feature:
            out += _field(1, self.context._encode())
        if self.feature_lists.feature_list:
            out += _field(2, self.feature_lists._encode())
        return out

    def _decode(self, buf):
        for number, wire, value in _fields(buf):
            if number == 1 and wire == 2:
                self.context = Features.FromString(value)
            elif number == 2 and wire == 2:
                self.feature_lists = FeatureLists.FromString(value)

    def _key(self):
        return self.context._key(), self.feature_lists._key()

    def __repr__(self):
        return f"SequenceExample(context={self.context!r}, feature_lists={self.feature_lists!r})"
