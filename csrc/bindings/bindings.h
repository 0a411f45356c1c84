#pragma once
/** One function per binding file; module.cpp calls them all. */
#include <pybind11/pybind11.h>

namespace pt::bind {
/** Tensor, Variable, constant, convert_to_tensor, DLPack. */
void bind_tensor(pybind11::module_& m);
/** Unary, binary, where, cast, clip_by_value. */
void bind_elementwise(pybind11::module_& m);
/** Reductions and arg-reductions. */
void bind_reduce(pybind11::module_& m);
/** matmul. */
void bind_linalg(pybind11::module_& m);
/** Shape and indexing ops. */
void bind_shape(pybind11::module_& m);
/** zeros, ones, fill, eye, range, linspace, *_like. */
void bind_creation(pybind11::module_& m);
/** Random ops. */
void bind_random(pybind11::module_& m);
/** softmax, log_softmax. */
void bind_nn(pybind11::module_& m);
/** Tape, custom gradients, recording control. */
void bind_autograd(pybind11::module_& m);
}  // namespace pt::bind
