// Bindings of the activation family (tf.nn names; hard_sigmoid and erf for keras.activations / tf.math).
#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {
using UnaryFn = Tensor (*)(const Tensor&);

/** Binds fn(features, name=None) under `name`, documented by the op table (ops/op_docs.h). */
void def_unary(py::module_& m, const char* name, UnaryFn fn, const char* arg = "features") {
  m.def(name, [fn, name](py::handle x, py::handle) { return fn(to_tensor(x, std::nullopt, name)); }, py::arg(arg),
        py::arg("name") = py::none(), op_doc(name));
}
}  // namespace

void bind_activation(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  def_unary(m, "relu6", ops::relu6);
  def_unary(m, "elu", ops::elu);
  def_unary(m, "selu", ops::selu);
  def_unary(m, "softplus", ops::softplus);
  def_unary(m, "softsign", ops::softsign);
  def_unary(m, "hard_sigmoid", ops::hard_sigmoid, "x");
  def_unary(m, "erf", ops::erf, "x");
  m.def("leaky_relu",
        [](py::handle x, double alpha, py::handle) { return ops::leaky_relu(to_tensor(x, std::nullopt, "leaky_relu"), alpha); },
        py::arg("features"), py::arg("alpha") = 0.2, py::arg("name") = py::none(), op_doc("leaky_relu"));
  m.def("gelu",
        [](py::handle x, bool approximate, py::handle) {
          return ops::gelu(to_tensor(x, std::nullopt, "gelu"), approximate);
        },
        py::arg("features"), py::arg("approximate") = false, py::arg("name") = py::none(), op_doc("gelu"));
  m.def("silu",
        [](py::handle x, double beta, py::handle) { return ops::silu(to_tensor(x, std::nullopt, "silu"), beta); },
        py::arg("features"), py::arg("beta") = 1.0, py::arg("name") = py::none(), op_doc("silu"));
  docs.enable_function_signatures();  // internal kernels the Python layer calls
  m.def("relu_grad",
        [](py::handle gradients, py::handle features, py::handle) {
          Tensor x = to_tensor(features, std::nullopt, "relu_grad");
          return ops::relu_grad(to_tensor(gradients, x.dtype(), "relu_grad"), x);
        },
        py::arg("gradients"), py::arg("features"), py::arg("name") = py::none());
  m.def("bias_add_relu",
        [](py::handle value, py::handle bias, py::handle) {
          Tensor v = to_tensor(value, std::nullopt, "bias_add_relu");
          return ops::bias_add_relu(v, to_tensor(bias, v.dtype(), "bias_add_relu"));
        },
        py::arg("value"), py::arg("bias"), py::arg("name") = py::none());
}

}  // namespace pt::bind
