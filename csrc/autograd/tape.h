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
#include "../ops/record.h"

namespace pt {
class Variable;
}

namespace pt::autograd {

/** A source of gradient(): a tensor or a variable (by its unique id). */
struct Source {
  Tensor tensor;           // when a tensor
  uint64_t variable = 0;   // when a variable (Variable::uid())
};

/**
 * Called during gradient() with (index into sources, gradient) as soon as that source's gradient is final (no node
 * left in the sweep feeds it); undefined where unconnected. Called once per source, in the order they become final.
 */
using GradientReadyFn = std::function<void(size_t, const Tensor&)>;

/**
 * A gradient nonzero only in some rows (TF's IndexedSlices): row indices[i] of the dense gradient of shape
 * dense_shape receives values[i] (rows sharing an index add up). What an axis-0 gather of a source gives it.
 */
struct RowGradient {
  Tensor values;   // [n, dense_shape[1:]...]
  Tensor indices;  // [n], int32 or int64
  Shape dense_shape;
  /** The dense gradient (a segment sum of the rows). */
  Tensor to_dense() const;
};

/** A tape: records ops on tracked tensors while it is on the thread's active stack. */
class Tape : public TapeRecorder {
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
  bool paused() const override { return paused_; }
  /** Forgets everything recorded (tape.reset()). */
  void reset();
  /**
   * Gradients of sum(targets * output_grads) w.r.t. sources; undefined where unconnected.
   * `consume` ends a non-persistent tape's single use and frees saved tensors during the sweep;
   * jacobian() passes false for all but its last sweep. `on_ready`, when set, receives each source's gradient
   * as soon as it is final, while the sweep goes on (gradient all-reduce overlapping the backward); an exception
   * it throws ends the sweep and propagates (a non-persistent tape is then used up).
   * With `rows` set, a source whose only gradient comes through axis-0 gathers of it gets it as rows: (*rows)[k]
   * is then set (before on_ready sees k) and the dense gradient left undefined, as TF returns IndexedSlices;
   * without, every gradient is dense. *rows is sized to the sources only when the sweep meets such a gather (else
   * left empty: the tape step allocates nothing for it).
   * `stops` are held constant (tf.gradients' stop_gradients): no gradient passes through them to what computed
   * them, though a stop that is also a source gets the gradient that reaches it.
   */
  std::vector<Tensor> gradient(const std::vector<Tensor>& targets, const std::vector<Source>& sources,
                               const std::vector<Tensor>& output_grads, bool consume,
                               const GradientReadyFn& on_ready = nullptr, std::vector<RowGradient>* rows = nullptr,
                               const std::vector<Tensor>& stops = {});
  /** The variables this tape watched, in first-watch order (pointers valid only while each lives). */
  const std::vector<std::pair<uint64_t, const Variable*>>& watched_variables() const { return watched_variable_order_; }
  bool persistent() const { return persistent_; }
  bool watch_accessed_variables() const { return watch_accessed_variables_; }
  /** True once a non-persistent tape has computed its gradient. */
  bool used() const { return used_; }
  /** Number of nodes recorded (for tests). */
  size_t num_nodes() const { return nodes_.size(); }

  // Called by record() / variable reads.
  bool tracks(const TensorImpl* id) const override { return tracked_.count(id) != 0; }
  void add_node(std::shared_ptr<Node> node) override;
  void on_variable_read(const Variable& v, const Tensor& value);
  /** Marks `output` of a tracked axis-0 gather as one whose source gets rows (see mark_row_gather). */
  void on_row_gather(const Tensor& output) {
    if (tracks(output.id())) row_gathers_.insert(output.id());
  }

 private:
  std::vector<Tensor> sweep(const std::vector<Tensor>& targets, const std::vector<Source>& sources,
                            const std::vector<Tensor>& output_grads, bool release, const GradientReadyFn& on_ready,
                            std::vector<RowGradient>* rows, const std::vector<Tensor>& stops);
  /** Frees everything a consumed non-persistent tape holds. */
  void release_all();
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
  std::unordered_set<const TensorImpl*> row_gathers_;       // outputs of mark_row_gather (their nodes hold them)
};

/**
 * Tells the active tapes that `output` came from a user's axis-0 gather (tf.gather, tf.nn.embedding_lookup, Keras's
 * Embedding): the gradient of a source it gathers from may then be rows, as TF's IndexedSlices. Gathers inside other
 * ops (tf.linalg's pivoting) stay dense, as those ops are in TF.
 */
void mark_row_gather(const Tensor& output);

/** Notifies active tapes that a variable was read into `value`. */
void on_variable_read(const Variable& v, const Tensor& value);

}  // namespace pt::autograd
