// Adapters of the nn family (softmax's axis=None, dropout's noise shape); the rest is generated.
#include "op_binder.h"

namespace pt::bind {

void bind_nn(py::module_&) {
  add_adapter({OpId::softmax, OpId::log_softmax}, {"axis"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Axis>(c.op, a).axis = c.arg(0).is_none() ? -1 : int_arg(c.arg(0), c.name(), "axis");
  });
  add_adapter({OpId::dropout}, {"noise_shape"}, [](const AdapterContext& c, Attrs& a) {
    auto& d = attrs_as<attrs::Dropout>(c.op, a);
    d.noise_shape = c.arg(0).is_none() ? c.inputs[0].shape() : shape_from_py(c.arg(0), c.name());
  });
}

}  // namespace pt::bind
