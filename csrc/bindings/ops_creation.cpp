// Bindings of the creation family. (Placeholder: being written.)
#include "bindings.h"
#include "convert.h"

namespace pt::bind {
void bind_creation(py::module_& m) { (void)m; }
}  // namespace pt::bind
