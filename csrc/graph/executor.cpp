#include "executor.h"

#include <algorithm>
#include <optional>
#include <type_traits>

#include "../autograd/tape.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/variable.h"
#include "../ops/invoke.h"
#include "../ops/ops.h"
#include "../ops/random_seed.h"

namespace pt::graph {

namespace {

template <class T, class = void>
struct HasSeed : std::false_type {};
template <class T>
struct HasSeed<T, std::void_t<decltype(std::declval<T&>().seed)>> : std::is_same<decltype(std::declval<T&>().seed), ops::RandomSeed> {};

/** splitmix64's finalizer: run numbers 1, 2, 3 become unrelated Philox keys. */
uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/** True when `a` holds a random op's seed. */
bool has_seed(const Attrs& a) {
  return std::visit([](const auto& s) { return HasSeed<std::decay_t<decltype(s)>>::value; }, a);
}

/**
 * Gives the random op of `a` new numbers for run `run`, as TF's stateful random ops draw anew each call: the next
 * call of the seeded stream it was traced from (the same numbers as eager code), else a key of its own per run.
 */
void reseed(Attrs& a, uint64_t run) {
  std::visit(
      [run](auto& s) {
        if constexpr (HasSeed<std::decay_t<decltype(s)>>::value) {
          if (std::optional<ops::RandomSeed> next = ops::next_seed_of_stream(s.seed)) s.seed = *next;
          else s.seed.seed = mix64(s.seed.seed ^ mix64(run));
        }
      },
      a);
}

template <class T, class = void>
struct HasLearningRate : std::false_type {};
template <class T>
struct HasLearningRate<T, std::void_t<decltype(std::declval<T&>().learning_rate)>> : std::true_type {};

/** The scalar in `t` as a double (an optimizer's iterations or learning-rate value). */
double scalar_value(const Tensor& t) { return *ops::cast(ops::to_host(t), DType::Float64).data<double>(); }

/** Sets the learning rate of the apply_* attributes `a`. */
void set_learning_rate(Attrs& a, double lr) {
  std::visit(
      [lr](auto& s) {
        if constexpr (HasLearningRate<std::decay_t<decltype(s)>>::value) s.learning_rate = lr;
      },
      a);
}

/** True when no tape or observer would record an op run now (an op may then skip its public function). */
bool unrecorded() {
  const autograd::ThreadState& state = autograd::thread_state();
  return !state.observer && (state.tapes.empty() || state.suspended);
}

/**
 * Runs element-wise op `n` with its output written over input n.reuse_input when that buffer is the value's only
 * one; false (nothing run) otherwise.
 */
bool run_over_input(const Node& n, std::vector<Tensor>& ins, Tensor& out) {
  Tensor& x = ins[static_cast<size_t>(n.reuse_input)];
  if (!x.sole_owner() || !x.is_contiguous()) return false;
  if (n.op == OpId::fused_elementwise) {  // its kernel takes dense inputs; it writes a block after reading it
    for (const Tensor& in : ins)
      if (!in.is_contiguous()) return false;
    backend::kernel<backend::FusedElementwiseKernel>(n.op, x.device(), x.dtype())(
        ins, attrs_as<attrs::Elementwise>(n.op, n.attrs).program, x);
  } else if (ins.size() == 1)
    backend::kernel<backend::UnaryKernel>(n.op, x.device(), x.dtype())(x, x);
  else
    backend::kernel<backend::BinaryKernel>(n.op, x.device(), x.dtype())(ins[0], ins[1], x);
  out = std::move(x);
  return true;
}

/** True when the scalar `t` is non-zero (a predicate). */
bool truth(const Tensor& t) {
  check_arg(t.numel() == 1, "cond/while_loop: the predicate must be a scalar, got shape ", shape_str(t.shape()));
  return scalar_value(t) != 0;
}

/**
 * Catches the saved tensors an op reports while the executor runs it (nodes that keep them as outputs); with
 * `save` (the graph reads them: its gradient was traced) the op saves them, as it did for the trace's tape
 * (autograd::is_tracked is true meanwhile), else they stay undefined and cost nothing.
 */
class SavedCatcher : public autograd::OpObserver {
 public:
  explicit SavedCatcher(bool save)
      : previous_(autograd::thread_state().observer), previous_saving_(autograd::thread_state().saving_for_graph) {
    autograd::thread_state().observer = this;
    autograd::thread_state().saving_for_graph = save;
  }
  ~SavedCatcher() override {
    autograd::thread_state().observer = previous_;
    autograd::thread_state().saving_for_graph = previous_saving_;
  }
  void on_op(OpId, const std::vector<Tensor>&, const std::vector<Tensor>&, const Attrs&,
             const std::vector<Tensor>& saved) override {
    saved_ = saved;
  }
  std::vector<Tensor> saved_;

