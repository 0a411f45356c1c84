#pragma once
/** One function per binding file; module.cpp calls them all. */
#include <pybind11/pybind11.h>

#include "../ops/op_list.h"

namespace pt::bind {
/** The registry op a binding named `name` runs: its own row, or the op it is built on (conv2d_transpose runs
 *  conv2d_backprop_input); InvalidArgument for an unknown name. */
OpId registry_op(const std::string& name);
/** Sets the Python error of the core's exceptions (pytensor.errors classes); rethrows any other. */
void translate_core_exception(std::exception_ptr p);
/** Every registry op the family files did not bind, generated from its row (op_binder.h). */
void bind_registry_ops(pybind11::module_& m);
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
void bind_fft(pybind11::module_& m);
/** zeros, ones, fill, eye, range, linspace, *_like. */
void bind_creation(pybind11::module_& m);
/** Random ops. */
void bind_random(pybind11::module_& m);
/** softmax, log_softmax. */
void bind_nn(pybind11::module_& m);
/** conv1d, conv2d, conv2d_transpose and their backprop ops. */
void bind_conv(pybind11::module_& m);
/** max_pool and avg_pool and their gradients. */
void bind_pool(pybind11::module_& m);
/** The fused recurrent ops (lstm, gru, simple_rnn). */
void bind_rnn(pybind11::module_& m);
/** File-format helpers for pytensor.io / pytensor.data (CRC32C, ...). */
void bind_io(pybind11::module_& m);
/** Tape, custom gradients, recording control. */
void bind_autograd(pybind11::module_& m);
/** Op recording and invoke (tests of the replay interface). */
void bind_invoke(pybind11::module_& m);
/** Graph mode: capture, graphs, executor (pytensor/_function.py). */
void bind_graph(pybind11::module_& m);
/** Graph (de)serialisation for SavedModel directories (pytensor/saved_model). */
void bind_saved_model(pybind11::module_& m);
/** Devices: GPU count and memory, the thread's default device, copies between devices (pytensor/config.py). */
void bind_device(pybind11::module_& m);
}  // namespace pt::bind
