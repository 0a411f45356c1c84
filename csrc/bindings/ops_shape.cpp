// Bindings of the shape family. (Placeholder: being written.)
#include "bindings.h"
#include "convert.h"

namespace pt::bind {
void bind_shape(py::module_& m) { (void)m; }
}  // namespace pt::bind
