// Bindings of the pytensor.io helpers.
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_io(py::module_& m) { (void)m; }

}  // namespace pt::bind
