// Bindings of the linalg family. (Placeholder: being written.)
#include "bindings.h"
#include "convert.h"

namespace pt::bind {
void bind_linalg(py::module_& m) { (void)m; }
}  // namespace pt::bind
