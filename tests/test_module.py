"""``tf.Module``: names, name scopes, and variables / submodules found through attributes in TF's order.

The expected names and orders were read from TensorFlow 2.21 running the same classes.
"""

import collections

import numpy as np
import pytest

import pytensor as tf


class MyDense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
        self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=False)

    @tf.Module.with_name_scope
    def __call__(self, x):
        self.created_in_call = tf.Variable(1.0, name="v")
        with tf.name_scope("inner") as scope:
            self.inner_scope = scope
        return tf.matmul(x, self.w) + self.b


class Seq(tf.Module):
    def __init__(self):
        super().__init__()
        self.layers = [MyDense(2, 3, name="d1"), {"z": MyDense(3, 2, name="d2"),
                                                   "a": (tf.Variable(2.0, name="t"),)}]
        self.aa = MyDense(2, 1, name="d0")
        self.aa.child = MyDense(1, 1, name="grand")


class CamelCaseHTTPModule(tf.Module):
    pass


def test_name_defaults_to_snake_case_class_name_and_is_validated():
    assert MyDense(2, 3).name == "my_dense"
    assert CamelCaseHTTPModule().name == "camel_case_http_module"
    assert tf.Module().name == "module"
    assert MyDense(1, 1, name="custom").name == "custom"
    with pytest.raises(ValueError, match="'1bad' is not a valid module name"):
        tf.Module(name="1bad")


def test_with_name_scope_names_variables_made_in_the_method():
    layer = MyDense(2, 3)
    assert layer.w.name == "w:0"  # made in __init__, outside the module's scope (as TF)
    out = layer(tf.ones([1, 2]))
    np.testing.assert_array_equal(out.numpy(), [[2.0, 2.0, 2.0]])
    assert layer.created_in_call.name == "my_dense/v:0"
    assert layer.inner_scope == "my_dense/inner/"
    assert layer.name_scope.name == "my_dense/"
    with layer.name_scope:
        assert tf.Variable(1.0, name="q").name == "my_dense/q:0"


def test_module_scope_is_fixed_where_the_module_is_made():
    with tf.name_scope("outer"):
        layer = MyDense(1, 1)
    assert layer.name_scope.name == "outer/my_dense/"
    layer(tf.ones([1, 1]))
    assert layer.created_in_call.name == "outer/my_dense/v:0"


def test_variables_and_submodules_in_tf_order():
    model = Seq()
    assert model.name == "seq"
    assert [m.name for m in model.submodules] == ["d0", "d1", "d2", "grand"]
    # model's own attributes by sorted name, then each submodule's in the order found, recursively
    expected_owners = ["seq", "d0", "d0", "grand", "grand", "d1", "d1", "d2", "d2"]
    owners = {id(model.layers[1]["a"][0]): "seq"}
    for m in model.submodules:
        owners[id(m.w)] = owners[id(m.b)] = m.name
    assert [v.name for v in model.variables] == ["t:0", "b:0", "w:0", "b:0", "w:0", "b:0", "w:0", "b:0", "w:0"]
    assert [owners[id(v)] for v in model.variables] == expected_owners
    assert [v.name for v in model.trainable_variables] == ["t:0", "w:0", "w:0", "w:0", "w:0"]
    assert [v.name for v in model.non_trainable_variables] == ["b:0"] * 4
    assert isinstance(model.variables, tuple) and isinstance(model.submodules, tuple)


def test_shared_objects_and_cycles_are_listed_once():
    shared = tf.Variable(1.0, name="shared")
    parent = tf.Module(name="parent")
    parent.child = tf.Module(name="child")
    parent.child.back = parent  # a cycle
    parent.child.v = shared
    parent.v_again = [shared, shared]
    parent.named = collections.namedtuple("Pair", "x y")(shared, tf.Variable(2.0, name="other"))
    assert [v.name for v in parent.variables] == ["shared:0", "other:0"]
    assert [m.name for m in parent.submodules] == ["child"]


def test_training_a_module_with_its_trainable_variables():
    layer = MyDense(2, 1)
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.constant([[1.0], [2.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((layer(x) - y) ** 2)
    # the variable made in the call is an attribute too: `created_in_call` sorts before `w`
    assert [v.name for v in layer.trainable_variables] == ["my_dense/v:0", "w:0"]
    unused, grad_w = tape.gradient(loss, layer.trainable_variables)
    assert unused is None
    # d/dw mean((xw + b - y)^2) = 2/n * x^T (xw + b - y); w = ones, b = 0: residuals 2 and 5
    np.testing.assert_allclose(grad_w.numpy(), (2 / 2) * np.array([[1, 3], [2, 4]]) @ np.array([[2.0], [5.0]]))
    assert layer.trainable_variables[1] is layer.w
