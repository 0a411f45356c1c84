#include "capture.h"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "executor.h"
#include "passes.h"
#include "../ops/ops.h"

namespace pt::graph {

namespace {
thread_local Capture* g_active = nullptr;
thread_local std::optional<OpId> g_python_op;  // PythonOpCall's op, until its node is recorded

/** A symbolic tensor that outlived the trace of its function: the tensor (while it lives) and what to call it. */
struct OutOfScope {
  std::weak_ptr<const TensorImpl> handle;
  std::string name;      // in its graph: "add:0"
  std::string function;  // the tf.function's name
};
std::mutex g_out_of_scope_mutex;
std::unordered_map<const TensorImpl*, OutOfScope> g_out_of_scope;
std::atomic<size_t> g_out_of_scope_size{0};  // read without the lock: most tensors never meet one

TensorType type_of(const Tensor& t) { return TensorType{t.dtype(), t.shape()}; }
}  // namespace

Capture::Capture(const std::vector<Tensor>& args, bool lexical, const std::vector<std::string>& names)
    : graph_(std::make_shared<Graph>()), lexical_(lexical) {
  for (size_t i = 0; i < args.size(); ++i) {
    Node n;
    n.kind = NodeKind::Input;
    n.input_index = static_cast<int32_t>(i);
    n.outputs = {type_of(args[i])};
    int32_t id = graph_->add(std::move(n), i < names.size() && !names[i].empty() ? names[i] : "args_" + std::to_string(i));
    graph_->inputs.push_back(id);
    arguments_.insert(args[i].id());
    bind(args[i], ValueRef{id, 0}, true, -1, true);
  }
}

Capture::~Capture() { end(); }

Capture* Capture::active() { return g_active; }

void Capture::begin() {
  if (active_) return;
  auto& state = autograd::thread_state();
  previous_ = g_active;
  previous_op_observer_ = state.observer;
  previous_variable_observer_ = variable_observer();
  state.observer = this;
  variable_observer() = this;
  g_active = this;
  active_ = true;
  previous_deferral_ = value_error_deferral().active;
  value_error_deferral().active = true;
}

void Capture::end() {
  if (!active_) return;
  autograd::thread_state().observer = previous_op_observer_;
  variable_observer() = previous_variable_observer_;
  g_active = previous_;
  active_ = false;
  value_error_deferral().active = previous_deferral_;
  value_error_deferral().pending = nullptr;  // an op that failed without reporting itself: thrown already or unused
}

void Capture::bind(const Tensor& t, ValueRef v, bool symbolic, int32_t deferred, bool from_input) {
  values_[t.id()] = Bound{v,          t.weak_id(), symbolic, deferred, from_input, t.storage(), t.shape(),
                          t.strides(), t.offset(),  t.dtype()};
}

void Capture::note_literal(const Tensor& t) {
  if (watch_sizes_) literals_[t.id()] = t.weak_id();
}

void Capture::note_size_read(const Tensor& t) {
  if (!watch_sizes_ || !size_note_.empty()) return;
  const Bound* b = find(t);
  if (b && b->from_input)
    size_note_ = str_cat("Python read the shape ", shape_str(t.shape()), " of ", graph_->node(b->value.node).name,
                         ":", b->value.index);
}

void Capture::note_size_dependence(const std::string& why) {
  if (watch_sizes_ && size_note_.empty()) size_note_ = why;
}

PythonOpCall::PythonOpCall(OpId op) : previous_(g_python_op) { g_python_op = op; }

PythonOpCall::~PythonOpCall() { g_python_op = previous_; }

bool size_free_op(OpId op, bool from_python) {
  if (from_python && (op == OpId::reshape || op == OpId::broadcast_to)) return true;
  const std::string family = op_def(op).family;
  if (family == "unary" || family == "special" || family == "activation" || family == "reduce") return true;
  if (family == "binary") return op != OpId::fused_elementwise;
  switch (op) {
    case OpId::matmul:
    case OpId::softmax:
    case OpId::log_softmax:
    case OpId::transpose:
    case OpId::expand_dims:
    case OpId::concat:
    case OpId::stack:
      return true;
    default:
      return false;
  }
}

std::string Capture::size_dependence() const {
  if (!watch_sizes_) return "the trace did not watch its sizes";
  if (!size_note_.empty()) return size_note_;
  const std::vector<Node>& nodes = graph_->nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    switch (n.kind) {
      case NodeKind::Input:
      case NodeKind::ReadVariable:
      case NodeKind::AssignVariable:
        break;
      case NodeKind::Constant:
        if (auto it = literals_.find(n.constant.id());
            it == literals_.end() || it->second.lock().get() != n.constant.id())
          return str_cat("constant ", n.name, " ", shape_str(n.constant.shape()), " was not written in Python");
        break;
      case NodeKind::Op:
        if (!size_free_op(n.op, from_python_.count(static_cast<int32_t>(i)) > 0))
          return str_cat("op ", n.name, " (", op_def(n.op).name, ") may hold a size");
        // (the executor hides an op that saves tensors from observers, so a replay could not record it)
        if (n.saved || n.step_from.node >= 0 || n.u_product_from.node >= 0 || n.learning_rate_from.node >= 0)
          return str_cat("op ", n.name, " reads run-time state");
        break;
      case NodeKind::Callback:
      case NodeKind::Cond:
      case NodeKind::While:
        return str_cat(n.type_name(), " node ", n.name);
    }
  }
  return std::string();
}

