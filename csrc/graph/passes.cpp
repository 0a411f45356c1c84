#include "passes.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "../autograd/tape.h"
#include "../ops/invoke.h"
#include "../ops/ops.h"

namespace pt::graph {

namespace {

/** Keeps the nodes `keep` marks (in order) and rewires edges; inputs always stay. */
int compact(Graph& g, std::vector<char> keep, const std::vector<ValueRef>& replace_with) {
  auto& nodes = g.nodes();
  for (int32_t i : g.inputs) keep[static_cast<size_t>(i)] = 1;
  std::vector<int32_t> remap(nodes.size(), -1);
  std::vector<Node> kept;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!keep[i]) continue;
    remap[i] = static_cast<int32_t>(kept.size());
    kept.push_back(std::move(nodes[i]));
  }
  int removed = static_cast<int>(nodes.size() - kept.size());
  // Edges to a replaced node point at its replacement first (output k of node i: output index + k of
  // replace_with[i]), then everything is renumbered.
  auto redirect = [&](ValueRef& v) {
    if (replace_with.empty()) return;
    ValueRef to = replace_with[static_cast<size_t>(v.node)];
    if (to.node >= 0) v = ValueRef{to.node, to.index + v.index};
  };
  for (Node& n : kept) {
    for (ValueRef& v : n.inputs) redirect(v);
    if (n.step_from.node >= 0) redirect(n.step_from);
    if (n.learning_rate_from.node >= 0) redirect(n.learning_rate_from);
    if (n.u_product_from.node >= 0) redirect(n.u_product_from);
  }
  for (ValueRef& v : g.outputs) redirect(v);
  g.replace_nodes(std::move(kept), remap);
  return removed;
}

bool is_random(const Node& n) {
  return n.kind == NodeKind::Op && (std::string(op_def(n.op).family) == "random" || n.op == OpId::dropout);
}

bool is_update(const Node& n) { return n.kind == NodeKind::Op && std::string(op_def(n.op).family) == "optim"; }

/**
 * Runs ops without telling tapes or an observer: a pass may run while an outer function is being traced (a
 * function traced inside another), whose capture must not record the pass's work.
 */
class Unrecorded {
 public:
  Unrecorded() : state_(autograd::thread_state()), observer_(state_.observer) {
    state_.observer = nullptr;
    ++state_.suspended;
  }
  ~Unrecorded() {
    state_.observer = observer_;
    --state_.suspended;
  }
  Unrecorded(const Unrecorded&) = delete;
  Unrecorded& operator=(const Unrecorded&) = delete;

 private:
  autograd::ThreadState& state_;
  autograd::OpObserver* observer_;
};

/** One reader of a node's output: the reading node (-1: a graph output or an optimizer's step / rate source). */
struct Use {
  int32_t node;
  int32_t position;  // input position in the reader
  int32_t output;    // which output of the read node
};

/** The readers of every node's outputs, in node order. */
std::vector<std::vector<Use>> uses_of(const Graph& g) {
  const auto& nodes = g.nodes();
  std::vector<std::vector<Use>> uses(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    for (size_t k = 0; k < n.inputs.size(); ++k)
      uses[static_cast<size_t>(n.inputs[k].node)].push_back(
          Use{static_cast<int32_t>(i), static_cast<int32_t>(k), n.inputs[k].index});
    for (ValueRef v : {n.step_from, n.learning_rate_from, n.u_product_from})
      if (v.node >= 0) uses[static_cast<size_t>(v.node)].push_back(Use{-1, -1, v.index});
  }
  for (ValueRef v : g.outputs) uses[static_cast<size_t>(v.node)].push_back(Use{-1, -1, v.index});
  return uses;
}

/** The readers of output `v` among `uses`. */
std::vector<Use> readers(const std::vector<std::vector<Use>>& uses, ValueRef v) {
  std::vector<Use> out;
  for (const Use& u : uses[static_cast<size_t>(v.node)])
    if (u.output == v.index) out.push_back(u);
  return out;
}

bool same_type(const TensorType& a, const TensorType& b) { return a.dtype == b.dtype && a.shape == b.shape; }

