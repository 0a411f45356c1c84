// Reduce family. (Placeholder being replaced: every op throws Unimplemented.)
#include "ops.h"
namespace pt::ops {
Tensor reduce(OpId, const Tensor&, const std::vector<int64_t>&, bool, bool) { throw Unimplemented("reduce: not built yet"); }
Tensor arg_reduce(OpId, const Tensor&, int64_t, DType) { throw Unimplemented("arg_reduce: not built yet"); }
}  // namespace pt::ops