void Capture::raise_deferred(const Tensor& t) const {
  const Bound* b = find(t);
  if (b && b->deferred >= 0) std::rethrow_exception(deferred_[static_cast<size_t>(b->deferred)].second);
}

const Capture::Bound* Capture::find(const Tensor& t) const {
  auto it = values_.find(t.id());
  if (it == values_.end()) return nullptr;
  // Storage lives in its own control block while weakly held, so a live match is the traced tensor's very memory;
  // a tensor at a dead one's address over that memory with the same layout holds the same values.
  const Bound& b = it->second;
  const bool same = b.storage.lock() == t.storage() && b.offset == t.offset() && b.dtype == t.dtype() &&
                    b.shape == t.shape() && b.strides == t.strides();
  return same ? &b : nullptr;
}

bool Capture::symbolic(const Tensor& t) const {
  const Bound* b = find(t);
  return b && b->symbolic;
}

std::string Capture::name_of(const Tensor& t) const {
  if (!symbolic(t)) return std::string();
  ValueRef v = find(t)->value;
  return str_cat(graph_->node(v.node).name, ":", v.index);
}

ValueRef Capture::value_of(const Tensor& t) {
  if (const Bound* b = find(t)) return b->value;
  if (auto where = out_of_scope(t))
    throw TypeError(str_cat("<pt.Tensor '", where->first, "' shape=", shape_str(t.shape()), " dtype=",
                            dtype_name(t.dtype()), "> is out of scope and cannot be used here. Use return values, "
                            "explicit Python locals or TensorFlow collections to access it. It was defined in the "
                            "graph of tf.function '", where->second, "', which is out of scope: a tensor a function "
                            "computes and stores outside it (in a global, an attribute) belongs to its graph; return "
                            "it from the function instead"));
  if (lexical_) {
    Node in;
    in.kind = NodeKind::Input;
    in.input_index = static_cast<int32_t>(graph_->inputs.size());
    in.outputs = {type_of(t)};
    int32_t id = graph_->add(std::move(in), "captured");
    graph_->inputs.push_back(id);
    captured_.push_back(t);
    ValueRef v{id, 0};
    bind(t, v, true, -1, true);
    return v;
  }
  Node n;
  n.kind = NodeKind::Constant;
  n.constant = t;
  n.outputs = {type_of(t)};
  ValueRef v{graph_->add(std::move(n), "Const"), 0};
  bind(t, v, false);
  return v;
}

void Capture::remember(const Variable& v, const Tensor* value) {
  if (last_access_.count(&v)) return;
  // Copy-on-write keeps this snapshot's storage unchanged by later writes while it is held.
  VariableObserver* self = variable_observer();
  variable_observer() = nullptr;
  Tensor snapshot = value ? *value : v.read();
  variable_observer() = self;
  first_values_.push_back({const_cast<Variable*>(&v), v.lifetime(), snapshot});
}

void Capture::on_create(const Variable& v) {
  ++variables_created_;
  created_.push_back(v.lifetime());
  remember(v, nullptr);
  last_access_[&v] = -1;  // created here: no earlier access to order after
}

int Capture::variables_dropped() const {
  int dropped = 0;
  for (const auto& lifetime : created_) dropped += lifetime.expired();
  return dropped;
}

void Capture::restore_variables() {
  for (auto& first : first_values_)
    if (!first.lifetime.expired()) first.variable->assign(first.value);
  first_values_.clear();
}

void Capture::order_access(const Variable& v, int32_t i) {
  auto it = last_access_.find(&v);
  if (it != last_access_.end() && it->second >= 0) graph_->nodes()[static_cast<size_t>(i)].control_inputs.push_back(it->second);
  last_access_[&v] = i;
}