/** True when `v` is a Const node whose every element equals `value` (small constants only). */
bool constant_all(const Graph& g, ValueRef v, double value) {
  const Node& n = g.node(v.node);
  if (n.kind != NodeKind::Constant || n.constant.numel() == 0 || n.constant.numel() > 65536) return false;
  if (n.constant.dtype() == DType::Bool || !(is_floating(n.constant.dtype()) || is_integer(n.constant.dtype())))
    return false;
  Tensor d = ops::cast(ops::to_host(n.constant), DType::Float64);
  const double* p = d.data<double>();
  return std::all_of(p, p + d.numel(), [value](double x) { return x == value; });
}

/** The transpose permutation of `n` with negative axes made positive. */
std::vector<int64_t> permutation(const Node& n) {
  std::vector<int64_t> p = attrs_as<attrs::Ints>(n.op, n.attrs).values;
  const auto rank = static_cast<int64_t>(p.size());
  for (int64_t& a : p)
    if (a < 0) a += rank;
  return p;
}

/** The value op node `n` (single output, inputs already final) always equals, if algebra says so. */
std::optional<ValueRef> simplified_value(const Graph& g, const Node& n) {
  const TensorType& out = n.outputs[0];
  auto passes_through = [&](size_t k) { return k < n.inputs.size() && same_type(g.type(n.inputs[k]), out); };
  auto constant = [&](size_t k, double value) { return k < n.inputs.size() && constant_all(g, n.inputs[k], value); };
  switch (n.op) {
    case OpId::identity:  // not stop_gradient: under an outer tape it must still stop the gradient
      return n.inputs[0];
    case OpId::cast:
    case OpId::reshape:
      if (passes_through(0)) return n.inputs[0];
      break;
    case OpId::transpose: {
      std::vector<int64_t> p2 = permutation(n);
      bool identity = true;
      for (size_t i = 0; i < p2.size(); ++i) identity = identity && p2[i] == static_cast<int64_t>(i);
      if (identity && passes_through(0)) return n.inputs[0];
      const Node& src = g.node(n.inputs[0].node);
      if (src.kind != NodeKind::Op || src.op != OpId::transpose) break;
      std::vector<int64_t> p1 = permutation(src);
      if (p1.size() != p2.size()) break;
      bool cancel = true;
      for (size_t i = 0; i < p2.size(); ++i) cancel = cancel && p1[static_cast<size_t>(p2[i])] == static_cast<int64_t>(i);
      if (cancel && same_type(g.type(src.inputs[0]), out)) return src.inputs[0];
      break;
    }
    case OpId::multiply:
      if (constant(1, 1) && passes_through(0)) return n.inputs[0];
      if (constant(0, 1) && passes_through(1)) return n.inputs[1];
      break;
    case OpId::divide:
      if (constant(1, 1) && passes_through(0)) return n.inputs[0];
      break;
    case OpId::add:
      if (constant(1, 0) && passes_through(0)) return n.inputs[0];
      if (constant(0, 0) && passes_through(1)) return n.inputs[1];
      break;
    case OpId::subtract:
      if (constant(1, 0) && passes_through(0)) return n.inputs[0];
      break;
    default:
      break;
  }
  return std::nullopt;
}

/**
 * reshape(reduce(x, axes, keepdims=True)) to the shape without the kept axes (a bias gradient summed over a
 * broadcast) -> reduce(x, axes, keepdims=False), rewritten in place when the reshape is the reduction's only reader.
 */
bool drop_kept_dims(const Graph& g, Node& n, const std::vector<std::vector<Use>>& uses) {
  if (n.op != OpId::reshape) return false;
  const ValueRef from = n.inputs[0];
  const Node& src = g.node(from.node);
  if (src.kind != NodeKind::Op || src.saved || !std::holds_alternative<attrs::Reduce>(src.attrs)) return false;
  const auto& reduce = attrs_as<attrs::Reduce>(src.op, src.attrs);
  if (!reduce.keepdims || readers(uses, from).size() != 1) return false;
  const Shape& in = g.type(src.inputs[0]).shape;
  if (reduce.axes.empty()) return false;
  std::vector<char> reduced(in.size(), 0);
  // The reduction ran when it was traced, so its axes are valid for its input's rank.
  for (int64_t axis : normalize_axes(reduce.axes, static_cast<int64_t>(in.size()), op_def(src.op).name))
    reduced[static_cast<size_t>(axis)] = 1;
  Shape without_kept;
  for (size_t d = 0; d < in.size(); ++d)
    if (!reduced[d]) without_kept.push_back(in[d]);
  if (without_kept != n.outputs[0].shape) return false;
  attrs::Reduce without = reduce;
  without.keepdims = false;
  n.op = src.op;
  n.attrs = without;
  n.inputs = src.inputs;
  return true;
}

