#include "executor.h"

#include <type_traits>

#include "../core/variable.h"
#include "../ops/invoke.h"
#include "../ops/ops.h"

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

/** Gives the random op of `a` a stream of its own for run `run`, as TF's stateful random ops draw anew each call. */
void reseed(Attrs& a, uint64_t run) {
  std::visit(
      [run](auto& s) {
        if constexpr (HasSeed<std::decay_t<decltype(s)>>::value) s.seed.seed = mix64(s.seed.seed ^ mix64(run));
      },
      a);
}

template <class T, class = void>
struct HasLearningRate : std::false_type {};
template <class T>
struct HasLearningRate<T, std::void_t<decltype(std::declval<T&>().learning_rate)>> : std::true_type {};

/** The scalar in `t` as a double (an optimizer's iterations or learning-rate value). */
double scalar_value(const Tensor& t) { return *ops::contiguous(ops::cast(t, DType::Float64)).data<double>(); }

/** Sets the learning rate of the apply_* attributes `a`. */
void set_learning_rate(Attrs& a, double lr) {
  std::visit(
      [lr](auto& s) {
        if constexpr (HasLearningRate<std::decay_t<decltype(s)>>::value) s.learning_rate = lr;
      },
      a);
}

}  // namespace

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
  }
  // Liveness: each slot is released by the step that uses it last; graph outputs are never released.
  std::vector<int32_t> last_use(num_slots_, -1);
  for (size_t i = 0; i < steps_.size(); ++i) {
    std::vector<int32_t> uses = steps_[i].in_slots;
    uses.push_back(steps_[i].step_slot);
    uses.push_back(steps_[i].learning_rate_slot);
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
  // Outputs nobody uses die with the step that made them.
  for (size_t i = 0; i < nodes.size(); ++i)
    for (size_t k = 0; k < nodes[i].outputs.size(); ++k)
      if (last_use[static_cast<size_t>(base[i]) + k] == -1) steps_[i].release.push_back(base[i] + static_cast<int32_t>(k));
  for (int32_t id : graph_->inputs) input_slots_.push_back(base[static_cast<size_t>(id)]);
}

std::vector<Tensor> Executor::run(const std::vector<Tensor>& args) {
  check_arg(args.size() == input_slots_.size(), "function: expected ", input_slots_.size(), " tensor arguments, got ",
            args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const TensorType& want = graph_->node(graph_->inputs[i]).outputs[0];
    check_arg(args[i].dtype() == want.dtype && args[i].shape() == want.shape, "function: argument ", i, " has dtype ",
              dtype_name(args[i].dtype()), " and shape ", shape_str(args[i].shape()), " but the graph was traced for ",
              dtype_name(want.dtype), " ", shape_str(want.shape), "; call the function to trace a new graph");
  }
  ++runs_;
  slots_.assign(num_slots_, Tensor());
  struct ClearOnExit {
    std::vector<Tensor>& slots;
    ~ClearOnExit() { slots.assign(slots.size(), Tensor()); }
  } clear{slots_};
  for (size_t i = 0; i < args.size(); ++i) slots_[static_cast<size_t>(input_slots_[i])] = args[i];
  std::vector<Tensor> ins;
  for (const Step& s : steps_) {
    const Node& n = *s.node;
    ins.clear();
    for (int32_t k : s.in_slots) ins.push_back(slots_[static_cast<size_t>(k)]);
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
      case NodeKind::Op: {
        std::vector<Tensor> outs;
        if (s.step_slot >= 0 || s.learning_rate_slot >= 0 || has_seed(n.attrs)) {
          Attrs a = n.attrs;
          reseed(a, runs_);
          if (s.learning_rate_slot >= 0) set_learning_rate(a, scalar_value(slots_[static_cast<size_t>(s.learning_rate_slot)]));
          if (auto* adam = std::get_if<attrs::ApplyAdam>(&a); adam && s.step_slot >= 0)
            adam->step = static_cast<int64_t>(scalar_value(slots_[static_cast<size_t>(s.step_slot)])) + 1;
          outs = ops::invoke(n.op, ins, a);
        } else {
          outs = ops::invoke(n.op, ins, n.attrs);
        }
        for (size_t k = 0; k < outs.size() && k < n.outputs.size(); ++k)
          slots_[static_cast<size_t>(s.out_slot) + k] = std::move(outs[k]);
        break;
      }
    }
    for (int32_t r : s.release) slots_[static_cast<size_t>(r)] = Tensor();
  }
  std::vector<Tensor> out;
  out.reserve(output_slots_.size());
  for (int32_t k : output_slots_) out.push_back(slots_[static_cast<size_t>(k)]);
  return out;
}

}  // namespace pt::graph
