// Bindings of the nn family (tf.nn.softmax, tf.nn.log_softmax).
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_nn(py::module_& m) {
  m.def("softmax",
        [](py::handle logits, py::handle axis, py::handle) {
          return ops::softmax(to_tensor(logits, std::nullopt, "softmax"), axis.is_none() ? -1 : axis.cast<int64_t>());
        },
        py::arg("logits"), py::arg("axis") = py::none(), py::arg("name") = py::none());
  m.def("log_softmax",
        [](py::handle logits, py::handle axis, py::handle) {
          return ops::log_softmax(to_tensor(logits, std::nullopt, "log_softmax"),
                                  axis.is_none() ? -1 : axis.cast<int64_t>());
        },
        py::arg("logits"), py::arg("axis") = py::none(), py::arg("name") = py::none());
}

}  // namespace pt::bind