/** Output bytes above which a value is not folded into a constant (TF bounds folded constants too). */
constexpr int64_t kMaxFoldedBytes = int64_t(1) << 20;

/** relu(add(x, bias)) -> bias_add_relu(x, bias), the add dropped; returns how many it fused. */
int fuse_bias_relu(Graph& g) {
  auto& nodes = g.nodes();
  const auto uses = uses_of(g);
  std::vector<char> keep(nodes.size(), 1);  // the sums fused away (nothing reads them any more)
  int fused = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node& relu = nodes[i];
    if (relu.kind != NodeKind::Op || relu.op != OpId::relu) continue;
    const ValueRef sum_ref = relu.inputs[0];
    const Node& sum = g.node(sum_ref.node);
    if (sum.kind != NodeKind::Op || sum.op != OpId::add) continue;
    const TensorType& x = g.type(sum.inputs[0]);
    const TensorType& bias = g.type(sum.inputs[1]);
    if (!is_floating(x.dtype) || x.shape.size() < 2 || bias.shape.size() != 1 || bias.dtype != x.dtype ||
        bias.shape[0] != x.shape.back() || !same_type(sum.outputs[0], x))
      continue;
    // The sum may feed only this relu and relu gradients (their mask x > 0 is the same on relu's output).
    std::vector<Use> grads;
    bool only_relu = true;
    for (const Use& u : readers(uses, sum_ref)) {
      if (u.node == static_cast<int32_t>(i)) continue;
      if (u.node >= 0 && nodes[static_cast<size_t>(u.node)].kind == NodeKind::Op &&
          nodes[static_cast<size_t>(u.node)].op == OpId::relu_grad && u.position == 1)
        grads.push_back(u);
      else
        only_relu = false;
    }
    if (!only_relu) continue;
    keep[static_cast<size_t>(sum_ref.node)] = 0;
    relu.op = OpId::bias_add_relu;
    relu.inputs = sum.inputs;
    for (const Use& u : grads) nodes[static_cast<size_t>(u.node)].inputs[1] = ValueRef{static_cast<int32_t>(i), 0};
    ++fused;
  }
  if (fused) compact(g, keep, {});
  return fused;
}

/**
 * max_pool2d(bias_add_relu(conv2d(x, w), b)) -> bias_add_relu(conv2d_max_pool(x, w), b), its traced backward
 * (max_pool2d_grad -> relu_grad -> bias sum, conv2d_backprop_input/filter) moved onto the pooled tensor and
 * conv2d_max_pool's gradient ops. Returns how many chains it fused; the pools and pool gradients it bypassed are
 * left dead.
 */
