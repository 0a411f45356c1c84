// Bindings of the nn family (tf.nn.softmax, log_softmax, the softmax cross-entropies, dropout).
#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

void bind_nn(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def("softmax",
        [](py::handle logits, py::handle axis, py::handle) {
          return ops::softmax(to_tensor(logits, std::nullopt, "softmax"), axis.is_none() ? -1 : int64_from_py(axis, "softmax", "axis"));
        },
        py::arg("logits"), py::arg("axis") = py::none(), py::arg("name") = py::none(), op_doc("softmax"));
  m.def("log_softmax",
        [](py::handle logits, py::handle axis, py::handle) {
          return ops::log_softmax(to_tensor(logits, std::nullopt, "log_softmax"),
                                  axis.is_none() ? -1 : int64_from_py(axis, "log_softmax", "axis"));
        },
        py::arg("logits"), py::arg("axis") = py::none(), py::arg("name") = py::none(), op_doc("log_softmax"));
  m.def("sparse_softmax_cross_entropy_with_logits",
        [](py::handle labels, py::handle logits, py::handle) {
          constexpr const char* kName = "sparse_softmax_cross_entropy_with_logits";
          return ops::sparse_softmax_cross_entropy_with_logits(to_tensor(labels, std::nullopt, kName),
                                                              to_tensor(logits, std::nullopt, kName));
        },
        py::arg("labels"), py::arg("logits"), py::arg("name") = py::none(),
        op_doc("sparse_softmax_cross_entropy_with_logits"));
  m.def("softmax_cross_entropy_with_logits",
        [](py::handle labels, py::handle logits, int64_t axis, py::handle) {
          constexpr const char* kName = "softmax_cross_entropy_with_logits";
          Tensor x = to_tensor(logits, std::nullopt, kName);
          return ops::softmax_cross_entropy_with_logits(to_tensor(labels, x.dtype(), kName), x, axis);
        },
        py::arg("labels"), py::arg("logits"), py::arg("axis") = -1, py::arg("name") = py::none(),
        op_doc("softmax_cross_entropy_with_logits"));
  docs.enable_function_signatures();  // internal: tf.nn.dropout (pytensor/nn) wraps it
  m.def("dropout",
        [](py::handle x, double rate, py::handle noise_shape, py::handle seed, py::handle) {
          Tensor t = to_tensor(x, std::nullopt, "dropout");
          Shape noise = noise_shape.is_none() ? t.shape() : shape_from_py(noise_shape, "dropout");
          return ops::dropout(t, rate, noise, random_seed_from_py(seed));
        },
        py::arg("x"), py::arg("rate"), py::arg("noise_shape") = py::none(), py::arg("seed") = py::none(),
        py::arg("name") = py::none());
}

}  // namespace pt::bind
