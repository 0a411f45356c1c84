// invoke(): every registry op from (op, inputs, attrs), through the invoker its family file defined (define_op).
#include "invoke.h"

#include <cstring>

#include "define_op.h"

namespace pt::ops {

std::vector<Tensor> invoke(OpId op, const std::vector<Tensor>& inputs, const Attrs& attrs) {
  validate_attrs(op, attrs);  // checks the struct's type first
  const OpDef& def = op_def(op);
  if (def.num_inputs >= 0 && std::strcmp(def.family, "optim") != 0 && inputs.size() != static_cast<size_t>(def.num_inputs))
    throw InvalidArgument(str_cat(def.name, ": invoke expects ", def.num_inputs, " input tensors, got ", inputs.size()));
  if (!def.invoke) throw InvalidArgument(str_cat(def.name, ": its family file defines no invoker (define_op)"));
  return def.invoke(Invocation{op, inputs, attrs});
}

}  // namespace pt::ops