int fuse_conv_pool(Graph& g) {
  auto& nodes = g.nodes();
  const auto uses = uses_of(g);
  auto op_at = [&](int32_t i, OpId op) {
    return i >= 0 && nodes[static_cast<size_t>(i)].kind == NodeKind::Op && nodes[static_cast<size_t>(i)].op == op;
  };
  int fused = 0;
  for (size_t p = 0; p < nodes.size(); ++p) {
    Node& pool = nodes[p];
    if (pool.kind != NodeKind::Op || pool.op != OpId::max_pool2d) continue;
    const int32_t act_id = pool.inputs[0].node;
    if (!op_at(act_id, OpId::bias_add_relu) || pool.inputs[0].index != 0) continue;
    Node& act = nodes[static_cast<size_t>(act_id)];
    const int32_t conv_id = act.inputs[0].node;
    if (!op_at(conv_id, OpId::conv2d) || act.inputs[0].index != 0) continue;
    Node& conv = nodes[static_cast<size_t>(conv_id)];
    // The conv feeds only the activation; the activation the pool and relu gradients; the argmax pool gradients.
    bool ok = readers(uses, {conv_id, 0}).size() == 1;
    std::vector<int32_t> relu_grads, pool_grads;
    for (const Use& u : readers(uses, {act_id, 0})) {
      if (u.node == static_cast<int32_t>(p)) continue;
      if (op_at(u.node, OpId::relu_grad) && u.position == 1) relu_grads.push_back(u.node);
      else ok = false;
    }
    for (const Use& u : readers(uses, {static_cast<int32_t>(p), 1})) {
      if (op_at(u.node, OpId::max_pool2d_grad) && u.position == 1) pool_grads.push_back(u.node);
      else ok = false;
    }
    // Each relu gradient reads a pool gradient, which feeds only it; its result feeds the bias sum and conv grads.
    std::vector<std::pair<int32_t, int32_t>> pairs;  // (pool grad, relu grad)
    std::vector<int32_t> sums, input_grads, filter_grads;
    for (int32_t r : relu_grads) {
      const ValueRef from = nodes[static_cast<size_t>(r)].inputs[0];
      if (!op_at(from.node, OpId::max_pool2d_grad) ||
          std::find(pool_grads.begin(), pool_grads.end(), from.node) == pool_grads.end() ||
          readers(uses, from).size() != 1) {
        ok = false;
        continue;
      }
      pairs.emplace_back(from.node, r);
      for (const Use& u : readers(uses, {r, 0})) {
        const Node* reader = u.node >= 0 ? &nodes[static_cast<size_t>(u.node)] : nullptr;
        if (reader && reader->kind == NodeKind::Op && reader->op == OpId::reduce_sum &&
            attrs_as<attrs::Reduce>(reader->op, reader->attrs).axes == std::vector<int64_t>{0, 1, 2})
          sums.push_back(u.node);
        else if (op_at(u.node, OpId::conv2d_backprop_input) && u.position == 1 &&
                 reader->inputs[0] == conv.inputs[1])
          input_grads.push_back(u.node);
        else if (op_at(u.node, OpId::conv2d_backprop_filter) && u.position == 1 &&
                 reader->inputs[0] == conv.inputs[0])
          filter_grads.push_back(u.node);
        else
          ok = false;
      }
    }
    if (!ok || pairs.size() != pool_grads.size()) continue;
    const ops::Conv2dParams params = attrs_as<attrs::Conv2d>(conv.op, conv.attrs).params;
    const ops::Pool2dWindow window = attrs_as<attrs::Pool2d>(pool.op, pool.attrs).window;
    const bool backward = !pairs.empty();
    conv.op = OpId::conv2d_max_pool;
    conv.attrs = attrs::Conv2dMaxPool{params, window};
    conv.outputs = {pool.outputs[0]};
    if (backward) conv.outputs.push_back(TensorType{DType::Int32, pool.outputs[0].shape});  // the saved argmax
    conv.saved = backward ? 1 : 0;
    act.outputs = {pool.outputs[0]};
    const ValueRef argmax{conv_id, 1};
    for (auto [pg, r] : pairs) {
      Node& relu_grad = nodes[static_cast<size_t>(r)];
      relu_grad.inputs[0] = nodes[static_cast<size_t>(pg)].inputs[0];
      relu_grad.outputs = {pool.outputs[0]};
    }
    for (int32_t k : input_grads) {
      Node& n = nodes[static_cast<size_t>(k)];
      n.attrs = attrs::Conv2dMaxPoolBackprop{attrs_as<attrs::Conv2dBackprop>(n.op, n.attrs).sizes, params, window};
      n.op = OpId::conv2d_max_pool_backprop_input;
      n.inputs.push_back(argmax);
    }
    for (int32_t k : filter_grads) {
      Node& n = nodes[static_cast<size_t>(k)];
      n.attrs = attrs::Conv2dMaxPoolBackprop{attrs_as<attrs::Conv2dBackprop>(n.op, n.attrs).sizes, params, window};
      n.op = OpId::conv2d_max_pool_backprop_filter;
      n.inputs.push_back(argmax);
    }
    // The pool's value is now the activation's.
    for (Node& n : nodes)
      for (ValueRef& v : n.inputs)
        if (v.node == static_cast<int32_t>(p)) v = ValueRef{act_id, 0};
    for (ValueRef& v : g.outputs)
      if (v.node == static_cast<int32_t>(p)) v = ValueRef{act_id, 0};
    ++fused;
  }
  return fused;
}

/** Steps at most in one fused program (its scratch rows stay few and in L1). */
constexpr size_t kMaxFusedSteps = 64;

