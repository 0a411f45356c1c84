#pragma once
/**
 * The recording seam of the op layer: what a registry op needs to report itself (to a graph-tracing observer) and to
 * record itself on the active tapes, and the gradient-formula lookup. The tapes themselves and the reverse
 * sweep live one layer up, in autograd/ (tape.h), which implements TapeRecorder; the names stay in pt::autograd,
 * where every caller knows them.
 */
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "../core/tensor.h"
#include "attrs.h"
#include "op_list.h"

namespace pt::autograd {

/** One recorded op application. */
struct Node {
  OpId op;
  std::vector<Tensor> inputs;
  std::vector<Tensor> outputs;
  /** The op's complete forward attributes (the struct its registry row names). */
  Attrs attrs;
  /** Tensors the forward computed for the gradient only (max_pool2d's argmax, dropout's mask, ...). */
  std::vector<Tensor> saved;
  /** custom_gradient: upstream gradients -> input gradients (replaces the registry formula). */
  std::function<std::vector<Tensor>(const std::vector<Tensor>&)> custom_grad;
  /** Set by the sweep before calling the formula: which inputs need a gradient (formulas may skip the rest). */
  mutable std::vector<char> wants_grad;
  /** True when input i needs a gradient in the current sweep (true outside a sweep). */
  bool wants(size_t i) const { return i >= wants_grad.size() || wants_grad[i]; }
  /** The attributes as the op's struct T (a TypeError naming the op when they are another struct). */
  template <class T>
  const T& attr() const { return attrs_as<T>(op, attrs); }
};

/**
 * Sees every outermost registry op as it completes (graph tracing): set ThreadState::observer. Ops called inside
 * another op, or inside on_op, are not reported.
 */
class OpObserver {
 public:
  virtual ~OpObserver() = default;
  /**
   * Op `op` ran on `inputs` with `attrs` and returned `outputs` (invoke(op, inputs, attrs) re-runs it); `saved` are
   * the tensors it computed for its gradient only (a traced graph keeps them as extra outputs of the node).
   */
  virtual void on_op(OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
                     const Attrs& attrs, const std::vector<Tensor>& saved) = 0;
};

/** The formula of op, or null. */
::pt::GradFormula gradient_formula(OpId op);

/**
 * What an op records on: a tape, as the op layer sees it. autograd's Tape implements it, so ops record themselves
 * without including the layer above them (the tapes are injected through ThreadState, as Variable's hooks are).
 */
class TapeRecorder {
 public:
  virtual ~TapeRecorder() = default;
  /** True while recording is paused (tape.stop_recording()). */
  virtual bool paused() const = 0;
  /** True when the tape tracks the tensor with this id. */
  virtual bool tracks(const TensorImpl* id) const = 0;
  /** Appends a node whose inputs the tape tracks. */
  virtual void add_node(std::shared_ptr<Node> node) = 0;
};

/** Thread-local recording state. */
struct ThreadState {
  std::vector<TapeRecorder*> tapes;  // active tapes, innermost last
  int op_depth = 0;          // >0 while a registry op runs: nested op calls are implementation details
  int suspended = 0;         // >0 while recording is suspended for every tape (custom_gradient's forward)
  OpObserver* observer = nullptr;  // when set, told of every outermost registry op (not owned)
  bool saving_for_graph = false;   // set while the graph executor runs a node whose trace saved tensors
};
/** This thread's state. */
ThreadState& thread_state();

/** Marks a registry op's extent; only the outermost op of a nest records. */
class OpScope {
 public:
  OpScope() : state_(thread_state()) { ++state_.op_depth; }
  ~OpScope() { --state_.op_depth; }
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;
  /** True when this op should record: it is not nested in another op, and an observer or a tape listens. */
  bool should_record() const {
    return state_.op_depth == 1 && (state_.observer || (!state_.tapes.empty() && !state_.suspended));
  }

 private:
  ThreadState& state_;
};

/**
 * Reports op(inputs, attrs) -> outputs to the thread's observer, then records it on every active tape that tracks
 * an input (with `saved`, tensors only its gradient reads). `attrs` must hold the struct op's registry row names.
 */
void record(OpId op, std::vector<Tensor> inputs, std::vector<Tensor> outputs, Attrs attrs = attrs::None{},
            std::vector<Tensor> saved = {});
/** Records a node whose gradient is a custom function (custom_gradient). */
void record_custom(std::vector<Tensor> inputs, std::vector<Tensor> outputs,
                   std::function<std::vector<Tensor>(const std::vector<Tensor>&)> grad);
/** True if some active, unpaused tape tracks t. */
bool is_tracked(const Tensor& t);  // also true while the executor runs a node that saves (saving_for_graph)
/** True if some active, unpaused tape tracks one of ts. */
bool is_tracked_any(const std::vector<Tensor>& ts);

}  // namespace pt::autograd


/** Put at the top of a registry op's function: pairs with PT_RECORD at its end. */
#define PT_OP_SCOPE ::pt::autograd::OpScope pt_op_scope_
/** Records the op when it is the outermost op and a tape or an observer listens. */
#define PT_RECORD(...)                                       \
  do {                                                       \
    if (pt_op_scope_.should_record()) ::pt::autograd::record(__VA_ARGS__); \
  } while (0)
