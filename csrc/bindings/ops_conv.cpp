// Bindings of the conv family.
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_conv(py::module_& m) { (void)m; }

}  // namespace pt::bind