/** True when op node `n` may be a step of a fused element-wise program (float; operands its shape, scalars, rows). */
bool fusible_node(const Graph& g, const Node& n) {
  if (n.kind != NodeKind::Op || n.saved || n.outputs.size() != 1 || n.reuse_input >= 0 || !n.control_inputs.empty())
    return false;
  // bias_add_relu (fuse_patterns' relu(x + bias row)) is two steps, add then relu: the same element functions.
  const size_t arity = backend::fusible_unary(n.op) ? 1
                       : backend::fusible_binary(n.op) || n.op == OpId::bias_add_relu ? 2 : 0;
  const TensorType& out = n.outputs[0];
  if (arity == 0 || n.inputs.size() != arity || (out.dtype != DType::Float32 && out.dtype != DType::Float64))
    return false;
  for (ValueRef v : n.inputs) {
    const TensorType& in = g.type(v);
    if (in.dtype != out.dtype || !backend::fusible_operand_shape(in.shape, out.shape)) return false;
  }
  return true;
}

/** True when a node strictly between `from` and `to` other than `except` reads or writes `v`. */
bool accessed_between(const Graph& g, const Variable* v, int32_t from, int32_t to, int32_t except) {
  for (int32_t i = from + 1; i < to; ++i) {
    if (i == except) continue;
    const Node& n = g.node(i);
    if (n.variable == v || std::find(n.update_variables.begin(), n.update_variables.end(), v) != n.update_variables.end())
      return true;
    for (const auto& b : n.branches) {
      const std::vector<Variable*> inside = b->variables();
      if (std::find(inside.begin(), inside.end(), v) != inside.end()) return true;
    }
  }
  return false;
}

/** Element-wise ops whose kernel may write its output over an input of the output's dtype and shape. */
bool reuses_input(OpId op) {
  switch (op) {
    case OpId::negative: case OpId::abs: case OpId::exp: case OpId::log: case OpId::log1p: case OpId::expm1:
    case OpId::sqrt: case OpId::rsqrt: case OpId::square: case OpId::reciprocal: case OpId::sin: case OpId::cos:
    case OpId::tanh: case OpId::sigmoid: case OpId::relu:
    case OpId::add: case OpId::subtract: case OpId::multiply: case OpId::divide: case OpId::maximum:
    case OpId::minimum: case OpId::squared_difference: case OpId::relu_grad: case OpId::bias_add_relu:
    case OpId::fused_elementwise:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<char> live_nodes(const Graph& g) {
  const auto& nodes = g.nodes();
  std::vector<char> live(nodes.size(), 0);
  std::vector<int32_t> work;
  auto mark = [&](int32_t i) {
    if (!live[static_cast<size_t>(i)]) {
      live[static_cast<size_t>(i)] = 1;
      work.push_back(i);
    }
  };
  for (ValueRef v : g.outputs) mark(v.node);
  // Control edges only order accesses of a variable: a read nobody uses needs no order, so they mark nothing.
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].kind != NodeKind::ReadVariable && nodes[i].stateful()) mark(static_cast<int32_t>(i));
  while (!work.empty()) {
    const Node& n = nodes[static_cast<size_t>(work.back())];
    work.pop_back();
    for (ValueRef v : n.inputs) mark(v.node);
    if (n.step_from.node >= 0) mark(n.step_from.node);
    if (n.learning_rate_from.node >= 0) mark(n.learning_rate_from.node);
    if (n.u_product_from.node >= 0) mark(n.u_product_from.node);
  }
  return live;
}

int eliminate_dead_code(Graph& g) { return compact(g, live_nodes(g), {}); }

namespace {

/** Constants merge when they are the same tensor, or small ones of equal dtype, shape and bytes (a gradient's 1). */
std::string constant_key(const Tensor& t) {
  constexpr int64_t kMaxComparedBytes = 64;
  const int64_t bytes = t.numel() * static_cast<int64_t>(itemsize(t.dtype()));
  if (bytes > kMaxComparedBytes || t.device() != Device::CPU)
    return "const:" + std::to_string(reinterpret_cast<uintptr_t>(t.id()));
  const Tensor c = ops::contiguous(t);
  std::string key = str_cat("constval:", dtype_name(t.dtype()), shape_str(t.shape()), ":");
  key.append(static_cast<const char*>(c.raw_data()), static_cast<size_t>(bytes));
  return key;
}

}  // namespace

