// Bindings of the reduce family. (Placeholder: being written.)
#include "bindings.h"
#include "convert.h"

namespace pt::bind {
void bind_reduce(py::module_& m) { (void)m; }
}  // namespace pt::bind