void Capture::on_op(OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
                    const Attrs& attrs, const std::vector<Tensor>& saved) {
  Node n;
  n.kind = NodeKind::Op;
  n.op = op;
  n.attrs = attrs;
  bool symbolic = false;
  bool from_input = false;
  int32_t deferred = -1;  // the first failed op this one's inputs depend on
  for (const Tensor& t : inputs) {
    n.inputs.push_back(value_of(t));
    symbolic = symbolic || Capture::symbolic(t);
    const Bound* b = find(t);
    from_input = from_input || b->from_input;
    if (deferred < 0) deferred = b->deferred;
  }
  // A fused RNN's mask is an attribute: traced, it is the node's last input, which the executor puts back into the
  // attribute on each run, so that every batch runs with its own mask (not the trace's).
  if (const auto* rnn = std::get_if<attrs::Rnn>(&attrs); rnn && rnn->options.mask.defined()) {
    n.inputs.push_back(value_of(rnn->options.mask));
    symbolic = symbolic || Capture::symbolic(rnn->options.mask);
  }
  for (const Tensor& t : outputs) n.outputs.push_back(type_of(t));
  // Tensors only the gradient reads (a softmax, an argmax, a dropout mask) are the node's extra outputs, so that a
  // gradient traced in the same graph reads this run's, not the trace's.
  for (const Tensor& t : saved) n.outputs.push_back(t.defined() ? type_of(t) : TensorType{});  // undefined: unsaved
  n.saved = static_cast<int32_t>(saved.size());
  if (op == OpId::apply_adam || op == OpId::apply_nadam) n.step_from = step_source_;
  if (op == OpId::apply_nadam) n.u_product_from = u_product_source_;
  if (std::string(op_def(op).family) == "optim") n.learning_rate_from = learning_rate_source_;
  const bool update = std::string(op_def(op).family) == "optim";
  // (an update would change state with values the op never had)
  if (update && deferred >= 0) std::rethrow_exception(deferred_[static_cast<size_t>(deferred)].second);
  std::vector<Variable*> updated;
  if (update) {
    // An optimizer update is reported as a pure op (var, grad, slots...[, indices]) -> (var, slots...) on values
    // read from the variables (ops/optim.cpp); the graph writes its outputs back to the variables they were read from.
    const size_t variable_inputs = std::min(inputs.size(), outputs.size() + 1);  // a row gradient's indices follow
    for (size_t k = 0; k < variable_inputs; ++k) {
      if (k == 1) continue;  // the gradient
      const Node& src = graph_->node(n.inputs[k].node);
      check_arg(src.kind == NodeKind::ReadVariable, "function: ", op_def(op).name,
                "'s input ", k, " is not a variable read; cannot trace this update");
      updated.push_back(src.variable);
    }
  }
  int32_t id = graph_->add(std::move(n), op_def(op).name);
  if (g_python_op == op) {  // (the call's own node: ops it runs inside are not recorded)
    if (watch_sizes_) from_python_.insert(id);
    g_python_op.reset();
  }
  if (ValueErrorDeferral& d = value_error_deferral(); d.pending) {
    // The op failed a check of its input values: its outputs are zeros standing for values it never had, unknown
    // to Python (symbolic) until finish() prunes the op or raises its error.
    deferred = static_cast<int32_t>(deferred_.size());
    deferred_.emplace_back(id, d.pending);
    d.pending = nullptr;
    symbolic = true;
  }
  for (size_t k = 0; k < outputs.size(); ++k)
    bind(outputs[k], ValueRef{id, static_cast<int32_t>(k)}, symbolic, deferred, from_input);
  for (size_t k = 0; k < saved.size(); ++k)
    if (saved[k].defined())
      bind(saved[k], ValueRef{id, static_cast<int32_t>(outputs.size() + k)}, symbolic, deferred, from_input);
  for (size_t k = 0; k < updated.size() && k < outputs.size(); ++k) {
    Node assign;
    assign.kind = NodeKind::AssignVariable;
    assign.variable = updated[k];
    assign.inputs = {ValueRef{id, static_cast<int32_t>(k)}};
    order_access(*updated[k], graph_->add(std::move(assign), "AssignVariableOp"));
  }
}

void Capture::on_read(const Variable& v, const Tensor& value) {
  Node n;
  n.kind = NodeKind::ReadVariable;
  n.variable = const_cast<Variable*>(&v);
  n.outputs = {type_of(value)};
  remember(v, &value);
  int32_t id = graph_->add(std::move(n), "ReadVariableOp");
  order_access(v, id);
  bind(value, ValueRef{id, 0}, true);
}

void Capture::on_assign(Variable& v, const Tensor& value) {
  Node n;
  n.kind = NodeKind::AssignVariable;
  n.variable = &v;
  n.inputs = {value_of(value)};
  raise_deferred(value);
  remember(v, nullptr);
  int32_t id = graph_->add(std::move(n), "AssignVariableOp");
  order_access(v, id);
}

