// Bindings of the tape (pytensor/gradient_tape.py builds tf.GradientTape on them).
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "../autograd/tape.h"
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

namespace {

autograd::Source to_source(py::handle obj) {
  if (Variable* v = as_variable(obj)) return {Tensor(), v->uid()};
  if (const Tensor* t = as_tensor(obj)) return {*t, 0};
  throw TypeError(str_cat("GradientTape.gradient: a source must be a Tensor or Variable, got ",
                          Py_TYPE(obj.ptr())->tp_name));
}

std::vector<Tensor> tensor_list(py::handle seq, const char* what, bool allow_none) {
  std::vector<Tensor> out;
  for (py::handle item : py::iter(seq)) {  // py::iter keeps each item alive for the body
    if (item.is_none() && allow_none) {
      out.emplace_back();
      continue;
    }
    if (!is_tensor_like(item))
      throw TypeError(str_cat("GradientTape: ", what, " must be Tensors or Variables, got ", Py_TYPE(item.ptr())->tp_name));
    out.push_back(to_tensor(item));
  }
  return out;
}

}  // namespace

void bind_autograd(py::module_& m) {
  py::class_<autograd::Tape>(m, "Tape")
      .def(py::init<bool, bool>(), py::arg("persistent"), py::arg("watch_accessed_variables"))
      .def("push", &autograd::Tape::push)
      .def("pop", &autograd::Tape::pop)
      .def("watch",
           [](autograd::Tape& tape, py::handle obj) {
             if (Variable* v = as_variable(obj)) tape.watch_variable(*v);
             else if (const Tensor* t = as_tensor(obj)) tape.watch(*t);
             else
               throw TypeError(str_cat("GradientTape.watch: expected a Tensor or Variable, got ",
                                       Py_TYPE(obj.ptr())->tp_name, "; convert it with pt.constant first"));
           })
      .def_property("paused", &autograd::Tape::paused, &autograd::Tape::set_paused)
      .def("reset", &autograd::Tape::reset)
      .def_property_readonly("used", &autograd::Tape::used)
      .def_property_readonly("num_nodes", &autograd::Tape::num_nodes)
      .def("watched_variables",
           [](const autograd::Tape& tape) {
             py::list out;
             const auto* tinfo = py::detail::get_type_info(typeid(Variable));
             for (const auto& [uid, ptr] : tape.watched_variables()) {
               py::handle h = py::detail::get_object_handle(ptr, tinfo);
               if (h && instance_value<Variable>(h)->uid() == uid) out.append(h);
             }
             return out;
           })
      .def("gradient",
           [](autograd::Tape& tape, py::handle targets, py::handle sources, py::handle output_grads, bool consume,
              py::handle on_ready, py::handle stops) {
             std::vector<autograd::Source> srcs;
             for (py::handle s : py::reinterpret_borrow<py::sequence>(sources)) srcs.push_back(to_source(s));
             std::vector<Tensor> tgts = tensor_list(targets, "targets", false);
             std::vector<Tensor> ogs = tensor_list(output_grads, "output_gradients", true);
             // A row gradient reaches Python as (values, indices, dense_shape), which gradient_tape.py makes an
             // IndexedSlices.
             std::vector<autograd::RowGradient> rows;
             auto as_object = [&rows](size_t k, const Tensor& g) -> py::object {
               if (g.defined()) return py::cast(g);
               if (k < rows.size() && rows[k].values.defined())
                 return py::make_tuple(rows[k].values, rows[k].indices, py::cast(rows[k].dense_shape));
               return py::none();
             };
             autograd::GradientReadyFn ready;
             if (!on_ready.is_none())  // the sweep runs holding the GIL: the callback is called directly
               ready = [&on_ready, &as_object](size_t index, const Tensor& g) { on_ready(index, as_object(index, g)); };
             std::vector<Tensor> held = stops.is_none() ? std::vector<Tensor>{}
                                                        : tensor_list(stops, "stop_gradients", false);
             std::vector<Tensor> grads = tape.gradient(tgts, srcs, ogs, consume, ready, &rows, held);
             py::list out;
             for (size_t k = 0; k < grads.size(); ++k) out.append(as_object(k, grads[k]));
             return out;
           },
           py::arg("targets"), py::arg("sources"), py::arg("output_gradients"), py::arg("consume"),
           py::arg("on_ready") = py::none(), py::arg("stops") = py::none());

  m.def("record_custom_gradient",
        [](py::sequence inputs, py::sequence outputs, py::function grad_fn) {
          std::vector<Tensor> ins = tensor_list(inputs, "custom_gradient inputs", false);
          std::vector<Tensor> outs = tensor_list(outputs, "custom_gradient outputs", false);
          size_t n_in = ins.size();
          auto grad = [grad_fn, n_in](const std::vector<Tensor>& upstream) {
            py::gil_scoped_acquire gil;
            py::list ups;
            for (const Tensor& g : upstream) ups.append(py::cast(g));
            py::object result = grad_fn(ups);
            std::vector<Tensor> out;
            for (py::handle item : py::iter(result))
              out.push_back(item.is_none() ? Tensor() : to_tensor(item));
            if (out.size() != n_in)
              throw InvalidArgument(str_cat("custom_gradient: grad_fn returned ", out.size(), " gradients for ", n_in,
                                            " inputs"));
            return out;
          };
          autograd::record_custom(std::move(ins), std::move(outs), grad);
        },
        py::arg("inputs"), py::arg("outputs"), py::arg("grad_fn"));
  m.def("suspend_recording", [] { ++autograd::thread_state().suspended; },
        "Stops every tape on this thread from recording until resume_recording().");
  m.def("resume_recording", [] { --autograd::thread_state().suspended; });
  m.def("mark_row_gather", [](py::handle t) { autograd::mark_row_gather(to_tensor(t)); },
        "Tells the active tapes that this tensor is a user's axis-0 gather (tf.gather): the gradient of the source it "
        "gathers from may be rows (IndexedSlices).");
  m.def("is_tracked", [](py::handle t) { return autograd::is_tracked(to_tensor(t)); });
}

}  // namespace pt::bind
