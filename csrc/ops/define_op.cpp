// define_op: family files fill in their registry rows (invoker, gradient, docs, TF modules).
#include "define_op.h"

#include "../core/errors.h"

namespace pt::ops {

const Tensor& Invocation::in(size_t i) const {
  if (i >= inputs.size())
    throw InvalidArgument(str_cat(op_def(op).name, ": invoke needs input ", i, " but got ", inputs.size(),
                                  " input", inputs.size() == 1 ? "" : "s"));
  return inputs[i];
}

OpDef& OpDefinition::row() const { return op_registry()[static_cast<size_t>(op_)]; }

OpDefinition& OpDefinition::invoke(Invoker run) {
  row().invoke = run;
  return *this;
}

OpDefinition& OpDefinition::gradient(GradFormula formula) {
  row().grad = formula;
  return *this;
}

OpDefinition& OpDefinition::doc(const char* signature, const char* summary, const char* args, const char* example,
                                const char* notes) {
  row().doc = OpDoc{row().name, signature, summary, args, example, notes};
  return *this;
}

OpDefinition& OpDefinition::internal(const char* signature, const char* summary) {
  row().doc = OpDoc{row().name, signature, summary, nullptr, nullptr, nullptr};
  return *this;
}

OpDefinition& OpDefinition::exports(const char* modules) {
  row().exports = modules;
  return *this;
}

}  // namespace pt::ops
