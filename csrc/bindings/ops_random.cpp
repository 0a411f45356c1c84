// Bindings of the random family. (Placeholder: being written.)
#include "bindings.h"
#include "convert.h"

namespace pt::bind {
void bind_random(py::module_& m) { (void)m; }
}  // namespace pt::bind
