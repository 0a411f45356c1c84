// Adapters of the fused recurrent ops (internal: keras.layers.LSTM / GRU / SimpleRNN and RNN(stock cell) call them):
// Keras's activation names, the mask and go_backwards into ops::RnnOptions. The bindings are generated.
#include <string>

#include "../autograd/rnn_grad.h"
#include "bindings.h"
#include "op_binder.h"

namespace pt::bind {

namespace {

/** A Keras activation name the fused kernels implement, or a ValueError naming the supported ones. */
backend::RnnActivation activation_from_py(py::handle obj, const char* op, const char* what) {
  const std::string name = py::cast<std::string>(obj);
  if (name == "tanh") return backend::RnnActivation::Tanh;
  if (name == "sigmoid") return backend::RnnActivation::Sigmoid;
  if (name == "relu") return backend::RnnActivation::Relu;
  if (name == "linear") return backend::RnnActivation::Linear;
  if (name == "hard_sigmoid") return backend::RnnActivation::HardSigmoid;
  throw InvalidArgument(str_cat(op, ": ", what, " must be one of 'tanh', 'sigmoid', 'relu', 'linear', "
                                "'hard_sigmoid' (the fused kernels' activations); received '", name, "'"));
}

}  // namespace

void bind_rnn(py::module_&) {
  autograd::register_rnn_second_order();
  add_adapter(attrs::Rnn::kName, {"mask", "go_backwards", "activation"}, [](const AdapterContext& c, Attrs& a) {
    ops::RnnOptions& o = attrs_as<attrs::Rnn>(c.op, a).options;
    if (!c.arg(0).is_none()) o.mask = to_tensor(c.arg(0), std::nullopt, c.name());
    o.go_backwards = c.arg(1).cast<bool>();
    o.activation = activation_from_py(c.arg(2), c.name(), "activation");
  });
  add_adapter({OpId::lstm, OpId::gru}, {"recurrent_activation"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Rnn>(c.op, a).options.recurrent_activation =
        activation_from_py(c.arg(0), c.name(), "recurrent_activation");
  });
}

}  // namespace pt::bind
