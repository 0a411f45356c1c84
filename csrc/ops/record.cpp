// The op layer's recording seam (record.h): thread state, observer reports, recording on the active tapes.
#include "record.h"

namespace pt::autograd {

ThreadState& thread_state() {
  thread_local ThreadState state;
  return state;
}

GradFormula gradient_formula(OpId op) { return op_def(op).grad; }

bool is_tracked(const Tensor& t) {
  // A graph node traced with saved tensors (max_pool2d's argmax) must save them on every run: its gradient node
  // reads them, though no tape tracks the executor's inputs.
  if (thread_state().saving_for_graph) return true;
  for (TapeRecorder* tape : thread_state().tapes)
    if (!tape->paused() && tape->tracks(t.id())) return true;
  return false;
}

bool is_tracked_any(const std::vector<Tensor>& ts) {
  for (const Tensor& t : ts)
    if (is_tracked(t)) return true;
  return false;
}

namespace {
/**
 * Adds a node (op, inputs, ...) to every active, unpaused tape that tracks one of its inputs, in one pass over the
 * tapes; the node is built (`make`, moving the caller's vectors) only when a first tape takes it.
 */
template <class Make>
void add_to_tapes(const ThreadState& state, const std::vector<Tensor>& inputs, Make make) {
  std::shared_ptr<Node> node;
  for (TapeRecorder* tape : state.tapes) {
    if (tape->paused()) continue;
    for (const Tensor& in : node ? node->inputs : inputs) {
      if (tape->tracks(in.id())) {
        if (!node) node = make();
        tape->add_node(node);
        break;
      }
    }
  }
}
}  // namespace

void record(OpId op, std::vector<Tensor> inputs, std::vector<Tensor> outputs, Attrs attrs, std::vector<Tensor> saved) {
  check_attrs_type(op, attrs);
  const ThreadState& state = thread_state();
  if (state.observer) state.observer->on_op(op, inputs, outputs, attrs, saved);
  // Non-differentiable ops pass no gradient: not recording them has the same effect, for free.
  if (state.tapes.empty() || state.suspended || !op_def(op).differentiable) return;
  add_to_tapes(state, inputs, [&] {
    return std::make_shared<Node>(
        Node{op, std::move(inputs), std::move(outputs), std::move(attrs), std::move(saved), nullptr, {}});
  });
}

void record_custom(std::vector<Tensor> inputs, std::vector<Tensor> outputs,
                   std::function<std::vector<Tensor>(const std::vector<Tensor>&)> grad) {
  add_to_tapes(thread_state(), inputs, [&] {
    return std::make_shared<Node>(
        Node{OpId::identity, std::move(inputs), std::move(outputs), attrs::None{}, {}, std::move(grad), {}});
  });
}

}  // namespace pt::autograd
