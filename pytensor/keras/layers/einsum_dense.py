"""Keras EinsumDense layer."""
import re

import numpy as np

import pytensor as pt

from .. import activations, initializers, regularizers
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["EinsumDense"]

_FORMS = "'ab,bc->ac' (every axis named), '...b,bc->...c' (leading axes elided) or 'ab...,bc->ac...' (trailing)"


def analyze_einsum(equation, bias_axes, input_shape, output_shape, layer_name="EinsumDense"):
    """Keras's shapes for ``EinsumDense``: ``(kernel_shape, bias_shape, full_output_shape, input_axes,
    output_axes)``, the last two the kernel axes that contract with the input and that reach the output.

    ``output_shape`` names the output axes after the batch axis (``None`` where an axis is copied from the input
    and unknown); elided axes (``...``) come from the input. The kernel's axis sizes come from the output axis of
    the same letter, else the input's; the bias spans the output from its first ``bias_axes`` letter on, size 1
    on the axes it does not name.

    Raises:
        ValueError: naming the layer for an equation of another form, a kernel axis named nowhere else, an output
            axis with no source, an axis whose input and output sizes differ, or a bias axis not in the output.
    """
    marked = equation.replace("...", "0")
    left = False
    match = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", marked) or \
        re.fullmatch(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", marked)
    if match is None:
        match, left = re.fullmatch(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", marked), True
    if match is None:
        raise ValueError(f"{layer_name}: invalid einsum equation {equation!r}; it must have the form {_FORMS}.")
    input_spec, kernel_spec, output_spec = match.groups()
    input_shape = list(input_shape)
    elided = len(input_shape) - len(input_spec)
    full = [input_shape[0]] + ([output_shape] if isinstance(output_shape, int) else list(output_shape))
    if elided > 0 and left:
        full[1:1] = input_shape[1:elided]
    elif elided > 0:
        full += input_shape[len(input_shape) - elided:]
    input_at = {c: (i + elided - len(input_shape) if left else i) for i, c in enumerate(input_spec)}
    output_at = {c: (i + elided if left else i) for i, c in enumerate(output_spec)}
    for c in input_spec:
        if c in output_at and full[output_at[c]] is not None and full[output_at[c]] != input_shape[input_at[c]]:
            raise ValueError(f"{layer_name}: the input and output shapes differ at shared axis '{c}' of "
                             f"{equation!r}: input {input_shape[input_at[c]]}, output {full[output_at[c]]} "
                             f"(input shape {tuple(input_shape)}, output_shape {output_shape}).")
    for c in output_spec:
        if c not in input_spec and c not in kernel_spec:
            raise ValueError(f"{layer_name}: output axis '{c}' of {equation!r} is in neither the input spec "
                             f"'{input_spec}' nor the kernel spec '{kernel_spec}'.")
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(kernel_spec):
        if c in output_at:
            kernel_shape.append(full[output_at[c]])
            output_axes.append(i)
        elif c in input_at:
            kernel_shape.append(input_shape[input_at[c]])
            input_axes.append(i)
        else:
            raise ValueError(f"{layer_name}: kernel axis '{c}' of {equation!r} is in neither the input spec "
                             f"'{input_spec}' nor the output spec '{output_spec}'; the kernel must be fully "
                             f"specified.")
    if any(d is None for d in kernel_shape):
        raise ValueError(f"{layer_name}: the kernel shape {tuple(kernel_shape)} of {equation!r} has unknown axes "
                         f"(input shape {tuple(input_shape)}, output_shape {output_shape}); give output_shape "
                         f"sizes for the kernel's output axes and a known input size for its input axes.")
    bias_shape = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in output_spec:
                raise ValueError(f"{layer_name}: bias axis '{c}' is not in the output spec '{output_spec}' of "
                                 f"{equation!r}.")
        first = min(output_spec.find(c) for c in bias_axes)
        offset = elided if left else 0
        bias_shape = [full[i + offset] if c in bias_axes else 1 for i, c in enumerate(output_spec) if i >= first]
        if not left:
            bias_shape += [1] * max(elided, 0)
    return kernel_shape, bias_shape, full, input_axes, output_axes


class EinsumDense(Layer):
    """A dense layer of any rank written as an einsum: ``activation(einsum(equation, inputs, kernel) + bias)``.

    The kernel's shape follows from the equation: each kernel letter takes its size from the output axis of that
    letter (``output_shape``, the output's shape without the batch axis) or else from the input. ``bias_axes``
    names the output letters that get a bias. Weights ``kernel`` and ``bias`` have Keras's shapes, so weights
    saved by Keras load.

    Example:
        >>> layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 4), bias_axes="de")
        >>> layer(tf.ones((2, 5, 16))).shape, layer.kernel.shape
        (TensorShape([2, 5, 8, 4]), TensorShape([16, 8, 4]))

    Raises:
        ValueError: for an equation or shapes that do not define a kernel (see ``analyze_einsum``).
    """

    _casts_integer_inputs = True

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        for key in ("lora_rank", "lora_alpha", "quantization_config"):  # in Keras's configs, usually None
            if kwargs.pop(key, None) is not None:
                raise ValueError(f"EinsumDense: `{key}` (LoRA / quantization) is not supported; leave it None.")
        super().__init__(**kwargs)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape, f"EinsumDense layer '{self.name}'")
        self.input_spec = InputSpec(ndim=len(input_shape))
        initializer = self.kernel_initializer
        if isinstance(initializer, initializers.VarianceScaling):
            # As Keras: fans from the kernel's input and output axes, not its last two. The draws are i.i.d., so a
            # (fan_in, fan_out) draw reshaped to the kernel has the right distribution.
            fan_in = int(np.prod([kernel_shape[i] for i in input_axes]))
            fan_out = int(np.prod([kernel_shape[i] for i in output_axes]))

            def initializer(shape, dtype=None, init=self.kernel_initializer):
                return pt.reshape(init((fan_in, fan_out), dtype=dtype), shape)
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape), initializer=initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = (self.add_weight(name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                     if bias_shape is not None else None)

    def call(self, inputs):
        outputs = pt.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(analyze_einsum(self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape,
                                    f"EinsumDense layer '{self.name}'")[2])

    def get_config(self):
        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape, "equation": self.equation,
            "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "bias_constraint": None,
        })
        return config