int eliminate_common_subexpressions(Graph& g) {
  const auto& nodes = g.nodes();
  std::vector<ValueRef> replace_with(nodes.size());
  std::vector<char> keep(nodes.size(), 1);
  std::unordered_map<std::string, int32_t> seen;
  auto canonical = [&](ValueRef v) {
    int32_t to = replace_with[static_cast<size_t>(v.node)].node;
    return to >= 0 ? ValueRef{to, v.index} : v;
  };
  const auto uses = uses_of(g);
  // Reads of a variable with no write of it in between see the same value: each write starts a new version.
  std::unordered_map<const Variable*, int64_t> version;
  int64_t writes_anywhere = 0;  // control flow and host callbacks may write any variable
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    std::string key;
    if (n.kind == NodeKind::AssignVariable) {
      ++version[n.variable];
      continue;
    }
    for (const Variable* v : n.update_variables)
      if (v) ++version[v];
    if (n.kind == NodeKind::Callback || n.kind == NodeKind::Cond || n.kind == NodeKind::While) {
      ++writes_anywhere;
      continue;
    }
    if (n.kind == NodeKind::ReadVariable) {
      // A read an optimizer update takes stays its own: plan_memory then updates the variable in place, uncopied.
      const bool feeds_update = std::any_of(uses[i].begin(), uses[i].end(), [&](const Use& u) {
        return u.node >= 0 && is_update(nodes[static_cast<size_t>(u.node)]);
      });
      if (feeds_update) continue;
      key = "read:" + std::to_string(reinterpret_cast<uintptr_t>(n.variable)) + ":" +
            std::to_string(version[n.variable]) + ":" + std::to_string(writes_anywhere);
    } else if (n.kind == NodeKind::Constant) {
      key = constant_key(n.constant);
    } else if (n.kind == NodeKind::Op && !n.stateful() && !is_random(n)) {
      bool known = false;
      std::string a = attrs_string(n.attrs, &known);
      if (!known) continue;
      key = std::string(op_def(n.op).name) + "[" + a + "]";
      for (ValueRef v : n.inputs) {
        ValueRef c = canonical(v);
        key += "(" + std::to_string(c.node) + ":" + std::to_string(c.index) + ")";
      }
    } else {
      continue;
    }
    auto [it, inserted] = seen.emplace(key, static_cast<int32_t>(i));
    if (!inserted) {
      replace_with[i] = ValueRef{it->second, 0};
      keep[i] = 0;
    }
  }
  // An access ordered after a merged read is ordered after the read that replaces it.
  for (Node& n : g.nodes())
    for (int32_t& c : n.control_inputs)
      if (!keep[static_cast<size_t>(c)]) c = replace_with[static_cast<size_t>(c)].node;
  return compact(g, keep, replace_with);
}

int fold_constants(Graph& g) {
  Unrecorded quiet;
  int folded = 0;
  for (Node& n : g.nodes()) {
    if (n.kind != NodeKind::Op || n.stateful() || is_random(n) || is_update(n) || n.saved || n.outputs.size() != 1)
      continue;
    const TensorType& type = n.outputs[0];
    if (numel(type.shape) * static_cast<int64_t>(itemsize(type.dtype)) > kMaxFoldedBytes) continue;
    const bool shape_only = n.op == OpId::zeros_like || n.op == OpId::ones_like;
    std::vector<Tensor> inputs;
    bool constant = true;
    for (ValueRef v : n.inputs) {
      const Node& src = g.node(v.node);
      if (src.kind == NodeKind::Constant)
        inputs.push_back(src.constant);
      else if (shape_only)  // only the shape is read
        inputs.push_back(Tensor::empty(g.type(v).shape, g.type(v).dtype, Device::CPU));
      else
        constant = false;
    }
    if (!constant) continue;
    std::vector<Tensor> out;
    try {
      out = ops::invoke(n.op, inputs, n.attrs);
    } catch (const std::exception&) {
      continue;  // the op's error belongs to the run (the unoptimised graph raises it there too)
    }
    if (out.size() != 1 || !same_type(TensorType{out[0].dtype(), out[0].shape()}, type)) continue;
    n.kind = NodeKind::Constant;
    n.constant = out[0];
    n.inputs.clear();
    n.attrs = attrs::None{};
    ++folded;
  }
  return folded;
}

