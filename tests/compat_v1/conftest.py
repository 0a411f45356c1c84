"""Each test starts with eager execution on, an empty default graph and no default session."""
import pytest

import pytensor.compat.v1 as tf
from pytensor.compat.v1 import _session


@pytest.fixture(autouse=True)
def fresh_tf1_state():
    tf.enable_eager_execution()
    tf.reset_default_graph()
    yield
    _session._clear_default_session()
    tf.enable_eager_execution()
    tf.reset_default_graph()
