"""The Keras ``Layer`` base class: lazy building, weights, nested-layer tracking, losses and config."""
import functools
import inspect
import threading

import numpy as np

import pytensor as pt

from .. import backend, initializers, mixed_precision, regularizers
from ..keras_tensor import KerasTensor, Node
from ..variables import is_keras_variable
from .input_spec import assert_input_compatibility

__all__ = ["Layer"]

_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
_BY_NAME = object()  # the default of Layer.__call__'s inputs: they were passed by their name in call()
_ALLOWED_KWARGS = {"input_shape", "input_dim", "batch_input_shape", "batch_size", "weights",
                   "activity_regularizer", "autocast"}
_BOOKKEEPING = frozenset({"_layers", "_own_weights", "_losses", "_regularized", "_initial_weights", "_flat_cache",
                          "_inbound_nodes"})
# Bumped whenever any layer gains or loses a sub-layer: invalidates every cached _flat_layers() list.
_structure_version = [0]
_state = threading.local()


def _call_stack():
    """The stack of ``training`` values of the layer calls in progress on this thread (outermost first)."""
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


def _shape_tuple(shape):
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(None if d is None else int(d) for d in shape)


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in value)


def _shape_leaves(shapes):
    """The shapes in a structure (a shape, or a dict / list / tuple of them)."""
    if _is_shape(shapes):
        return [shapes]
    values = shapes.values() if isinstance(shapes, dict) else shapes
    return [leaf for value in values for leaf in _shape_leaves(value)]


def _marks_built(build):
    """Wraps a subclass's ``build`` so that a user's explicit ``layer.build(shape)`` leaves the layer built (as
    Keras does): the next call then keeps the weights the user set instead of building again."""
    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        self.built = True
        if self._build_shape is None and args:
            shape = args[0]
            self._build_shape = _shape_tuple(shape) if _is_shape(shape) or hasattr(shape, "as_list") else shape
        self._set_initial_weights()
        return result
    wrapper._marks_built = True
    return wrapper


