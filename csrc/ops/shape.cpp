// Shape family. (Placeholder being replaced: every op throws Unimplemented.)
#include "ops.h"
namespace pt::ops {
Tensor reshape(const Tensor&, const Shape&) { throw Unimplemented("reshape: not built yet"); }
Tensor broadcast_to(const Tensor&, const Shape&) { throw Unimplemented("broadcast_to: not built yet"); }
Tensor gather(const Tensor&, const Tensor&, int64_t, int64_t) { throw Unimplemented("gather: not built yet"); }
Tensor strided_slice(const Tensor&, const std::vector<IndexItem>&) { throw Unimplemented("strided_slice: not built yet"); }
Tensor boolean_mask(const Tensor&, const Tensor&, int64_t) { throw Unimplemented("boolean_mask: not built yet"); }
Tensor where_indices(const Tensor&) { throw Unimplemented("where_indices: not built yet"); }
}  // namespace pt::ops
