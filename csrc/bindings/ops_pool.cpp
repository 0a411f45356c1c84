// Bindings of the pool family.
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_pool(py::module_& m) { (void)m; }

}  // namespace pt::bind
