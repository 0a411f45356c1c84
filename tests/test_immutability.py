"""Tensors are immutable as in TensorFlow: every way numpy (or another library) can see a tensor's memory is
read-only, views of those views too; a Variable's numpy() is an independent, writeable copy."""
import numpy as np
import pytest

import pytensor as pt


def _views(t):
    """Every read-only export of `t` as a numpy array, by name."""
    return {
        "numpy": t.numpy(),
        "asarray": np.asarray(t),
        "buffer": np.asarray(memoryview(t)),
        "dlpack": np.from_dlpack(t),
    }


@pytest.mark.parametrize("export", ["numpy", "asarray", "buffer", "dlpack"])
def test_exports_are_read_only_views(export):
    t = pt.constant([1.0, 2.0, 3.0])
    arr = _views(t)[export]
    assert not arr.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        arr *= 10
    with pytest.raises(ValueError):
        arr.setflags(write=True)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0, 3.0])  # the example: the tensor is unchanged


def test_views_share_memory_without_copying():
    t = pt.reshape(pt.range(12, dtype=pt.float32), (3, 4))
    arr = t.numpy()
    assert arr.ctypes.data == t._data_ptr()
    assert np.from_dlpack(t).ctypes.data == t._data_ptr()


@pytest.mark.parametrize("make_view", [
    lambda a: a[1:],
    lambda a: a.T,
    lambda a: a.reshape(-1),
    lambda a: a[:, ::2][1:],
    lambda a: np.asarray(a)[0],
    lambda a: a.view(np.int32),
])
def test_views_of_views_stay_read_only(make_view):
    t = pt.reshape(pt.range(12, dtype=pt.float32), (3, 4))
    view = make_view(t.numpy())
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[...] = 0
    with pytest.raises(ValueError):
        view.setflags(write=True)
    np.testing.assert_array_equal(t.numpy(), np.arange(12, dtype=np.float32).reshape(3, 4))


def test_views_of_tensor_views_are_read_only():
    # A tensor that is itself a strided view (transpose, slice, broadcast) of another tensor's memory.
    base = pt.reshape(pt.range(6, dtype=pt.float32), (2, 3))
    for t in (pt.transpose(base), base[:, 1:], pt.broadcast_to(base[0], (4, 3))):
        for name, arr in _views(t).items():
            assert not arr.flags.writeable, name
    np.testing.assert_array_equal(base.numpy(), np.arange(6, dtype=np.float32).reshape(2, 3))


def test_memoryview_is_read_only():
    mv = memoryview(pt.constant([1, 2, 3]))
    assert mv.readonly
    with pytest.raises(TypeError):
        mv[0] = 5


def test_dlpack_copy_request_gives_an_independent_writeable_array():
    t = pt.constant([1.0, 2.0])
    arr = np.from_dlpack(t, copy=True)
    assert arr.flags.writeable
    arr[0] = 9.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_legacy_dlpack_capsule_round_trips():
    t = pt.constant([[1, 2], [3, 4]])
    back = pt._core.from_dlpack(pt._core.to_dlpack(t))
    np.testing.assert_array_equal(back.numpy(), [[1, 2], [3, 4]])
    back_versioned = pt._core.from_dlpack(t)
    np.testing.assert_array_equal(back_versioned.numpy(), [[1, 2], [3, 4]])


def test_item_assignment_still_raises_type_error():
    with pytest.raises(TypeError, match="immutable"):
        pt.constant([1.0])[0] = 2.0


def test_variable_numpy_is_an_independent_writeable_copy():
    v = pt.Variable([1.0, 2.0, 3.0])
    arr = v.numpy()
    assert arr.flags.writeable
    arr *= 10
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0])
    v.assign([4.0, 5.0, 6.0])
    np.testing.assert_array_equal(arr, [10.0, 20.0, 30.0])  # not a view of the variable either
    held = np.asarray(v)
    assert held.flags.writeable
    v.assign_add([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(held, [4.0, 5.0, 6.0])


def test_a_variable_read_is_an_immutable_tensor():
    v = pt.Variable([1.0, 2.0])
    value = v.read_value()
    assert not value.numpy().flags.writeable
    v.assign([7.0, 8.0])
    np.testing.assert_array_equal(value.numpy(), [1.0, 2.0])  # assign never writes into an earlier read