 private:
  autograd::OpObserver* previous_;
  bool previous_saving_;
};

}  // namespace

std::vector<Tensor> run_control_flow(const Node& n, const std::vector<Tensor>& ins,
                                     std::vector<std::unique_ptr<Executor>>* subs) {
  std::vector<std::unique_ptr<Executor>> local;
  if (!subs) subs = &local;
  if (subs->empty())
    for (const auto& b : n.branches) subs->push_back(std::make_unique<Executor>(b));
  if (n.kind == NodeKind::Cond) {
    size_t branch;
    if (n.branches.size() == 2) {
      branch = truth(ins[0]) ? 0 : 1;
    } else {  // switch_case: an index out of range takes the last branch (TF's default)
      int64_t i = static_cast<int64_t>(scalar_value(ins[0]));
      branch = i < 0 || i >= static_cast<int64_t>(n.branches.size()) ? n.branches.size() - 1 : static_cast<size_t>(i);
    }
    size_t first = 1;
    for (size_t b = 0; b < branch; ++b) first += static_cast<size_t>(n.branch_captures[b]);
    std::vector<Tensor> args(ins.begin() + static_cast<std::ptrdiff_t>(first),
                             ins.begin() + static_cast<std::ptrdiff_t>(first + n.branch_captures[branch]));
    return (*subs)[branch]->run(args);
  }
  // While: inputs are the loop variables, cond's captures, body's captures; each branch gets the variables and its own.
  const size_t nvars = static_cast<size_t>(n.loop_vars);
  const auto cond_caps = ins.begin() + static_cast<std::ptrdiff_t>(nvars);
  const auto body_caps = cond_caps + n.branch_captures[0];
  std::vector<Tensor> cond_args(ins.begin(), body_caps);
  std::vector<Tensor> body_args(ins.begin(), cond_caps);
  body_args.insert(body_args.end(), body_caps, body_caps + n.branch_captures[1]);
  for (int64_t it = 0; n.maximum_iterations < 0 || it < n.maximum_iterations; ++it) {
    if (!truth((*subs)[0]->run(cond_args)[0])) break;
    std::vector<Tensor> next = (*subs)[1]->run(body_args);
    for (size_t k = 0; k < nvars; ++k) cond_args[k] = body_args[k] = std::move(next[k]);
  }
  return std::vector<Tensor>(cond_args.begin(), cond_args.begin() + static_cast<std::ptrdiff_t>(nvars));
}

Executor::Executor(std::shared_ptr<const Graph> graph) : graph_(std::move(graph)) {
  const auto& nodes = graph_->nodes();
  std::vector<int32_t> base(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    base[i] = static_cast<int32_t>(num_slots_);
    num_slots_ += nodes[i].outputs.size();
  }
  auto slot = [&](ValueRef v) { return v.node < 0 ? -1 : base[static_cast<size_t>(v.node)] + v.index; };
  steps_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    Step& s = steps_[i];
    s.node = &nodes[i];
    s.out_slot = base[i];
    for (ValueRef v : nodes[i].inputs) s.in_slots.push_back(slot(v));
    s.step_slot = slot(nodes[i].step_from);
    s.learning_rate_slot = slot(nodes[i].learning_rate_from);
    s.u_product_slot = slot(nodes[i].u_product_from);
    const auto* rnn = std::get_if<attrs::Rnn>(&nodes[i].attrs);
    s.run_attrs = s.step_slot >= 0 || s.learning_rate_slot >= 0 || s.u_product_slot >= 0 || has_seed(nodes[i].attrs) ||
                  (rnn && rnn->options.mask.defined());
  }
  // Liveness: each slot is released by the step that uses it last; graph outputs are never released.
  std::vector<int32_t> last_use(num_slots_, -1);
  for (size_t i = 0; i < steps_.size(); ++i) {
    std::vector<int32_t> uses = steps_[i].in_slots;
    uses.push_back(steps_[i].step_slot);
    uses.push_back(steps_[i].learning_rate_slot);
    uses.push_back(steps_[i].u_product_slot);
    for (int32_t u : uses)
      if (u >= 0) last_use[static_cast<size_t>(u)] = static_cast<int32_t>(i);
  }
  for (ValueRef v : graph_->outputs) {
    output_slots_.push_back(slot(v));
    last_use[static_cast<size_t>(slot(v))] = -2;
  }
  for (size_t k = 0; k < num_slots_; ++k) {
    int32_t at = last_use[k];
    if (at >= 0) steps_[static_cast<size_t>(at)].release.push_back(static_cast<int32_t>(k));
  }
  // Saved tensors (max_pool2d's argmax) are made on each run only when a later step, a traced gradient, reads them.
  for (size_t i = 0; i < nodes.size(); ++i)
    for (size_t k = nodes[i].outputs.size() - static_cast<size_t>(nodes[i].saved); k < nodes[i].outputs.size(); ++k)
      steps_[i].save = steps_[i].save || last_use[static_cast<size_t>(base[i]) + k] != -1;
  // A value's last reader takes it (its input position that reads the slot last, unless a run-time attribute
  // also reads it), so that a buffer nobody else holds can be overwritten there.
  for (size_t i = 0; i < steps_.size(); ++i) {
    Step& s = steps_[i];
    s.move_in.assign(s.in_slots.size(), 0);
    for (size_t k = 0; k < s.in_slots.size(); ++k) {
      const int32_t u = s.in_slots[k];
      s.move_in[k] = last_use[static_cast<size_t>(u)] == static_cast<int32_t>(i) && u != s.step_slot &&
                     u != s.learning_rate_slot && u != s.u_product_slot &&
                     std::find(s.in_slots.begin() + static_cast<std::ptrdiff_t>(k) + 1, s.in_slots.end(), u) ==
                         s.in_slots.end();
    }
  }
  // Outputs nobody uses die with the step that made them.
  for (size_t i = 0; i < nodes.size(); ++i)
    for (size_t k = 0; k < nodes[i].outputs.size(); ++k)
      if (last_use[static_cast<size_t>(base[i]) + k] == -1) steps_[i].release.push_back(base[i] + static_cast<int32_t>(k));
  for (int32_t id : graph_->inputs) input_slots_.push_back(base[static_cast<size_t>(id)]);
}