int simplify_arithmetic(Graph& g) {
  Unrecorded quiet;
  const auto uses = uses_of(g);
  auto& nodes = g.nodes();
  std::vector<ValueRef> replace_with(nodes.size());
  std::vector<char> keep(nodes.size(), 1);
  int simplified = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    // Inputs point at what earlier rewrites left, so that chains (a cast of a cast) collapse in one sweep.
    for (ValueRef& v : n.inputs) {
      ValueRef to = replace_with[static_cast<size_t>(v.node)];
      if (to.node >= 0) v = ValueRef{to.node, to.index + v.index};
    }
    if (n.kind != NodeKind::Op || n.saved || n.outputs.size() != 1) continue;
    if (std::optional<ValueRef> same = simplified_value(g, n)) {
      replace_with[i] = *same;
      keep[i] = 0;
      ++simplified;
    } else if (drop_kept_dims(g, n, uses)) {
      ++simplified;  // the keepdims reduction it read is left to dead-code elimination
    }
  }
  compact(g, keep, replace_with);
  return simplified;
}

int fuse_patterns(Graph& g) {
  int fused = fuse_bias_relu(g);
  return fused + fuse_conv_pool(g);
}

int fuse_elementwise(Graph& g) {
  auto& nodes = g.nodes();
  const auto uses = uses_of(g);
  std::vector<char> absorbed(nodes.size(), 0);
  int fused = 0;
  // Roots last to first: a node no later step absorbed roots a tree of the steps that feed only it.
  for (size_t r = nodes.size(); r-- > 0;) {
    if (absorbed[r] || !fusible_node(g, nodes[r])) continue;
    std::vector<int32_t> group{static_cast<int32_t>(r)};
    for (size_t q = 0; q < group.size() && group.size() < kMaxFusedSteps; ++q) {
      for (ValueRef v : nodes[static_cast<size_t>(group[q])].inputs) {
        const std::vector<Use> read = readers(uses, v);
        if (read.size() != 1 || read[0].node != group[q] || !fusible_node(g, g.node(v.node)) ||
            g.type(v).shape != nodes[r].outputs[0].shape || group.size() >= kMaxFusedSteps)
          continue;  // read elsewhere too (another node, a graph output, a gradient), or not an element-wise step
        absorbed[static_cast<size_t>(v.node)] = 1;
        group.push_back(v.node);
      }
    }
    if (group.size() < 2) continue;
    std::sort(group.begin(), group.end());  // program order: operands before their readers
    attrs::Elementwise program;
    std::vector<ValueRef> inputs;
    std::unordered_map<int32_t, int32_t> step_of;  // member node -> its step
    auto value_of = [&](ValueRef v) {
      if (auto it = step_of.find(v.node); it != step_of.end()) return -1 - it->second;  // patched below
      auto at = std::find(inputs.begin(), inputs.end(), v);
      if (at == inputs.end()) at = inputs.insert(inputs.end(), v);
      return static_cast<int32_t>(at - inputs.begin());
    };
    for (int32_t m : group) {
      const Node& n = nodes[static_cast<size_t>(m)];
      const bool bias_relu = n.op == OpId::bias_add_relu;
      backend::ElementwiseStep step{bias_relu ? OpId::add : n.op, value_of(n.inputs[0]),
                                    n.inputs.size() > 1 ? value_of(n.inputs[1]) : -1};
      program.program.push_back(step);
      if (bias_relu)  // the relu of the add just pushed (step k's value is written -1 - k until patched below)
        program.program.push_back({OpId::relu, -static_cast<int32_t>(program.program.size()), -1});
      step_of.emplace(m, static_cast<int32_t>(program.program.size()) - 1);
    }
    // Step k's value was written -1 - k while the inputs were still being counted; it is numbered after them.
    program.num_inputs = static_cast<int32_t>(inputs.size());
    for (backend::ElementwiseStep& step : program.program) {
      if (step.a < 0) step.a = program.num_inputs - 1 - step.a;
      if (backend::fusible_binary(step.op) && step.b < 0) step.b = program.num_inputs - 1 - step.b;
    }
    Node& root = nodes[r];
    root.op = OpId::fused_elementwise;
    root.attrs = std::move(program);
    root.inputs = std::move(inputs);
    ++fused;
  }
  if (fused) {
    std::vector<char> keep(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) keep[i] = !absorbed[i];
    compact(g, keep, {});
  }
  return fused;
}

