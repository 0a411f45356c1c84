"""tf.saved_model.load of SavedModels written by real TensorFlow (Keras 3's model.export of the seeds' MLP and
CNN, fixtures/make_tf_fixtures.py): the serving signature and the serve endpoint predict what Keras predicted."""
import os
import shutil

import numpy as np
import pytest

import pytensor as tf
from pytensor.saved_model import _tf_load

from test_tensorflow_files import (FIXTURES, _inputs, cnn_with_batch_normalization, functional_residual, seeds_cnn,
                                   seeds_mlp)

EXPECTED = np.load(os.path.join(FIXTURES, "expected.npz"))
CASES = [("keras_mlp", 4, 4), ("keras_cnn", 6, 6), ("keras_cnn_bn", 8, 6)]  # (name, variables, trainable ones)


@pytest.mark.parametrize("name, weights, trainable", CASES)
def test_keras_exports_predict_what_keras_predicted(name, weights, trainable):
    loaded = tf.saved_model.load(os.path.join(FIXTURES, name))
    x, expected = EXPECTED["x_" + name[6:]], EXPECTED["y_" + name[6:]]
    serving = loaded.signatures["serving_default"]
    (input_name, spec), = serving.structured_input_signature[1].items()
    assert input_name.startswith("keras_tensor") and spec.shape.as_list() == [None, *x.shape[1:]]
    by_name = serving(**{input_name: tf.constant(x)})
    assert list(by_name) == ["output_0"]
    np.testing.assert_allclose(by_name["output_0"].numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(serving(tf.constant(x))["output_0"].numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loaded.serve(x.astype("float64")).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert len(loaded.variables) == weights and len(loaded.trainable_variables) == trainable
    with pytest.raises(TypeError, match="missing"):
        serving(other=tf.constant(x))


def test_an_unknown_op_is_named(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(os.path.join(FIXTURES, "keras_mlp"), folder)
    data = (folder / "saved_model.pb").read_bytes()
    (folder / "saved_model.pb").write_bytes(data.replace(b"Relu", b"Relx"))  # same length: still a valid message
    with pytest.raises(NotImplementedError, match=r"TensorFlow op 'Relx' \(node '.*Relx'.*is not supported"):
        tf.saved_model.load(folder)


def test_damaged_tensorflow_savedmodels_name_the_file(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(os.path.join(FIXTURES, "keras_cnn"), folder)
    data = (folder / "saved_model.pb").read_bytes()
    (folder / "saved_model.pb").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"saved_model\.pb: cannot be loaded"):
        tf.saved_model.load(folder)
    (folder / "saved_model.pb").write_bytes(data)
    values = folder / "variables" / "variables.data-00000-of-00001"
    damaged = bytearray(values.read_bytes())
    damaged[-3] ^= 1
    values.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"data-00000-of-00001: tensor .* does not match its CRC-32C"):
        tf.saved_model.load(folder)
    with pytest.raises(ValueError, match=r"no MetaGraph tagged \['train'\]"):
        tf.saved_model.load(os.path.join(FIXTURES, "keras_cnn"), tags=["train"])


@pytest.mark.parametrize("make", [seeds_mlp, seeds_cnn, cnn_with_batch_normalization, functional_residual])
def test_pytensors_saved_model_pb_computes_the_model(tmp_path, make):
    """The TensorFlow graph pytensor writes, run op by op (TF's op semantics, not pytensor's traced graph)."""
    model = make()
    tf.saved_model.save(model, str(tmp_path / "m"))
    x = _inputs(model, batch=5)
    serving = _tf_load.load(str(tmp_path / "m")).signatures["serving_default"]
    out = serving(tf.constant(x))["output_0"].numpy()
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_constants_in_every_encoding_tensorflow_writes():
    from pytensor.saved_model import _protobuf as pb
    from pytensor.saved_model._tensor_bundle import shape_proto

    def tensor(dtype, dims, *fields):
        return _tf_load._tensor(pb.Message(pb.message([pb.varint_field(1, dtype),
                                                       pb.message_field(2, shape_proto(dims)), *fields])))

    packed = pb.bytes_field(5, np.array([1.5, -2.0], "<f4").tobytes())
    np.testing.assert_array_equal(tensor(1, [2], packed), np.array([1.5, -2.0], "float32"))
    # one unpacked float fills the shape (TF writes a splat this way)
    filled = tensor(1, [2, 2], pb.float_field(5, 0.25))
    assert filled.dtype == np.float32 and filled.tolist() == [[0.25, 0.25], [0.25, 0.25]]
    double = tensor(2, [], pb._key(6, 1) + np.array(-0.125, "<f8").tobytes())  # fixed64, unpacked
    assert double.dtype == np.float64 and double == -0.125
    np.testing.assert_array_equal(tensor(3, [3], pb.packed_varints(7, [-1, 0, 7])), np.array([-1, 0, 7], "int32"))
    np.testing.assert_array_equal(tensor(9, [2], pb.packed_varints(10, [2 ** 40, -3])), [2 ** 40, -3])
    content = tensor(1, [2, 1], pb.bytes_field(4, np.array([[3.0], [4.0]], "<f4").tobytes()))
    assert content.shape == (2, 1) and content[1, 0] == 4.0
    assert tensor(7, [2], pb.bytes_field(8, b"a"), pb.bytes_field(8, b"bc")).tolist() == [b"a", b"bc"]


@pytest.mark.parametrize("name", ["keras_mlp", "keras_cnn"])
def test_truncated_or_bit_flipped_saved_model_pb_is_a_clear_error_or_still_runs(tmp_path, name):
    """TensorFlow's saved_model.pb has no checksum: a damaged one either fails with an error naming the file (or the
    op it no longer knows), or still decodes into a runnable graph (a flip in bytes that do not matter) — never an
    exception of another kind."""
    import random

    from pytensor.errors import InvalidArgumentError
    folder = tmp_path / "model"
    shutil.copytree(os.path.join(FIXTURES, name), folder)
    data = (folder / "saved_model.pb").read_bytes()
    x = tf.constant(EXPECTED["x_" + name[6:]])
    rng = random.Random(5)
    for trial in range(60):
        damaged = bytearray(data[: rng.randrange(len(data))] if trial % 2 else data)
        if not trial % 2:
            for _ in range(3):
                damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        (folder / "saved_model.pb").write_bytes(bytes(damaged))
        try:
            serving = tf.saved_model.load(folder).signatures.get("serving_default")
            if serving is not None:
                serving(x)
        except (ValueError, NotImplementedError, InvalidArgumentError) as e:
            assert "saved_model.pb" in str(e) or isinstance(e, InvalidArgumentError), e
