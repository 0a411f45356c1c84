#pragma once
/**
 * Tracing by execution: while a Capture is active on a thread, the Python function runs eagerly on the real
 * arguments and every outermost registry op, variable read and variable assignment is appended to a Graph (the
 * OpObserver and VariableObserver seams). Tensors that no captured node produced become constants.
 */
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../autograd/tape.h"
#include "../core/variable.h"
#include "graph.h"

namespace pt::graph {

/** Builds one graph from the ops a function runs. Install with begin(), remove with end(). */
class Capture : public autograd::OpObserver, public VariableObserver {
 public:
  /**
   * Starts a graph whose inputs are `args` (one Input node each). A `lexical` capture (a tf.cond branch, a
   * while_loop body) turns the tensors it did not produce into further inputs (captured(): the outer tensors)
   * instead of constants, so that the branch reads the outer graph's values. `names`: the Input nodes' names (TF
   * names a function's placeholders by its parameters); "args_i" where none is given.
   */
  explicit Capture(const std::vector<Tensor>& args, bool lexical = false, const std::vector<std::string>& names = {});
  ~Capture() override;
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  /** Makes this the thread's capture (nesting: the previous one is restored by end()). */
  void begin();
  /** Stops capturing on this thread. */
  void end();
  /** The capture active on this thread, or null. */
  static Capture* active();

  void on_op(OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs, const Attrs& attrs,
             const std::vector<Tensor>& saved) override;
  void on_read(const Variable& v, const Tensor& value) override;
  void on_assign(Variable& v, const Tensor& value) override;
  void on_create(const Variable& v) override;

  /** Appends a host callback (tf.print) of `inputs`, run on every call in program order. */
  void add_callback(HostFn fn, const std::vector<Tensor>& inputs, const std::string& name);
  /**
   * Until cleared (nulls), captured apply_* nodes take their learning rate from `learning_rate`, apply_adam and
   * apply_nadam their step from `iterations` (plus one) and apply_nadam its u_product from `u_product`, each as read
   * now, at run time, instead of the trace-time numbers: the optimizer's variables, which change between calls.
   */
  void set_optimizer_sources(const Variable* iterations, const Variable* learning_rate,
                             const Variable* u_product = nullptr);
  /** True when `t` was computed from a function input or a variable read (a symbolic value in TF's terms). */
  bool symbolic(const Tensor& t) const;
  /** The graph name of symbolic `t` ("add:0"), or empty when `t` is not symbolic. */
  std::string name_of(const Tensor& t) const;
  /** Variables created while capturing (TF allows them only on a function's first trace). */
  int variables_created() const { return variables_created_; }
  /**
   * Variables created while capturing that no longer exist (the function made them and kept no reference): a call
   * after this one would make them again, which TF refuses.
   */
  int variables_dropped() const;
  /**
   * Puts back the value every variable had when the trace first touched it (a dry trace, for
   * get_concrete_function, must change no state). Call after finish().
   */
  void restore_variables();
  /** The outer tensors a lexical capture turned into inputs, in input order (after the args). */
  const std::vector<Tensor>& captured() const { return captured_; }
  /**
   * Appends control-flow node `node` (Cond or While, its branches set) with `inputs` (outer tensors), runs it
   * on their values now (the trace's own result) and returns its outputs, which later ops use as its edges.
   */
  std::vector<Tensor> add_control_flow(Node node, const std::vector<Tensor>& inputs);
  /**
   * Ends the graph with `outputs` and returns it; the capture is spent. An op whose check of its input values failed
   * while tracing (value_check_failed) raises its error here when the graph needs its result, and is pruned with
   * what only it feeds when not, as TF never runs an op whose result is unused.
   */
  std::shared_ptr<Graph> finish(const std::vector<Tensor>& outputs);
  /**
   * finish() for a function's own trace (not a branch's), named `function`: the symbolic tensors still alive after
   * it, other than its arguments (a tensor the function stored in a global), are out of scope from then on (see
   * out_of_scope), as a leaked graph tensor is in TF. The caller replaces the outputs' handles with new ones first.
   */
  std::shared_ptr<Graph> finish_function(const std::vector<Tensor>& outputs, const std::string& function);
  /** Throws the deferred error `t`'s value depends on, if any (its value is about to be used). */
  void raise_deferred(const Tensor& t) const;

  /**
   * Size watch, for a function whose signature leaves dimensions free: the trace then notes what could tie its graph
   * to the sizes it ran at (see size_generic_violation). Call before begin().
   */
  void watch_sizes() { watch_sizes_ = true; }
  /** `t` was made from Python data (a literal: a number, list or array the function wrote), not by the core. */
  void note_literal(const Tensor& t);
  /** Python learned the dimensions of `t` (a shape read); it matters when `t` depends on a function input. */
  void note_size_read(const Tensor& t);
  /** Something outside the graph's nodes may depend on the trace's sizes (`why`: what). */
  void note_size_dependence(const std::string& why);
  /**
   * After finish(): empty when the watched graph is one program for every size of its free dimensions, else what
   * may tie it to the trace's sizes. It is when no Python code read the shape of a tensor computed from an input,
   * every constant is a literal, and every node is an input, a literal, a variable access or an op whose attributes
   * hold no sizes (size_free_op; Python's arguments, where Python called it): then no number in the graph came from
   * a size, and each op, run at other sizes, computes what the function would. Always non-empty unless watched.
   */
  const std::string& size_generic_violation() const { return size_violation_; }