int plan_memory(Graph& g) {
  auto& nodes = g.nodes();
  int planned = 0;
  {
    // Updates in place: each variable input is a read only the update uses, each output written straight back.
    const auto uses = uses_of(g);
    std::vector<char> keep(nodes.size(), 1);
    std::vector<int32_t> control_to(nodes.size(), -1);  // dropped read / assign -> the update ordering in its place
    for (size_t u = 0; u < nodes.size(); ++u) {
      Node& update = nodes[u];
      if (!is_update(update) || !update.update_variables.empty() || update.inputs.size() < 2) continue;
      // var, grad, slots...: one input per output and the gradient, then a row gradient's indices
      const size_t variable_inputs =
          std::min(update.inputs.size(), update.outputs.size() - static_cast<size_t>(update.saved) + 1);
      const bool rows = update.inputs.size() > variable_inputs;
      std::vector<Variable*> variables(variable_inputs, nullptr);
      std::vector<int32_t> reads, kept_reads, assigns;
      bool ok = true;
      int32_t output = 0;
      for (size_t k = 0; k < variable_inputs && ok; ++k) {
        if (k == 1) continue;  // the gradient
        const int32_t r = update.inputs[k].node;
        const Node& read = nodes[static_cast<size_t>(r)];
        const std::vector<Use> written = readers(uses, ValueRef{static_cast<int32_t>(u), output++});
        ok = read.kind == NodeKind::ReadVariable && written.size() == 1 && written[0].node >= 0;
        if (!ok) break;
        const int32_t a = written[0].node;
        const Node& assign = nodes[static_cast<size_t>(a)];
        ok = assign.kind == NodeKind::AssignVariable && assign.variable == read.variable &&
             !accessed_between(g, read.variable, r, a, static_cast<int32_t>(u));
        variables[k] = read.variable;
        // A read others use too stays (its value is a snapshot: the update copies the variable first then).
        if (uses[static_cast<size_t>(r)].size() == 1) reads.push_back(r);
        else kept_reads.push_back(r);
        assigns.push_back(a);
      }
      if (!ok || output != static_cast<int32_t>(update.outputs.size()) - update.saved) continue;
      std::vector<int32_t> control = kept_reads;
      for (int32_t r : reads) {
        for (int32_t c : nodes[static_cast<size_t>(r)].control_inputs) control.push_back(c);
        keep[static_cast<size_t>(r)] = 0;
        control_to[static_cast<size_t>(r)] = static_cast<int32_t>(u);
      }
      for (int32_t a : assigns) {
        keep[static_cast<size_t>(a)] = 0;
        control_to[static_cast<size_t>(a)] = static_cast<int32_t>(u);
      }
      update.update_variables = std::move(variables);
      update.inputs = rows ? std::vector<ValueRef>{update.inputs[1], update.inputs.back()}
                           : std::vector<ValueRef>{update.inputs[1]};
      update.outputs.clear();
      update.saved = 0;
      update.control_inputs = std::move(control);
      ++planned;
    }
    if (planned) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        std::vector<int32_t> control;
        for (int32_t c : nodes[i].control_inputs) {
          int32_t to = control_to[static_cast<size_t>(c)] >= 0 ? control_to[static_cast<size_t>(c)] : c;
          if (to != static_cast<int32_t>(i) && std::find(control.begin(), control.end(), to) == control.end())
            control.push_back(to);
        }
        nodes[i].control_inputs = std::move(control);
      }
      compact(g, keep, {});
    }
  }
  // Buffer reuse: an element-wise op may overwrite an input produced by an op whose last reader it is.
  const auto uses = uses_of(g);
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    if (n.kind != NodeKind::Op || !reuses_input(n.op) || n.reuse_input >= 0 || n.outputs.size() != 1) continue;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      const ValueRef v = n.inputs[k];
      const Node& src = g.node(v.node);
      if (src.kind != NodeKind::Op || !same_type(g.type(v), n.outputs[0]) || !is_floating(n.outputs[0].dtype) ||
          std::count(n.inputs.begin(), n.inputs.end(), v) != 1)
        continue;
      bool dies_here = true;
      for (const Use& u : readers(uses, v)) dies_here = dies_here && u.node >= 0 && u.node <= static_cast<int32_t>(i);
      if (!dies_here) continue;
      n.reuse_input = static_cast<int32_t>(k);
      ++planned;
      break;
    }
  }
  return planned;
}

int with_branches(Graph& g, int (*pass)(Graph&)) {
  int total = 0;
  for (Node& n : g.nodes())
    for (auto& branch : n.branches) {
      auto own = std::make_shared<Graph>(*branch);
      total += with_branches(*own, pass);
      branch = std::move(own);
    }
  return total + pass(g);
}

}  // namespace pt::graph
