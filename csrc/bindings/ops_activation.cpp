// Bindings of the activation family.
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_activation(py::module_& m) { (void)m; }

}  // namespace pt::bind