 private:
  /** The edge holding `t`: the node that produced it, or a new Constant. */
  ValueRef value_of(const Tensor& t);
  /** Maps `t` to `v`; the mapping holds no reference to `t`, so a traced intermediate dies when eager code drops it. */
  void bind(const Tensor& t, ValueRef v, bool symbolic, int32_t deferred = -1, bool from_input = false);
  /** What in the finished graph may tie it to the trace's sizes (size_generic_violation), or empty. */
  std::string size_dependence() const;
  struct Bound;
  /** The mapping of `t`, or null: none, or one left by a dead tensor whose identity `t` now reuses. */
  const Bound* find(const Tensor& t) const;
  /** Remembers the value of `v` before the trace changes it, on its first access. */
  void remember(const Variable& v, const Tensor* value);
  /** Orders node `i` after the previous access of `v` and makes it the latest. */
  void order_access(const Variable& v, int32_t i);

  std::shared_ptr<Graph> graph_;
  /** A traced tensor's edge, with what tells it from a later tensor at the same address (its memory and layout). */
  struct Bound {
    ValueRef value;
    std::weak_ptr<const TensorImpl> handle;  // whether the tensor still exists (finish_function)
    bool symbolic = false;
    int32_t deferred = -1;  // the index in deferred_ of the failed op its value depends on; -1: none
    bool from_input = false;  // computed from a function input (its shape may follow the input's)
    std::weak_ptr<const Storage> storage;
    Shape shape;
    Strides strides;
    int64_t offset = 0;
    DType dtype = DType::Float32;
  };
  std::unordered_map<const TensorImpl*, Bound> values_;
  std::unordered_map<const Variable*, int32_t> last_access_;
  int variables_created_ = 0;
  std::vector<std::weak_ptr<const void>> created_;       // the variables' lifetimes
  std::unordered_set<const TensorImpl*> arguments_;      // the function's arguments (the caller's tensors)
  struct FirstValue {
    Variable* variable;
    std::weak_ptr<const void> lifetime;  // a variable the trace made and dropped is not restored
    Tensor value;                        // its value at its first access
  };
  std::vector<FirstValue> first_values_;
  ValueRef step_source_{};           // set_optimizer_sources' reads (node -1: none)
  ValueRef learning_rate_source_{};
  ValueRef u_product_source_{};
  /** Failed value checks of traced ops (value_check_failed): the node and its error, in program order. */
  std::vector<std::pair<int32_t, std::exception_ptr>> deferred_;
  bool previous_deferral_ = false;
  Capture* previous_ = nullptr;
  autograd::OpObserver* previous_op_observer_ = nullptr;
  VariableObserver* previous_variable_observer_ = nullptr;
  bool active_ = false;
  bool lexical_ = false;
  std::vector<Tensor> captured_;
  bool watch_sizes_ = false;
  std::string size_violation_ = "the trace did not watch its sizes";
  std::string size_note_;  // the first size dependence noted while tracing (empty: none)
  std::unordered_map<const TensorImpl*, std::weak_ptr<const TensorImpl>> literals_;
  std::unordered_set<int32_t> from_python_;  // nodes of ops Python called with attributes from its arguments
};

/**
 * While it lives, a registry op `op` called from Python runs, its attributes converted from the call's arguments
 * (the generic binder): the node it records holds no number Python did not write (see size_generic_violation).
 */
class PythonOpCall {
 public:
  explicit PythonOpCall(OpId op);
  ~PythonOpCall();
  PythonOpCall(const PythonOpCall&) = delete;
  PythonOpCall& operator=(const PythonOpCall&) = delete;

 private:
  std::optional<OpId> previous_;
};

/** Capture::note_literal on the active capture, if any. */
inline void note_literal(const Tensor& t) {
  if (Capture* c = Capture::active()) c->note_literal(t);
}
/** Capture::note_size_read on the active capture, if any. */
inline void note_size_read(const Tensor& t) {
  if (Capture* c = Capture::active()) c->note_size_read(t);
}

/**
 * True for ops whose attributes hold no size (only dtypes, axes and flags), and, `from_python`, for ops whose
 * attributes hold only what Python gave (a reshape's target): see size_generic_violation.
 */
bool size_free_op(OpId op, bool from_python);

/**
 * When `t` is a symbolic tensor of a function whose trace has ended (TF: out of scope), its name in that graph
 * ("add:0") and the function's name; else nothing.
 */
std::optional<std::pair<std::string, std::string>> out_of_scope(const Tensor& t);

}  // namespace pt::graph
