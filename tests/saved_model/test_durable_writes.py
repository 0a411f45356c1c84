"""Saves are durable: the temporary file is fsynced before it is renamed onto the target, and the folder after."""
import os

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras


def _events(monkeypatch):
    """Records ('fsync', path) and ('replace', source, target) in the order they happen."""
    events = []
    fsync, replace, rename = os.fsync, os.replace, os.rename

    def recording_fsync(fd):
        events.append(("fsync", os.path.realpath(os.readlink(f"/proc/self/fd/{fd}"))))
        return fsync(fd)

    def recording_replace(source, target, **kwargs):
        events.append(("replace", os.path.realpath(source), os.path.realpath(target)))
        return replace(source, target, **kwargs)

    def recording_rename(source, target, **kwargs):
        events.append(("replace", os.path.realpath(source), os.path.realpath(target)))
        return rename(source, target, **kwargs)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    monkeypatch.setattr(os, "rename", recording_rename)
    return events


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name the fsynced descriptors")
@pytest.mark.parametrize("name", ["model.keras", "model.h5", "model.weights.h5"])
def test_model_files_are_fsynced_before_and_after_the_rename(tmp_path, monkeypatch, name):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    target = str(tmp_path / name)
    events = _events(monkeypatch)
    (model.save_weights if name.endswith(".weights.h5") else model.save)(target)
    renames = [e for e in events if e[0] == "replace" and e[2] == os.path.realpath(target)]
    assert len(renames) == 1
    at = events.index(renames[0])
    temporary = renames[0][1]
    assert ("fsync", temporary) in events[:at]  # the data is on disk before the name points at it
    assert ("fsync", os.path.realpath(tmp_path)) in events[at + 1:]  # and the rename itself
    loaded = keras.models.load_model(target) if not name.endswith(".weights.h5") else None
    if loaded is not None:
        np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name the fsynced descriptors")
def test_checkpoint_files_are_fsynced(tmp_path, monkeypatch):
    events = _events(monkeypatch)
    path = tf.train.Checkpoint(v=tf.Variable([1.0])).save(str(tmp_path / "ckpt"))
    renamed = []
    for suffix in (".data-00000-of-00001", ".index"):
        written = os.path.realpath(path + suffix)
        at = next(i for i, e in enumerate(events) if e[0] == "replace" and e[2] == written)
        assert ("fsync", events[at][1]) in events[:at]
        assert ("fsync", os.path.realpath(tmp_path)) in events[at + 1:]
        renamed.append(at)
    assert renamed[0] < renamed[1]  # the index, which makes the checkpoint exist, comes last


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name the fsynced descriptors")
def test_every_file_of_a_saved_model_is_fsynced_before_the_folder_is_renamed(tmp_path, monkeypatch):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    target = os.path.realpath(tmp_path / "export")
    events = _events(monkeypatch)
    model.export(target, verbose=False)
    (at, (_, temporary, _)), = [(i, e) for i, e in enumerate(events) if e[0] == "replace" and e[2] == target]
    synced = {e[1] for e in events[:at] if e[0] == "fsync"}
    written = [os.path.join(root, name)[len(target):] for root, _, names in os.walk(target) for name in names]
    assert "/saved_model.pb" in written and "/variables/variables.index" in written
    assert [path for path in written if temporary + path not in synced] == []
    assert temporary in synced and temporary + "/variables" in synced
    assert ("fsync", os.path.realpath(tmp_path)) in events[at + 1:]
