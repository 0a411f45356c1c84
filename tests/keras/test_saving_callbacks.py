"""ModelCheckpoint and BackupAndRestore: what they write and when, and an interrupted fit resuming bitwise."""
import json
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import callbacks, layers


def _data():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(48, 6)).astype("float32")
    return x, (x[:, :1] * 2.0 - x[:, 1:2]).astype("float32")


def _model():
    pt.random.set_seed(3)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def test_checkpoint_every_epoch_with_template(tmp_path):
    x, y = _data()
    model = _model()
    template = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, shuffle=False,
                        callbacks=[callbacks.ModelCheckpoint(template)])
    names = sorted(os.listdir(tmp_path))
    assert names == [f"ckpt-{e + 1:02d}-{v:.2f}.keras" for e, v in enumerate(history.history["val_loss"])]
    last = keras.models.load_model(tmp_path / names[-1])
    for a, b in zip(last.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_checkpoint_makes_its_folder(tmp_path):
    x, y = _data()
    model = _model()
    path = tmp_path / "training_1" / "cp.weights.h5"  # the save-and-load tutorial's name, folder not made
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(path),
                                                                                            save_weights_only=True)])
    fresh = _model()
    fresh.load_weights(path)
    for a, b in zip(fresh.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_checkpoint_save_best_only_weights(tmp_path):
    x, y = _data()
    model = _model()
    path = tmp_path / "best.weights.h5"
    best = {}

    class Record(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["val_loss"] < best.get("loss", np.inf):
                best.update(loss=logs["val_loss"], weights=self.model.get_weights())
    model.fit(x, y, epochs=6, batch_size=16, validation_split=0.25, verbose=0, shuffle=False,
              callbacks=[callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True,
                                                   monitor="val_loss", mode="min"), Record()])
    restored = _model()
    restored.load_weights(path)
    for a, b in zip(restored.get_weights(), best["weights"]):
        np.testing.assert_array_equal(a, b)


def test_checkpoint_save_freq_in_batches_and_mode_max(tmp_path):
    x, y = _data()
    model = _model()
    seen = []

    class Count(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(len(os.listdir(tmp_path)))
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False,
              callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "b-{epoch}-{batch}.weights.h5"),
                                                   save_weights_only=True, save_freq=2), Count()])
    assert sorted(os.listdir(tmp_path)) == ["b-1-2.weights.h5", "b-2-1.weights.h5", "b-2-3.weights.h5"]
    assert seen == [0, 1, 1, 2, 2, 3]
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_accuracy", save_best_only=True)
    assert checkpoint.mode == "max"


def test_checkpoint_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.ckpt"))
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.keras"), save_weights_only=True)
    callbacks.ModelCheckpoint(str(tmp_path / "cp-{epoch:04d}.ckpt"), save_weights_only=True)  # tf.keras's prefix
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.keras"), save_freq="sometimes")
    with pytest.raises(ValueError, match="mode"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.keras"), mode="largest")
    x, y = _data()
    with pytest.raises(KeyError, match="val_acc"):
        _model().fit(x, y, epochs=1, verbose=0,
                     callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "m-{val_acc}.keras"))])


class Crash(callbacks.Callback):
    """Raises at the end of epoch ``at`` (0-based), as a killed job would stop."""

    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at:
            raise RuntimeError("simulated crash")


@pytest.mark.parametrize("save_freq", ["epoch", 2])
def test_backup_and_restore_resumes_bitwise(tmp_path, save_freq):
    x, y = _data()
    straight = _model()
    straight.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False)
    backup_dir = tmp_path / "backup"
    model = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False,
                  callbacks=[callbacks.BackupAndRestore(backup_dir, save_freq=save_freq), Crash(at=1)])
    weights_files = sorted(set(os.listdir(backup_dir)) - {"training_metadata.json"})
    with open(backup_dir / "training_metadata.json") as f:
        assert len(weights_files) == 1 and json.load(f)["weights"] == weights_files[0]
    # A crash after the next backup's weights were written but before its metadata: a weights file the metadata
    # does not name (here not even a valid one) must be ignored, the named pair restored.
    (backup_dir / "backup-99.weights.h5").write_bytes(b"half-written")
    fresh = _model()  # a new process: new model, same code
    epochs = []

    class Epochs(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            epochs.append(epoch)
    fresh.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False,
              callbacks=[callbacks.BackupAndRestore(backup_dir, save_freq=save_freq), Epochs()])
    if save_freq == "epoch":
        assert epochs == [2, 3]  # epochs 0 and 1 completed before the crash
        assert fresh.optimizer.iterations.numpy() == straight.optimizer.iterations.numpy() == 12
        for a, b in zip(straight.weights, fresh.weights):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    else:
        # Backed up after batch 2 of epoch 1: that epoch is run again in full, from the backed-up weights.
        assert epochs == [1, 2, 3]
    assert not backup_dir.exists()  # deleted once fit completes
