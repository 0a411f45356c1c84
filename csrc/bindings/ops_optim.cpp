// Bindings of the optim family (fused optimizer updates).
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_optim(py::module_& m) { (void)m; }

}  // namespace pt::bind
