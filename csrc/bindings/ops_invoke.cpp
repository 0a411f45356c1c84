// Test-only bindings of the op layer's replay interface: an observer that records every outermost op with its
// typed attributes, invoke() to re-run a recorded (op, inputs, attrs), and the attributes' serialised form.
// tests/test_invoke.py and tests/test_attr_fields.py drive them.
#include <pybind11/stl.h>

#include "../autograd/tape.h"
#include "../graph/serialize.h"
#include "../ops/invoke.h"
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

namespace {

/** One observed op call. */
struct RecordedCall {
  OpId op;
  std::vector<Tensor> inputs, outputs;
  Attrs attrs;
};

/** Records every outermost op this thread runs between enter() and exit(). */
class OpRecorder : public autograd::OpObserver {
 public:
  void on_op(OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
             const Attrs& attrs, const std::vector<Tensor>&) override {
    calls_.push_back({op, inputs, outputs, attrs});
  }
  void enter() {
    previous_ = autograd::thread_state().observer;
    autograd::thread_state().observer = this;
  }
  void exit() { autograd::thread_state().observer = previous_; }
  const std::vector<RecordedCall>& calls() const { return calls_; }

 private:
  autograd::OpObserver* previous_ = nullptr;
  std::vector<RecordedCall> calls_;
};

/** Attrs as an opaque Python object (pybind11's std::variant caster would convert them instead). */
struct OpAttrs {
  Attrs attrs;
};

}  // namespace

OpId registry_op(const std::string& name) {
  if (name == "conv2d_transpose") return OpId::conv2d_backprop_input;
  if (name == "max_pool_with_argmax") return OpId::max_pool2d;
  for (const OpDef& d : op_registry())
    if (name == d.name) return static_cast<OpId>(&d - op_registry().data());
  throw InvalidArgument(str_cat("no registry op named '", name, "'"));
}

void bind_invoke(py::module_& m) {
  py::class_<OpAttrs>(m, "_OpAttrs", "An op's typed attributes, as a recorded node holds them (opaque).")
      .def_property_readonly("name", [](const OpAttrs& a) { return std::string(attrs_name(a.attrs)); })
      .def("_serialize", [](const OpAttrs& a) { return py::bytes(graph::serialize_attrs(a.attrs)); },
           "The attributes as a saved graph's node holds them (struct name, then fields).");
  py::class_<OpRecorder>(m, "_OpRecorder", "Records every outermost registry op run while entered (tests only).")
      .def(py::init<>())
      .def("__enter__", [](OpRecorder& r) -> OpRecorder& { r.enter(); return r; },
           py::return_value_policy::reference_internal)
      .def("__exit__", [](OpRecorder& r, py::args) { r.exit(); })
      .def_property_readonly("calls", [](const OpRecorder& r) {
        py::list out;
        for (const RecordedCall& c : r.calls())
          out.append(py::make_tuple(op_def(c.op).name, c.inputs, c.outputs, OpAttrs{c.attrs}));
        return out;
      }, "(op name, inputs, outputs, attrs) of each recorded call, in order.");
  m.def("_invoke", [](const std::string& op, const std::vector<Tensor>& inputs, const OpAttrs& attrs) {
    return ops::invoke(registry_op(op), inputs, attrs.attrs);
  }, py::arg("op"), py::arg("inputs"), py::arg("attrs"), "Runs registry op `op` from a recorded node's parts.");
  m.def("_deserialize_attrs", [](const std::string& op, const py::bytes& data) {
    return OpAttrs{graph::deserialize_attrs(registry_op(op), std::string(data))};
  }, py::arg("op"), py::arg("data"), "Registry op `op`'s attributes from _OpAttrs._serialize's bytes (checked).");
}

}  // namespace pt::bind
