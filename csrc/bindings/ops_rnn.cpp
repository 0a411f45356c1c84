// Bindings of the fused recurrent ops (internal: keras.layers.LSTM / GRU / SimpleRNN and RNN(stock cell) call them).
#include <string>

#include "../autograd/rnn_grad.h"
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

namespace {

/** A Keras activation name the fused kernels implement, or a ValueError naming the supported ones. */
backend::RnnActivation activation_from_py(const std::string& name, const char* op, const char* what) {
  if (name == "tanh") return backend::RnnActivation::Tanh;
  if (name == "sigmoid") return backend::RnnActivation::Sigmoid;
  if (name == "relu") return backend::RnnActivation::Relu;
  if (name == "linear") return backend::RnnActivation::Linear;
  if (name == "hard_sigmoid") return backend::RnnActivation::HardSigmoid;
  throw InvalidArgument(str_cat(op, ": ", what, " must be one of 'tanh', 'sigmoid', 'relu', 'linear', "
                                "'hard_sigmoid' (the fused kernels' activations); received '", name, "'"));
}

ops::RnnOptions options_from_py(py::handle mask, bool go_backwards, const std::string& activation,
                                const std::string& recurrent_activation, const char* op) {
  ops::RnnOptions o;
  o.activation = activation_from_py(activation, op, "activation");
  o.recurrent_activation = activation_from_py(recurrent_activation, op, "recurrent_activation");
  o.go_backwards = go_backwards;
  if (!mask.is_none()) o.mask = to_tensor(mask, std::nullopt, op);
  return o;
}

py::tuple to_tuple(const std::vector<Tensor>& ts) {
  py::tuple out(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) out[i] = py::cast(ts[i]);
  return out;
}

}  // namespace

void bind_rnn(py::module_& m) {
  autograd::register_rnn_second_order();
  m.def("lstm",
        [](py::handle inputs, py::handle initial_h, py::handle initial_c, py::handle kernel,
           py::handle recurrent_kernel, py::handle bias, py::handle mask, bool go_backwards,
           const std::string& activation, const std::string& recurrent_activation) {
          const char* op = "lstm";
          return to_tuple(ops::lstm(to_tensor(inputs, std::nullopt, op), to_tensor(initial_h, std::nullopt, op),
                                    to_tensor(initial_c, std::nullopt, op), to_tensor(kernel, std::nullopt, op),
                                    to_tensor(recurrent_kernel, std::nullopt, op), to_tensor(bias, std::nullopt, op),
                                    options_from_py(mask, go_backwards, activation, recurrent_activation, op)));
        },
        R"doc(Keras's LSTM over a whole (batch, timesteps, features) sequence in one op.

kernel (features, 4 * units), recurrent_kernel (units, 4 * units) and bias (4 * units,) in Keras's gate order
i, f, c, o; ``mask`` (batch, timesteps) bool: a masked step keeps the states. Returns ``(sequence, h, c)``:
the state h after each step in loop order (reversed with ``go_backwards``), and the final states.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h, c = tf._core.lstm(x, h, h, tf.ones((3, 16)), tf.ones((4, 16)), tf.zeros((16,)))
)doc",
        py::arg("inputs"), py::arg("initial_h"), py::arg("initial_c"), py::arg("kernel"), py::arg("recurrent_kernel"),
        py::arg("bias"), py::arg("mask") = py::none(), py::arg("go_backwards") = false,
        py::arg("activation") = "tanh", py::arg("recurrent_activation") = "sigmoid");
  m.def("gru",
        [](py::handle inputs, py::handle initial_h, py::handle kernel, py::handle recurrent_kernel, py::handle bias,
           bool reset_after, py::handle mask, bool go_backwards, const std::string& activation,
           const std::string& recurrent_activation) {
          const char* op = "gru";
          return to_tuple(ops::gru(to_tensor(inputs, std::nullopt, op), to_tensor(initial_h, std::nullopt, op),
                                   to_tensor(kernel, std::nullopt, op), to_tensor(recurrent_kernel, std::nullopt, op),
                                   to_tensor(bias, std::nullopt, op), reset_after,
                                   options_from_py(mask, go_backwards, activation, recurrent_activation, op)));
        },
        R"doc(Keras's GRU over a whole (batch, timesteps, features) sequence in one op.

Gate order z, r, h; bias (3 * units,), or (2, 3 * units) (input bias, recurrent bias) with ``reset_after``.
Returns ``(sequence, h)``; mask and go_backwards as for ``lstm``.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h = tf._core.gru(x, h, tf.ones((3, 12)), tf.ones((4, 12)), tf.zeros((2, 12)))
)doc",
        py::arg("inputs"), py::arg("initial_h"), py::arg("kernel"), py::arg("recurrent_kernel"), py::arg("bias"),
        py::arg("reset_after") = true, py::arg("mask") = py::none(), py::arg("go_backwards") = false,
        py::arg("activation") = "tanh", py::arg("recurrent_activation") = "sigmoid");
  m.def("simple_rnn",
        [](py::handle inputs, py::handle initial_h, py::handle kernel, py::handle recurrent_kernel, py::handle bias,
           py::handle mask, bool go_backwards, const std::string& activation) {
          const char* op = "simple_rnn";
          return to_tuple(ops::simple_rnn(to_tensor(inputs, std::nullopt, op), to_tensor(initial_h, std::nullopt, op),
                                          to_tensor(kernel, std::nullopt, op),
                                          to_tensor(recurrent_kernel, std::nullopt, op),
                                          to_tensor(bias, std::nullopt, op),
                                          options_from_py(mask, go_backwards, activation, "sigmoid", op)));
        },
        R"doc(Keras's SimpleRNN over a whole (batch, timesteps, features) sequence in one op:
h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias). Returns ``(sequence, h)``.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h = tf._core.simple_rnn(x, h, tf.ones((3, 4)), tf.eye(4), tf.zeros((4,)))
)doc",
        py::arg("inputs"), py::arg("initial_h"), py::arg("kernel"), py::arg("recurrent_kernel"), py::arg("bias"),
        py::arg("mask") = py::none(), py::arg("go_backwards") = false, py::arg("activation") = "tanh");
}

}  // namespace pt::bind
