#pragma once
/**
 * What a family file defines for each of its registry ops, beside the op's function: how a recorded node runs
 * (the invoker graph executors and replays call), its gradient formula, its Python docstring and the TF modules
 * that export it. With the PT_OP row (op_list.h) and the op's op_db row (tests/op_db/), that is the whole of an op:
 *
 *     define_op(OpId::leaky_relu)
 *         .invoke([](const Invocation& c) -> Outputs { return {leaky_relu(c.in(0), c.attr<attrs::LeakyRelu>().alpha)}; })
 *         .gradient(grad_activation)
 *         .doc("leaky_relu(features, alpha=0.2, name=None)", "Compute the Leaky ReLU activation function.", ...)
 *         .exports("tf.nn");
 *
 * Python binds the op from these (bindings/op_binder.cpp): its arguments from the signature line, converted by its
 * attribute struct's field types, and pytensor's modules export it under the TF modules listed.
 */
#include <vector>

#include "../core/tensor.h"
#include "attrs.h"
#include "op_list.h"

namespace pt::ops {

/** An invoker's result: the op's outputs in order. */
using Outputs = std::vector<Tensor>;

/** A recorded node's parts as an op's invoker reads them. */
struct Invocation {
  OpId op;
  const std::vector<Tensor>& inputs;
  const Attrs& attrs;
  /** Input i; InvalidArgument naming the op when the node has fewer. */
  const Tensor& in(size_t i) const;
  /** The attributes as the op's struct T (invoke has checked the struct against the row). */
  template <class T>
  const T& attr() const {
    return attrs_as<T>(op, attrs);
  }
};

/** Fills in one registry row from its family file, at static initialisation; each setter returns *this. */
class OpDefinition {
 public:
  explicit OpDefinition(OpId op) : op_(op) {}
  /** How invoke() runs the op from a node's inputs and attributes. */
  OpDefinition& invoke(Invoker run);
  /** Its gradient formula, written in public ops. */
  OpDefinition& gradient(GradFormula formula);
  /** Its docstring: TF's signature line, TF's summary, "arg: description" lines, one example, optional notes. */
  OpDefinition& doc(const char* signature, const char* summary, const char* args, const char* example,
                    const char* notes = nullptr);
  /** The docstring of an internal op (bound in pytensor._core for pytensor's own Python; no TF name). */
  OpDefinition& internal(const char* signature, const char* summary);
  /** The TF modules that export the op under its name, space-separated: "tf", "tf.math", "tf.nn"... */
  OpDefinition& exports(const char* modules);

 private:
  OpDef& row() const;
  OpId op_;
};

/** Starts the definition of op's row (see OpDefinition). */
inline OpDefinition define_op(OpId op) { return OpDefinition(op); }

}  // namespace pt::ops
