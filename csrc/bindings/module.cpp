// pytensor._core: the extension module.
#include <pybind11/stl.h>

#include "../core/parallel.h"
#include "../graph/capture.h"
#include "../ops/op_list.h"
#include "bindings.h"
#include "convert.h"
#include "op_binder.h"

namespace py = pybind11;
using namespace pt;

namespace {
// Python exception classes (pytensor.errors), installed at import; built-in fallbacks until then.
PyObject* g_invalid_argument = PyExc_ValueError;
PyObject* g_unimplemented = PyExc_NotImplementedError;
PyObject* g_not_found = PyExc_LookupError;
PyObject* g_resource_exhausted = PyExc_MemoryError;
}  // namespace

void bind::translate_core_exception(std::exception_ptr p) {
  // Python code may catch it and go another way: whether an op fails can depend on the sizes a trace runs at.
  if (graph::Capture* c = graph::Capture::active())
    c->note_size_dependence("an op raised an error while tracing (whether it does may depend on the sizes)");
  try {
    if (p) std::rethrow_exception(p);
  } catch (const InvalidArgument& e) {
    PyErr_SetString(g_invalid_argument, e.what());
  } catch (const pt::TypeError& e) {
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const pt::IndexError& e) {
    PyErr_SetString(PyExc_IndexError, e.what());
  } catch (const pt::RuntimeError& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (const Unimplemented& e) {
    PyErr_SetString(g_unimplemented, e.what());
  } catch (const NotFound& e) {
    PyErr_SetString(g_not_found, e.what());
  } catch (const ResourceExhausted& e) {
    PyErr_SetString(g_resource_exhausted, e.what());
  }
}

PYBIND11_MODULE(_core, m) {
  m.doc() = "pytensor's C++ core: tensors, the op registry and its kernels.";

  py::register_exception_translator(&bind::translate_core_exception);

  m.def("_set_error_types", [](py::object invalid_argument, py::object unimplemented, py::object not_found,
                               py::object resource_exhausted) {
    g_invalid_argument = invalid_argument.release().ptr();
    g_unimplemented = unimplemented.release().ptr();
    g_not_found = not_found.release().ptr();
    g_resource_exhausted = resource_exhausted.release().ptr();
  });
  m.def("_set_dtype_objects", &bind::set_dtype_objects);
  m.def("_set_dtype_aliases", &bind::set_dtype_aliases, "Installs the dtype spellings dtype arguments resolve in C++.");
  m.def("_register", &bind::register_object, "Stores a Python object the core calls back (TensorShape, as_dtype, ...).");
  m.def("op_registry", [] {
    py::list rows;
    for (const OpDef& d : op_registry()) {
      py::dict fields;
      const OpId op = static_cast<OpId>(&d - op_registry().data());
      for (auto [field, kind] : bind::attr_parameters(op)) fields[field] = kind;
      rows.append(py::make_tuple(d.name, d.family, d.num_inputs, d.differentiable, d.grad != nullptr, d.attrs, fields,
                                 d.exports));
    }
    return rows;
  }, "The op registry rows: (name, family, num_inputs, differentiable, has_gradient_formula, attribute struct, "
     "{attribute argument: kind}, the TF modules that export it, space-separated).");
  m.def("get_num_threads", &get_num_threads);
  m.def("set_num_threads", &set_num_threads, py::arg("n"));
  m.def("live_bytes", &Storage::live_bytes, "Bytes held by tensors the core allocated.");
  m.def("peak_bytes", &Storage::peak_bytes, "The most live_bytes() reached since reset_peak_bytes().");
  m.def("reset_peak_bytes", &Storage::reset_peak_bytes, "Starts a new peak_bytes() measurement from now.");
  m.attr("cuda_built") = false;  // there is no CUDA backend yet

  bind::bind_tensor(m);
  bind::bind_elementwise(m);
  bind::bind_reduce(m);
  bind::bind_linalg(m);
  bind::bind_shape(m);
  bind::bind_fft(m);
  bind::bind_creation(m);
  bind::bind_random(m);
  bind::bind_nn(m);
  bind::bind_conv(m);
  bind::bind_pool(m);
  bind::bind_rnn(m);
  bind::bind_io(m);
  bind::bind_autograd(m);
  bind::bind_invoke(m);
  bind::bind_graph(m);
  bind::bind_saved_model(m);
  bind::bind_device(m);
  bind::bind_registry_ops(m);  // last: every registry op the family files did not bind by hand
}