std::vector<Tensor> Executor::run(const std::vector<Tensor>& args, bool any_sizes) {
  check_arg(args.size() == input_slots_.size(), "function: expected ", input_slots_.size(), " tensor arguments, got ",
            args.size());
  ThrowValueErrors throw_value_errors;  // a graph run while a trace records raises its errors there and then
  for (size_t i = 0; i < args.size(); ++i) {
    const TensorType& want = graph_->node(graph_->inputs[i]).outputs[0];
    const bool fits = any_sizes ? args[i].ndim() == static_cast<int64_t>(want.shape.size()) : args[i].shape() == want.shape;
    if (args[i].dtype() != want.dtype || !fits)  // the message only when it is raised
      check_arg(false, "function: argument ", i, " has dtype ", dtype_name(args[i].dtype()), " and shape ",
                shape_str(args[i].shape()), " but the graph was traced for ", dtype_name(want.dtype), " ",
                shape_str(want.shape), "; call the function to trace a new graph");
  }
  ++runs_;
  slots_.assign(num_slots_, Tensor());
  struct ClearOnExit {
    std::vector<Tensor>& slots;
    ~ClearOnExit() { slots.assign(slots.size(), Tensor()); }
  } clear{slots_};
  for (size_t i = 0; i < args.size(); ++i) slots_[static_cast<size_t>(input_slots_[i])] = args[i];
  std::vector<Tensor> ins;
  for (Step& s : steps_) {
    const Node& n = *s.node;
    ins.clear();  // the previous step's inputs die here, not a step later
    for (size_t k = 0; k < s.in_slots.size(); ++k) {
      Tensor& value = slots_[static_cast<size_t>(s.in_slots[k])];
      ins.push_back(s.move_in[k] ? std::move(value) : value);
    }
    switch (n.kind) {
      case NodeKind::Input:
        break;
      case NodeKind::Constant:
        slots_[static_cast<size_t>(s.out_slot)] = n.constant;
        break;
      case NodeKind::ReadVariable:
        slots_[static_cast<size_t>(s.out_slot)] = n.variable->read();
        break;
      case NodeKind::AssignVariable:
        n.variable->assign(ins[0]);
        break;
      case NodeKind::Callback:
        n.callback(ins);
        break;
      case NodeKind::Cond:
      case NodeKind::While: {
        std::vector<Tensor> outs = run_control_flow(n, ins, &s.subs);
        for (size_t k = 0; k < outs.size(); ++k) slots_[static_cast<size_t>(s.out_slot) + k] = std::move(outs[k]);
        break;
      }
      case NodeKind::Op:
        run_op(s, ins);
        break;
    }
    for (int32_t r : s.release) slots_[static_cast<size_t>(r)] = Tensor();
  }
  ins.clear();
  std::vector<Tensor> out;
  out.reserve(output_slots_.size());
  for (int32_t k : output_slots_) out.push_back(slots_[static_cast<size_t>(k)]);
  return out;
}