void Capture::add_callback(HostFn fn, const std::vector<Tensor>& inputs, const std::string& name) {
  Node n;
  n.kind = NodeKind::Callback;
  n.callback = std::move(fn);
  for (const Tensor& t : inputs) {
    n.inputs.push_back(value_of(t));
    raise_deferred(t);
  }
  graph_->add(std::move(n), name);
}

void Capture::set_optimizer_sources(const Variable* iterations, const Variable* learning_rate,
                                    const Variable* u_product) {
  // Each read is a ReadVariable node, ordered among its variable's accesses (on_read).
  step_source_ = iterations ? find(iterations->read())->value : ValueRef{};
  learning_rate_source_ = learning_rate ? find(learning_rate->read())->value : ValueRef{};
  u_product_source_ = u_product ? find(u_product->read())->value : ValueRef{};
}

std::vector<Tensor> Capture::add_control_flow(Node node, const std::vector<Tensor>& inputs) {
  for (const Tensor& t : inputs) {
    node.inputs.push_back(value_of(t));
    raise_deferred(t);  // (the branches would run on values it never had)
  }
  // Ops the branches run now are theirs, not this graph's, and raise their errors as an executor's do.
  autograd::thread_state().observer = nullptr;
  VariableObserver* self = variable_observer();
  variable_observer() = nullptr;
  ThrowValueErrors throw_value_errors;
  std::vector<Tensor> outputs;
  try {
    outputs = run_control_flow(node, inputs);
    // A branch that returns a tensor it was given returns that very tensor: the node's output needs an identity
    // of its own, or binding it below would make every later use of the input read the node's output.
    for (Tensor& t : outputs)
      if (find(t)) t = ops::reshape(t, t.shape());
  } catch (...) {
    autograd::thread_state().observer = this;
    variable_observer() = self;
    throw;
  }
  autograd::thread_state().observer = this;
  variable_observer() = self;
  for (const Tensor& t : outputs) node.outputs.push_back(type_of(t));
  std::vector<Variable*> accessed;
  for (const auto& b : node.branches)
    for (Variable* v : b->variables()) accessed.push_back(v);
  const char* base = node.kind == NodeKind::While ? "while" : "cond";
  int32_t id = graph_->add(std::move(node), base);
  for (Variable* v : accessed) order_access(*v, id);
  for (size_t k = 0; k < outputs.size(); ++k) bind(outputs[k], ValueRef{id, static_cast<int32_t>(k)}, true, -1, true);
  return outputs;
}

std::shared_ptr<Graph> Capture::finish_function(const std::vector<Tensor>& outputs, const std::string& function) {
  for (const Tensor& t : outputs) graph_->outputs.push_back(value_of(t));
  {
    std::lock_guard<std::mutex> lock(g_out_of_scope_mutex);
    for (auto it = g_out_of_scope.begin(); it != g_out_of_scope.end();)  // forget the ones that died since
      it = it->second.handle.expired() ? g_out_of_scope.erase(it) : std::next(it);
    for (const auto& [id, bound] : values_) {
      if (!bound.symbolic || arguments_.count(id) || bound.handle.expired()) continue;
      const Node& node = graph_->node(bound.value.node);
      if (node.kind == NodeKind::Input) continue;
      g_out_of_scope[id] = {bound.handle, str_cat(node.name, ":", bound.value.index), function};
    }
    g_out_of_scope_size = g_out_of_scope.size();
  }
  return finish({});
}

std::optional<std::pair<std::string, std::string>> out_of_scope(const Tensor& t) {
  if (g_out_of_scope_size == 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(g_out_of_scope_mutex);
  auto it = g_out_of_scope.find(t.id());
  if (it == g_out_of_scope.end() || it->second.handle.lock().get() != t.id()) return std::nullopt;
  return std::make_pair(it->second.name, it->second.function);
}

std::shared_ptr<Graph> Capture::finish(const std::vector<Tensor>& outputs) {
  for (const Tensor& t : outputs) graph_->outputs.push_back(value_of(t));
  end();
  values_.clear();
  size_violation_ = size_dependence();
  literals_.clear();
  from_python_.clear();
  if (!deferred_.empty()) {
    const std::vector<char> live = live_nodes(*graph_);
    for (const auto& [node, error] : deferred_)  // program order: the error eager execution would raise first
      if (live[static_cast<size_t>(node)]) std::rethrow_exception(error);
    eliminate_dead_code(*graph_);
    deferred_.clear();
  }
  return std::move(graph_);
}

}  // namespace pt::graph
