"""model.summary() prints Keras 3's text exactly (recorded from Keras 3 by fixtures/record_summary.py over the
models of fixtures/summary_cases.py, at an 80-column terminal)."""
import json
import os
import sys

import pytest

from pytensor import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
sys.path.insert(0, FIXTURES)
from summary_cases import CASES, summary_text  # noqa: E402

with open(os.path.join(FIXTURES, "summary_keras3.json"), encoding="utf-8") as _f:
    RECORDED = json.load(_f)


@pytest.mark.parametrize("case", sorted(CASES))
def test_summary_text_equals_keras(case, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(RECORDED["columns"]))
    assert summary_text(keras, case) == RECORDED["summaries"][case]


def test_summary_prints_to_stdout_without_print_fn(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.summary()
    out = capsys.readouterr().out
    assert out.startswith('Model: "sequential"\n┏') and out.endswith(" Non-trainable params: 0 (0.00 B)\n")
    assert "│ dense (Dense)                   │ (None, 2)              │             8 │" in out


def test_summary_layer_range_and_narrow_lines(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="a"), keras.layers.Dense(1, name="b")])
    texts = []
    model.summary(print_fn=texts.append, layer_range=("b", "b"))
    assert "b (Dense)" in texts[0] and "a (Dense)" not in texts[0]
    with pytest.raises(ValueError, match="matches no layer name"):
        model.summary(layer_range=("nope", "b"))
    with pytest.raises(ValueError, match="line_length=8"):
        model.summary(line_length=8)
