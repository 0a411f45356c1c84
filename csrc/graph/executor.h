#pragma once
/**
 * Runs a graph in C++: nodes in program order, each registry op through invoke() with its recorded attributes,
 * values in a flat slot array, each slot released after its last use (liveness-based memory planning: a traced
 * step holds no more intermediates than the eager one) and moved, not shared, into its last reader. What
 * plan_memory marked runs in place: optimizer updates on their variables, element-wise ops over an input that dies
 * (when nothing else holds its buffer and nothing records). Ops report to tapes as eager ops do, so a function
 * called under an outer GradientTape is differentiable.
 */
#include <memory>
#include <vector>

#include "graph.h"

namespace pt::graph {

class Executor;

/**
 * Runs control-flow node `n` (Cond, While) on its input values `ins`; `subs` caches an executor per branch
 * (empty: built here).
 */
std::vector<Tensor> run_control_flow(const Node& n, const std::vector<Tensor>& ins,
                                     std::vector<std::unique_ptr<Executor>>* subs = nullptr);

/** A prepared graph: call run() with the function's input tensors. */
class Executor {
 public:
  explicit Executor(std::shared_ptr<const Graph> graph);
  /**
   * Runs the graph once; returns its outputs. Inputs must match the traced dtypes and shapes; with `any_sizes`, only
   * the dtypes and ranks (a size-generic graph replayed at other sizes: Capture::size_generic_violation).
   */
  std::vector<Tensor> run(const std::vector<Tensor>& args, bool any_sizes = false);
  const Graph& graph() const { return *graph_; }
  /** Runs so far (random ops draw a new stream on each). */
  uint64_t runs() const { return runs_; }

 private:
  struct Step {
    const Node* node;
    std::vector<int32_t> in_slots;
    std::vector<char> move_in;       // per input: its slot's last read, so the value is moved out, not shared
    int32_t out_slot;                // first output's slot
    std::vector<int32_t> release;    // slots whose last use is this step
    int32_t step_slot = -1;          // apply_adam: the iterations value (-1: none)
    int32_t learning_rate_slot = -1; // apply_*: the learning-rate value (-1: none)
    int32_t u_product_slot = -1;     // apply_nadam: the momentum schedule's product (-1: none)
    bool save = false;               // a later step reads a saved tensor of this op (its gradient is traced)
    bool run_attrs = false;          // attributes change per run (a seed, a learning rate, a step)
    std::vector<std::unique_ptr<Executor>> subs;  // Cond / While: an executor per branch
  };
  /** Runs op step `s` on `ins` into its slots. */
  void run_op(Step& s, std::vector<Tensor>& ins);
  std::shared_ptr<const Graph> graph_;
  std::vector<Step> steps_;
  std::vector<int32_t> output_slots_;
  std::vector<int32_t> input_slots_;
  size_t num_slots_ = 0;
  uint64_t runs_ = 0;
  std::vector<Tensor> slots_;        // reused between runs (cleared at the end of each)
};

}  // namespace pt::graph