void Executor::run_op(Step& s, std::vector<Tensor>& ins) {
  const Node& n = *s.node;
  const Attrs* attrs = &n.attrs;
  Attrs per_run;
  if (s.run_attrs) {
    per_run = n.attrs;
    if (auto* rnn = std::get_if<attrs::Rnn>(&per_run); rnn && rnn->options.mask.defined()) {
      rnn->options.mask = ins.back();  // this run's mask: the node's last input (Capture::on_op)
      ins.pop_back();
    }
    reseed(per_run, runs_);
    if (s.learning_rate_slot >= 0)
      set_learning_rate(per_run, scalar_value(slots_[static_cast<size_t>(s.learning_rate_slot)]));
    if (auto* adam = std::get_if<attrs::ApplyAdam>(&per_run); adam && s.step_slot >= 0)
      adam->step = static_cast<int64_t>(scalar_value(slots_[static_cast<size_t>(s.step_slot)])) + 1;
    if (auto* nadam = std::get_if<attrs::ApplyNadam>(&per_run); nadam && s.step_slot >= 0)
      nadam->step = static_cast<int64_t>(scalar_value(slots_[static_cast<size_t>(s.step_slot)])) + 1;
    if (auto* nadam = std::get_if<attrs::ApplyNadam>(&per_run); nadam && s.u_product_slot >= 0)
      nadam->u_product = scalar_value(slots_[static_cast<size_t>(s.u_product_slot)]);
    attrs = &per_run;
  }
  if (!n.update_variables.empty()) {
    ops::invoke_update(n.op, n.update_variables, ins[0], *attrs, ins.size() > 1 ? ins[1] : Tensor());
    return;
  }
  Tensor& first = slots_[static_cast<size_t>(s.out_slot)];
  if (n.reuse_input >= 0 && unrecorded() && run_over_input(n, ins, first)) return;
  std::optional<SavedCatcher> catcher;
  if (n.saved) catcher.emplace(s.save);
  std::vector<Tensor> outs = ops::invoke(n.op, ins, *attrs);
  for (size_t k = 0; k < outs.size() && k < n.outputs.size(); ++k)
    slots_[static_cast<size_t>(s.out_slot) + k] = std::move(outs[k]);
  if (catcher) {
    check_arg(catcher->saved_.size() == static_cast<size_t>(n.saved), "function: ", op_def(n.op).name, " reported ",
              catcher->saved_.size(), " saved tensors, the trace ", n.saved);
    for (size_t k = 0; k < catcher->saved_.size(); ++k)
      slots_[static_cast<size_t>(s.out_slot) + n.outputs.size() - n.saved + k] = std::move(catcher->saved_[k]);
  }
}

}  // namespace pt::graph
