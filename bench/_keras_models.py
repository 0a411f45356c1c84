"""One network as the three kinds of Keras model, for benchmarks that compare them (bench/mnist_mlp.py,
bench/mnist_cnn.py ``--variants``): a Sequential stack, a functional model and a subclassed model, each run with
traced steps (``run_eagerly=False``, Keras's default) or eagerly (``<kind>-eager``)."""

VARIANTS = ("sequential", "functional", "subclassed", "sequential-eager", "functional-eager", "subclassed-eager")


def keras_model(keras, make_layers, input_shape, variant, sequential_input=True):
    """(model, run_eagerly) for `variant`: the layers `make_layers()` gives, on inputs of `input_shape`."""
    kind, _, eager = variant.partition("-")
    layers = make_layers()
    if kind == "sequential":
        model = keras.Sequential(([keras.Input(shape=input_shape)] if sequential_input else []) + layers)
    elif kind == "functional":
        inputs = keras.Input(shape=input_shape)
        x = inputs
        for layer in layers:
            x = layer(x)
        model = keras.Model(inputs, x)
    elif kind == "subclassed":
        class Stack(keras.Model):
            def __init__(self, stack):
                super().__init__()
                self.stack = stack

            def call(self, x, training=None):
                for layer in self.stack:
                    x = layer(x)
                return x
        model = Stack(layers)
    else:
        raise ValueError(f"unknown model variant {variant!r}; choose from {', '.join(VARIANTS)}")
    return model, eager == "eager"