class Layer:
    """Base class of all layers: ``outputs = layer(inputs)`` builds the layer on first use, then runs ``call``.

    Subclasses create weights in ``build(input_shape)`` with :meth:`add_weight` (called once, with the first
    input's shape, batch axis included) and compute in ``call(inputs, training=None, mask=None)``; ``training``
    and ``mask`` are passed only to a ``call`` that accepts them, and ``training`` reaches nested layers.

    Example:
        >>> class SimpleDense(keras.layers.Layer):
        ...     def __init__(self, units):
        ...         super().__init__()
        ...         self.units = units
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        ...     def call(self, inputs):
        ...         return tf.matmul(inputs, self.w)
        >>> SimpleDense(4)(tf.ones((2, 3))).shape
        TensorShape([2, 4])

    Args:
        trainable: whether the layer's weights are updated by training.
        name: the layer's name; default: the snake_case class name made unique (``dense``, ``dense_1``).
        dtype: the weights' and computations' dtype (default ``"float32"``).
        **kwargs: ``input_shape`` / ``input_dim`` / ``batch_input_shape`` / ``batch_size`` (the input shape of
            a model's first layer), ``weights`` (initial values), ``activity_regularizer``.
    """

    # Layers whose computation mixes the inputs with floating weights cast integer and bool inputs (uint8
    # images, bool masks) to the compute dtype; the others keep integer inputs (Embedding's ids, Lambda).
    _casts_integer_inputs = False

    def __new__(cls, *args, **kwargs):
        # The tracking lists exist before __init__ runs: Keras 3 lets a subclass assign attributes (even layers
        # and weights) before calling super().__init__().
        layer = super().__new__(cls)
        object.__setattr__(layer, "_layers", [])
        object.__setattr__(layer, "_own_weights", [])
        object.__setattr__(layer, "_inbound_nodes", [])
        object.__setattr__(layer, "input_spec", None)  # an InputSpec (or a list, one per input) each call checks
        return layer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            cls.build = _marks_built(build)

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        unknown = set(kwargs) - _ALLOWED_KWARGS
        if unknown:
            raise TypeError(f"{type(self).__name__}: unrecognized keyword argument(s) {sorted(unknown)}; allowed "
                            f"besides the layer's own are trainable, name, dtype, {sorted(_ALLOWED_KWARGS)}.")
        self._trainable = bool(trainable)
        self.name = name if name is not None else \
            backend.unique_object_name(backend.to_snake_case(type(self).__name__))
        self._dtype_policy = mixed_precision.as_policy(dtype)
        self._dtype = self._dtype_policy.variable_dtype
        self.built = False
        self.supports_masking = False
        self._losses = []
        self._regularized = []
        self._constraints = {}
        self._build_shape = None
        self._initial_weights = kwargs.get("weights")
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._batch_input_shape = self._batch_shape_from_kwargs(kwargs)
        signature = inspect.signature(self.call)
        params = signature.parameters
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        self._call_takes_training = "training" in params or var_kw
        self._call_takes_mask = "mask" in params or var_kw
        # the name of call's first argument: Keras accepts the inputs by that name (layer(logits=x, targets=y))
        self._call_inputs_name = next((name for name, p in params.items()
                                       if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)), None)
        self._call_training_default = params["training"].default if "training" in params and \
            params["training"].default is not inspect.Parameter.empty else None
        # Layers that define compute_mask may create a mask (Embedding(mask_zero=True)) even from unmasked inputs.
        self._computes_mask = type(self).compute_mask is not Layer.compute_mask

    @staticmethod
    def _batch_shape_from_kwargs(kwargs):
        if kwargs.get("batch_input_shape") is not None:
            return _shape_tuple(kwargs["batch_input_shape"])
        shape = kwargs.get("input_shape")
        if shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs["input_dim"],)
        if shape is None:
            return None
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        return (kwargs.get("batch_size"),) + _shape_tuple(shape)

    # ---- pickling and copying: config and weights travel as the layer's attributes ----
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_flat_cache", None)  # its version stamp belongs to this process; rebuilt on first use
        return state

    # ---- attribute tracking ----
    def __setattr__(self, name, value):
        if name not in _BOOKKEEPING:
            self._track(value)
        object.__setattr__(self, name, value)

    def _set_sublayers(self, layers):
        """Replaces the tracked sub-layers (models that manage their own layer list use this)."""
        self._layers = layers
        _structure_version[0] += 1

    def _track(self, value):
        if isinstance(value, Layer):
            if value is not self and not any(value is l for l in self._layers):
                self._layers.append(value)
                _structure_version[0] += 1
        elif isinstance(value, pt.Variable):
            # Keras 3 tracks only its own variables (add_weight, keras.Variable); a plain tf.Variable attribute
            # stays out of the layer's weights, and so out of fit's updates and saved weights.
            if is_keras_variable(value) and not any(value is w for w in self._own_weights):
                self._own_weights.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, (Layer, pt.Variable)):
                    self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, (Layer, pt.Variable)):
                    self._track(item)

    # ---- properties ----
    @property
    def dtype(self):
        """The weights' dtype name, e.g. ``"float32"``."""
        return self._dtype

    @property
    def dtype_policy(self):
        """The layer's ``DTypePolicy`` (``keras.mixed_precision``)."""
        return self._dtype_policy

    @property
    def compute_dtype(self):
        """The dtype inputs are cast to (floating inputs only) and outputs have."""
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        """The weights' dtype name."""
        return self._dtype

    @property
    def trainable(self):
        """Whether training updates this layer's weights (setting it applies to nested layers too)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    def _flat_layers(self):
        """Nested layers, depth first, each once (cached until any layer's sub-layers change)."""
        cache = self.__dict__.get("_flat_cache")
        if cache is not None and cache[0] == _structure_version[0]:
            return cache[1]
        seen, out = set(), []
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._layers))
        self._flat_cache = (_structure_version[0], out)
        return out

    @property
    def weights(self):
        """All weights: this layer's in creation order, then the nested layers' (each once)."""
        out, seen = [], set()
        for layer in [self] + self._flat_layers():
            for w in layer._own_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self):
        """The weights training updates: trainable variables of trainable layers."""
        if not self.trainable:
            return []
        out, seen = [], set()
        for layer in [self] + [l for l in self._flat_layers() if l.trainable]:
            for w in layer._own_weights:
                if w.trainable and id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def non_trainable_weights(self):
        """Weights training does not update (e.g. BatchNormalization's moving statistics)."""
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def losses(self):
        """Scalar losses: ``add_loss`` values of the last call and weight-regularizer penalties, nested
        layers included. Read inside a GradientTape so the penalties are differentiated."""
        out = []
        for layer in [self] + self._flat_layers():
            out.extend(layer._losses)
            out.extend(regularizer(w) for regularizer, w in layer._regularized)
        return out

    def add_loss(self, loss):
        """Adds a scalar loss (a tensor computed in ``call``) to ``losses`` until the next outermost call."""
        self._losses.append(loss)

    def _clear_losses(self):
        for layer in [self] + self._flat_layers():
            layer._losses.clear()

    @property
    def input_shape(self):
        """The shape the layer was built for (batch axis included)."""
        if self._build_shape is None:
            raise AttributeError(f"Layer '{self.name}' has not been built yet: it has no input shape.")
        return self._build_shape

    def _first_node(self, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on symbolic inputs (keras.Input or a "
                                 f"built model) and thus has no defined {what}. Call it in a functional model, or "
                                 f"give the model's first layer input_shape / start it with keras.Input(shape=...).")
        return self._inbound_nodes[0]

    @property
    def input(self):
        """The symbolic input(s) of the layer's first call in a functional graph (Keras's ``layer.input``).

        Raises:
            AttributeError: if the layer was never called on symbolic inputs.
        """
        node = self._first_node("input")
        return node.args[0] if node.args else node.outputs

    @property
    def output(self):
        """The symbolic output(s) of the layer's first call in a functional graph (Keras's ``layer.output``), e.g.
        for feature extraction: ``keras.Model(model.inputs, [l.output for l in model.layers])``.

        Raises:
            AttributeError: if the layer was never called on symbolic inputs.
        """
        return self._first_node("output").outputs

    @property
    def output_shape(self):
        """The shape(s) of :attr:`output` (batch axis None)."""
        outputs = self.output
        return pt.nest.map_structure(lambda t: t.shape, outputs) if pt.nest.is_nested(outputs) else outputs.shape

    # ---- weights ----
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
                   constraint=None, **kwargs):
        """Creates a weight of this layer and returns it (a pytensor ``Variable``).

        Args:
            name: the weight's name (the Variable is named ``"<layer>/<name>"``).
            shape: its shape (default scalar).
            dtype: default the layer's dtype.
            initializer: name, Initializer or callable; default ``glorot_uniform`` for floats, else zeros.
            regularizer: name, Regularizer or callable; its penalty joins ``losses``.
            trainable: whether training updates it.
            constraint: callable applied to the weight after each optimizer update.
        """
        shape = () if shape is None else tuple(int(d) for d in _shape_tuple(shape))
        dtype = pt.as_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=dtype)
        variable = pt.Variable(value, trainable=bool(trainable), name=f"{self.name}/{name or 'variable'}",
                               dtype=dtype)
        variable._keras_name = name or "variable"
        variable.trainable = bool(trainable)  # Keras's flag, whatever a tf.variable_creator_scope set (Keras 3's)
        variable.constraint = constraint
        self._own_weights.append(variable)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularized.append((regularizer, variable))
        return variable

    def get_weights(self):
        """The weights' values as numpy arrays, in ``weights`` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        """Assigns numpy arrays to the weights, in ``weights`` order.

        Raises:
            ValueError: if the count or a shape differs, naming both.
        """
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"Layer '{self.name}' set_weights: expected {len(params)} arrays "
                             f"(shapes {[tuple(w.shape) for w in params]}), received {len(weights)}.")
        for w, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(w.shape) != value.shape:
                raise ValueError(f"Layer '{self.name}' set_weights: weight '{w.name}' has shape {tuple(w.shape)}, "
                                 f"received an array of shape {value.shape}.")
            w.assign(value.astype(w.dtype.as_numpy_dtype, copy=False))

    # ---- building and calling ----
    def build(self, input_shape):
        """Creates the weights for inputs of ``input_shape``; the base class creates none."""
        self.built = True

    build._builds_by_calling = True  # (Keras's default build: see _maybe_build)

    def call(self, inputs, *args, **kwargs):
        """The layer's computation; the base class returns its inputs."""
        return inputs

    def _maybe_build(self, input_shape):
        if self.built:
            return
        if getattr(type(self).build, "_builds_by_calling", False) and any(not layer.built for layer in self._layers):
            # Keras 3 builds such a layer by running its call on one symbolic tensor per input, which draws
            # KerasTensor names; drawn here too, so later symbolic tensors get Keras's numbers.
            for _ in _shape_leaves(input_shape):
                backend.unique_object_name("keras_tensor")
        self.build(input_shape)
        self.built = True
        self._build_shape = input_shape
        self._set_initial_weights()

    def _set_initial_weights(self):
        """Assigns the constructor's ``weights=`` once the weights exist."""
        if self._initial_weights is not None:
            initial, self._initial_weights = self._initial_weights, None
            self.set_weights(initial)

    def _convert_input(self, x):
        if isinstance(x, pt.Variable):
            return x
        if isinstance(x, pt.SparseTensor):  # sparse inputs stay sparse, their values cast like dense ones
            values = self._convert_input(x.values)
            return x if values is x.values else x._with_values(values)
        if not isinstance(x, pt.Tensor):
            x = pt.convert_to_tensor(np.asarray(x) if not isinstance(x, (int, float)) else x)
        compute = self._dtype_policy.compute_dtype
        if x.dtype.name != compute and compute in _FLOAT_DTYPES and (
                x.dtype.is_floating or (self._casts_integer_inputs and (x.dtype.is_integer or x.dtype.is_bool))):
            x = pt.cast(x, compute)
        return x

    def _autocast_weights(self):
        """Mixed precision (Keras's autocast): while the layer's call runs, each floating weight it holds as an
        attribute reads as a compute-dtype copy (a recorded cast, so its gradient reaches the variable). Returns the
        {attribute: variable} to put back, or None."""
        compute = self._dtype_policy.compute_dtype
        if compute == self._dtype or not self._own_weights:
            return None
        own = {id(w) for w in self._own_weights}
        swapped = {name: value for name, value in self.__dict__.items()
                   if isinstance(value, pt.Variable) and id(value) in own and value.dtype.is_floating}
        for name, variable in swapped.items():
            object.__setattr__(self, name, pt.cast(variable, compute))
        return swapped

    def __call__(self, inputs=_BY_NAME, *args, **kwargs):
        if inputs is _BY_NAME:
            if self._call_inputs_name not in kwargs:
                raise TypeError(f"Layer '{self.name}' was called without inputs: pass them as the first argument, "
                                f"or as {self._call_inputs_name}=... (the first argument of its call()).")
            inputs = kwargs.pop(self._call_inputs_name)
        if pt.nest.is_nested(inputs):
            if any(isinstance(x, KerasTensor) for x in pt.nest.flatten(inputs)):
                return self._symbolic_call(inputs, args, kwargs)
            masks = [getattr(x, "_keras_mask", None) for x in pt.nest.flatten(inputs)]
            input_mask = masks if any(m is not None for m in masks) else None
            inputs = pt.nest.map_structure(self._convert_input, inputs)
        elif isinstance(inputs, KerasTensor):
            return self._symbolic_call(inputs, args, kwargs)
        else:
            input_mask = getattr(inputs, "_keras_mask", None)
            inputs = self._convert_input(inputs)
        if self.input_spec is not None:  # as Keras, on the converted inputs
            assert_input_compatibility(self.input_spec, inputs, self.name)
        # Keras's masks travel on the tensors: a layer's call receives its input's mask, and its outputs carry
        # compute_mask's result.
        if input_mask is not None and self._call_takes_mask and kwargs.get("mask") is None:
            kwargs["mask"] = input_mask
        stack = _call_stack()
        training = kwargs.pop("training", None)
        if training is None and stack:
            training = stack[-1]
        if training is None:
            training = self._call_training_default
        if training is not None and self._call_takes_training:
            kwargs["training"] = training
        if "mask" in kwargs and not self._call_takes_mask:
            kwargs.pop("mask")
        if not stack:
            self._clear_losses()
        if not self.built:
            self._maybe_build(pt.nest.map_structure(lambda t: tuple(t.shape), inputs)
                              if pt.nest.is_nested(inputs) else tuple(inputs.shape))
        stack.append(training)
        swapped = self._autocast_weights()
        try:
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            stack.pop()
            if swapped:
                self.__dict__.update(swapped)
        if self.activity_regularizer is not None:
            for out in pt.nest.flatten(outputs):
                self.add_loss(self.activity_regularizer(out) / float(max(int(out.shape[0]), 1)))
        if input_mask is not None or self._computes_mask:
            self._attach_mask(outputs, self.compute_mask(inputs, kwargs.get("mask", input_mask)))
        return outputs

    @staticmethod
    def _attach_mask(outputs, mask):
        """Sets ``_keras_mask`` on the outputs (one mask per output when there are several)."""
        flat = pt.nest.flatten(outputs)
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask] * len(flat)
        for out, m in zip(flat, masks):
            if isinstance(out, pt.Tensor) and not isinstance(out, pt.Variable):
                out._keras_mask = m

    def _symbolic_call(self, inputs, args, kwargs):
        """Functional API: computes the output shapes and records the call as a Node."""
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, inputs, self.name)
        shapes = pt.nest.map_structure(lambda t: t.shape, inputs) if pt.nest.is_nested(inputs) else inputs.shape
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            self._maybe_build(shapes)
            out_shapes = self.compute_output_shape(shapes)
            dtype = self.compute_dtype
            outputs = self._pack_outputs(out_shapes, lambda s: KerasTensor(s, dtype))
        else:
            outputs = self._symbolic_by_example(inputs, args, kwargs)
        node = Node(self, (inputs,) + tuple(args), dict(kwargs), outputs)
        self._inbound_nodes.append(node)
        for out in pt.nest.flatten(outputs):
            out.node = node
        self._attach_symbolic_mask(inputs, outputs)
        return outputs

    def _attach_symbolic_mask(self, inputs, outputs):
        """Keras 3's ``_keras_mask`` on symbolic outputs: the input's mask KerasTensor passed along, or a new bool
        KerasTensor for a mask the layer computes. compute_mask runs on example values twice (unknown sizes 2,
        then 3); the sizes that follow them are unknown in the mask's shape too."""
        flat_inputs = pt.nest.flatten(inputs)
        masks = [getattr(x, "_keras_mask", None) for x in flat_inputs]
        if not self._computes_mask and not any(m is not None for m in masks):
            return
        results = []
        for size in (2, 3):
            examples = {}

            def example(t, dtype=None):
                value = pt.zeros([size if d is None else d for d in t.shape], dtype=dtype or t.dtype)
                examples[id(value)] = t
                return value
            example_inputs = [example(x) if isinstance(x, KerasTensor) else x for x in flat_inputs]
            example_masks = [None if m is None else example(m, "bool") for m in masks]
            structured = pt.nest.pack_sequence_as(inputs, example_inputs) if pt.nest.is_nested(inputs) \
                else example_inputs[0]
            mask_arg = (example_masks if pt.nest.is_nested(inputs) else example_masks[0]) \
                if any(m is not None for m in masks) else None
            pt._core.suspend_recording()
            try:
                result = self.compute_mask(structured, mask_arg)
            except Exception:  # noqa: BLE001 - a mask compute_mask can't give symbolically: none shown (the
                return         # functional model computes the real masks when it runs)
            finally:
                pt._core.resume_recording()
            results.append((result, examples))
        (first, first_examples), (second, _) = results
        flat_outputs = pt.nest.flatten(outputs)
        firsts = list(first) if isinstance(first, (list, tuple)) else [first] * len(flat_outputs)
        seconds = list(second) if isinstance(second, (list, tuple)) else [second] * len(flat_outputs)
        made = {}
        for out, m2, m3 in zip(flat_outputs, firsts, seconds):
            if m2 is None:
                continue
            if id(m2) in first_examples:  # the input's mask, passed along
                out._keras_mask = first_examples[id(m2)]
                continue
            if id(m2) not in made:
                shape = [a if a == b else None for a, b in zip(m2.shape, m3.shape)]
                made[id(m2)] = KerasTensor(shape, "bool")
            out._keras_mask = made[id(m2)]

    @staticmethod
    def _pack_outputs(out_shapes, make):
        if _is_shape(out_shapes):
            return make(out_shapes)
        return type(out_shapes)(Layer._pack_outputs(s, make) for s in out_shapes) \
            if isinstance(out_shapes, (list, tuple)) else make(_shape_tuple(out_shapes))

    def _symbolic_by_example(self, inputs, args, kwargs):
        """Runs the layer on zeros (unknown sizes as 2) and reads the output shapes, batch axis as None."""
        def example(t):
            if not isinstance(t, KerasTensor):
                return t
            value = pt.zeros([2 if d is None else d for d in t.shape], dtype=t.dtype)
            mask = getattr(t, "_keras_mask", None)
            if mask is not None:  # a layer whose call reads its mask gets one (all steps kept)
                value._keras_mask = pt.ones([2 if d is None else d for d in mask.shape], dtype="bool")
            return value
        unknown_batch = any(isinstance(t, KerasTensor) and t.shape and t.shape[0] is None
                            for t in pt.nest.flatten((inputs, args, kwargs)))
        call_inputs = pt.nest.map_structure(example, inputs) if pt.nest.is_nested(inputs) else example(inputs)
        call_args = [pt.nest.map_structure(example, a) if pt.nest.is_nested(a) else example(a) for a in args]
        call_kwargs = {k: (pt.nest.map_structure(example, v) if pt.nest.is_nested(v) else example(v))
                       for k, v in kwargs.items()}
        pt._core.suspend_recording()
        try:
            outputs = self(call_inputs, *call_args, **call_kwargs)
        finally:
            pt._core.resume_recording()
            self._clear_losses()

        def symbolic(t):
            shape = tuple(t.shape)
            if unknown_batch and shape:
                shape = (None,) + shape[1:]
            return KerasTensor(shape, t.dtype)
        return pt.nest.map_structure(symbolic, outputs) if pt.nest.is_nested(outputs) else symbolic(outputs)

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``; the base class runs the layer on zeros to find it."""
        def as_tensor(shape):
            return KerasTensor(_shape_tuple(shape), self.compute_dtype, name="shape_probe")  # (not numbered)
        example = pt.nest.map_structure(as_tensor, input_shape) if not _is_shape(input_shape) \
            else as_tensor(input_shape)
        outputs = self._symbolic_by_example(example, (), {})
        return pt.nest.map_structure(lambda t: t.shape, outputs) if pt.nest.is_nested(outputs) else outputs.shape

    def compute_mask(self, inputs, mask=None):
        """The output mask: the input mask for layers that support masking, else None."""
        return mask if self.supports_masking else None

    # ---- config ----
    def get_config(self):
        """The constructor arguments as a dict (subclasses add theirs)."""
        policy = self._dtype_policy
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": policy.name if policy.name != policy.variable_dtype else self._dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        """Creates a layer from ``get_config()``'s dict."""
        return cls(**config)

    def count_params(self):
        """The number of scalars in all weights.

        Raises:
            ValueError: if the layer is not built yet.
        """
        if not self.built:
            raise ValueError(f"Layer '{self.name}' is not built yet, so it has no weights to count: call it on "
                             f"data or build it with build(input_shape) first.")
        return int(sum(int(np.prod(tuple(w.shape))) for w in self.weights))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
