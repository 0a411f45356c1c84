#pragma once
/** One entry point for every registry op: what a graph executor or a replay calls with a recorded node's parts. */
#include <vector>

#include "../core/tensor.h"
#include "attrs.h"
#include "op_list.h"

namespace pt {
class Variable;
}

namespace pt::ops {

/**
 * Runs registry op `op` on `inputs` with `attrs` exactly as its public C++ function does: the same outputs, the same
 * tape recording and observer report. `attrs` must hold the struct op's row names (else TypeError naming the op)
 * with valid values (validate_attrs); `inputs` are the node's tensor inputs in record order (optimizer updates:
 * var, grad, then the present slots, updated on copies and returned as var, slots...).
 */
std::vector<Tensor> invoke(OpId op, const std::vector<Tensor>& inputs, const Attrs& attrs);

/**
 * Runs optimizer update `op` (family optim; defined in optim.cpp) in place on `variables` — the node's inputs as
 * variables, in input order, null at the gradient's position 1 — with gradient `grad` (with `indices`: a row gradient's values), as the eager
 * apply_* call does (graph executors use it where a traced update reads its variables and writes them straight back).
 */
void invoke_update(OpId op, const std::vector<Variable*>& variables, const Tensor& grad, const Attrs& attrs,
                   const Tensor& indices = Tensor());

}  // namespace pt::ops
