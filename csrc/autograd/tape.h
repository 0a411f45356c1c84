#pragma once
/**
 * Reverse-mode autodiff: a thread-local stack of tapes. Ops record nodes on every active tape
 * that tracks one of their inputs; gradient() sweeps a tape's nodes in reverse, calling the
 * registry's gradient formulas, which are written with public ops, so the backward pass is
 * itself recorded by outer tapes (higher-order derivatives by construction).
 */
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../core/tensor.h"
#include "../ops/attrs.h"
#include "../ops/op_list.h"

namespace pt {
class Variable;
}

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

/** Installs op's gradient formula in the registry (called by each family file at static-init time). */
bool register_gradient(OpId op, GradFormula formula);
/** The formula of op, or null. */
::pt::GradFormula gradient_formula(OpId op);

/** A source of gradient(): a tensor or a variable (by its unique id). */
struct Source {
  Tensor tensor;           // when a tensor
  uint64_t variable = 0;   // when a variable (Variable::uid())
};

/** A tape: records ops on tracked tensors while it is on the thread's active stack. */
class Tape {
 public:
  Tape(bool persistent, bool watch_accessed_variables)
      : persistent_(persistent), watch_accessed_variables_(watch_accessed_variables) {}

  /** Starts tracking a tensor (tape.watch). */
  void watch(const Tensor& t);
  /** Starts tracking a variable: its reads from now on are tracked. */
  void watch_variable(const Variable& v);
  /** Pushes the tape on this thread's active stack. */
  void push();
  /** Removes the tape from this thread's active stack. */
  void pop();
  /** Stops / resumes recording (tape.stop_recording()). */
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }
  /** Forgets everything recorded (tape.reset()). */
  void reset();
  /**
   * Gradients of sum(targets * output_grads) w.r.t. sources; undefined where unconnected.
   * `consume` ends a non-persistent tape's single use and frees saved tensors during the sweep;
   * jacobian() passes false for all but its last sweep.
   */
  std::vector<Tensor> gradient(const std::vector<Tensor>& targets, const std::vector<Source>& sources,
                               const std::vector<Tensor>& output_grads, bool consume);
  /** The variables this tape watched, in first-watch order (pointers valid only while each lives). */
  const std::vector<std::pair<uint64_t, const Variable*>>& watched_variables() const { return watched_variable_order_; }
  bool persistent() const { return persistent_; }
  bool watch_accessed_variables() const { return watch_accessed_variables_; }
  /** True once a non-persistent tape has computed its gradient. */
  bool used() const { return used_; }
  /** Number of nodes recorded (for tests). */
  size_t num_nodes() const { return nodes_.size(); }

  // Called by record() / variable reads.
  bool tracks(const TensorImpl* id) const { return tracked_.count(id) != 0; }
  void add_node(std::shared_ptr<Node> node);
  void on_variable_read(const Variable& v, const Tensor& value);

 private:
  bool persistent_;
  bool watch_accessed_variables_;
  bool paused_ = false;
  bool used_ = false;
  std::vector<std::shared_ptr<Node>> nodes_;
  std::unordered_set<const TensorImpl*> tracked_;
  std::vector<Tensor> watched_;                             // keeps watched tensors (and their ids) alive
  std::unordered_set<uint64_t> watched_variables_;          // explicitly or implicitly watched variables
  std::vector<std::pair<uint64_t, const Variable*>> watched_variable_order_;
  std::vector<std::pair<Tensor, uint64_t>> variable_reads_; // read value -> variable uid
};

/** Thread-local recording state. */
struct ThreadState {
  std::vector<Tape*> tapes;  // active tapes, innermost last
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
/** Notifies active tapes that a variable was read into `value`. */
void on_variable_read(const Variable& v, const Tensor& value);
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
