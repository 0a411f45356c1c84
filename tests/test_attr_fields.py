"""One description of every op's attribute fields (PT_ATTR_FIELDS in csrc/ops/attrs.h), used by the generated
bindings and by the graph serializer.

- Every attribute value op_db's samples produce, written and read back through the serializer's field form, gives
  the same bytes again and, replayed through invoke(), bitwise the same outputs as the recorded call (a field
  written but not read, or read in another order, fails here).
- A SavedModel written by the build before the serializer took its fields from PT_ATTR_FIELDS
  (tests/fixtures/attrs_saved_model, made by make_attrs_saved_model.py) still loads and gives its recorded outputs.
- Damaged attribute bytes are an InvalidArgumentError naming what is wrong, never a crash.
"""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import _core
from op_db import NotBuiltError, op_db, to_pt_sample

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "attrs_saved_model")


def _bits(t):
    a = np.ascontiguousarray(t.numpy())
    return a.dtype, a.shape, a.tobytes()


@pytest.mark.parametrize("op", [pytest.param(op, id=op.name) for op in op_db])
def test_attrs_round_trip_through_the_serialized_fields(op):
    rng = np.random.default_rng(0)
    structs = set()
    for dtype in op.dtypes[:1] + op.dtypes[-1:]:
        for sample in op.sample_inputs(dtype, rng):
            args, kwargs = to_pt_sample(sample)
            with _core._OpRecorder() as rec:
                try:
                    op(*args, **kwargs)
                except (NotBuiltError, pt.errors.UnimplementedError) as e:
                    pytest.fail(f"{op.name} not built yet: {e}")
            for name, inputs, outputs, attrs in rec.calls:
                data = attrs._serialize()
                back = _core._deserialize_attrs(name, data)
                assert back.name == attrs.name
                assert back._serialize() == data, f"{name} ({sample.desc}): the fields differ after a round trip"
                structs.add(attrs.name)
                replayed = _core._invoke(name, inputs, back)
                for k, (got, want) in enumerate(zip(replayed, outputs)):
                    assert _bits(got) == _bits(want), \
                        f"{name} ({sample.desc}, {dtype}): output {k} after the round trip differs"
    assert structs, f"{op.name}: no call was recorded"


def test_serialized_fields_hold_the_values():
    """leaky_relu's alpha 0.3 is in the bytes as a float64 after the struct's name (hand-derived layout)."""
    x = pt.constant([1.0, -1.0])
    with _core._OpRecorder() as rec:
        pt.nn.leaky_relu(x, alpha=0.3)
    data = rec.calls[0][3]._serialize()
    assert data == np.uint64(len("LeakyRelu")).tobytes() + b"LeakyRelu" + np.float64(0.3).tobytes()


def test_bad_attribute_bytes_are_errors():
    x, w = pt.ones((1, 4, 4, 1)), pt.ones((2, 2, 1, 1))
    with _core._OpRecorder() as rec:
        pt.nn.conv2d(x, w, strides=1, padding="SAME")
    data = rec.calls[0][3]._serialize()
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"invalid graph data at byte \d+: .*past the end"):
        _core._deserialize_attrs("conv2d", data[:-3])
    with pytest.raises(pt.errors.InvalidArgumentError, match="bytes follow"):
        _core._deserialize_attrs("conv2d", data + b"\0")
    with pytest.raises(TypeError, match="conv2d"):  # a struct of another op
        _core._deserialize_attrs("conv2d", np.uint64(4).tobytes() + b"Cast" + bytes([1]))
    # A padding name the rules reject: validate_attrs runs on load, naming the op and the allowed values.
    bad = data.replace(b"SAME", b"SAMX")
    with pytest.raises(pt.errors.InvalidArgumentError, match="conv2d: padding must be 'VALID', 'SAME'"):
        _core._deserialize_attrs("conv2d", bad)


def test_saved_model_written_before_loads():
    expected = np.load(os.path.join(FIXTURE, "expected.npz"))
    loaded = pt.saved_model.load(FIXTURE)
    out = loaded(pt.constant(expected["x"]))
    assert sorted(out) == ["c", "e", "last", "t"]
    for key, value in out.items():
        np.testing.assert_allclose(value.numpy(), expected[key], rtol=1e-6, atol=1e-6, err_msg=key)
