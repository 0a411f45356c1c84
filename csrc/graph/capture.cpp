#include "capture.h"

#include "executor.h"
#include "../ops/ops.h"

namespace pt::graph {

namespace {
thread_local Capture* g_active = nullptr;

TensorType type_of(const Tensor& t) { return TensorType{t.dtype(), t.shape()}; }
}  // namespace

Capture::Capture(const std::vector<Tensor>& args, bool lexical) : graph_(std::make_shared<Graph>()), lexical_(lexical) {
  for (size_t i = 0; i < args.size(); ++i) {
    Node n;
    n.kind = NodeKind::Input;
    n.input_index = static_cast<int32_t>(i);
    n.outputs = {type_of(args[i])};
    int32_t id = graph_->add(std::move(n), "args_" + std::to_string(i));
    graph_->inputs.push_back(id);
    bind(args[i], ValueRef{id, 0}, true);
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
}

void Capture::end() {
  if (!active_) return;
  autograd::thread_state().observer = previous_op_observer_;
  variable_observer() = previous_variable_observer_;
  g_active = previous_;
  active_ = false;
}

void Capture::bind(const Tensor& t, ValueRef v, bool symbolic) {
  values_[t.id()] = Bound{v, symbolic, t.storage(), t.shape(), t.strides(), t.offset(), t.dtype()};
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
  if (lexical_) {
    Node in;
    in.kind = NodeKind::Input;
    in.input_index = static_cast<int32_t>(graph_->inputs.size());
    in.outputs = {type_of(t)};
    int32_t id = graph_->add(std::move(in), "captured");
    graph_->inputs.push_back(id);
    captured_.push_back(t);
    ValueRef v{id, 0};
    bind(t, v, true);
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
  remember(v, nullptr);
  last_access_[&v] = -1;  // created here: no earlier access to order after
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
  for (const Tensor& t : inputs) {
    n.inputs.push_back(value_of(t));
    symbolic = symbolic || Capture::symbolic(t);
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
  std::vector<Variable*> updated;
  if (update) {
    // An optimizer update is reported as a pure op (var, grad, slots...) -> (var, slots...) on values read from
    // the variables (ops/optim.cpp); the graph writes its outputs back to the variables they were read from.
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (k == 1) continue;  // the gradient
      const Node& src = graph_->node(n.inputs[k].node);
      check_arg(src.kind == NodeKind::ReadVariable, "function: ", op_def(op).name,
                "'s input ", k, " is not a variable read; cannot trace this update");
      updated.push_back(src.variable);
    }
  }
  int32_t id = graph_->add(std::move(n), op_def(op).name);
  for (size_t k = 0; k < outputs.size(); ++k) bind(outputs[k], ValueRef{id, static_cast<int32_t>(k)}, symbolic);
  for (size_t k = 0; k < saved.size(); ++k)
    if (saved[k].defined()) bind(saved[k], ValueRef{id, static_cast<int32_t>(outputs.size() + k)}, symbolic);
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
  remember(v, nullptr);
  int32_t id = graph_->add(std::move(n), "AssignVariableOp");
  order_access(v, id);
}

void Capture::add_callback(HostFn fn, const std::vector<Tensor>& inputs, const std::string& name) {
  Node n;
  n.kind = NodeKind::Callback;
  n.callback = std::move(fn);
  for (const Tensor& t : inputs) n.inputs.push_back(value_of(t));
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
  for (const Tensor& t : inputs) node.inputs.push_back(value_of(t));
  // Ops the branches run now are theirs, not this graph's.
  autograd::thread_state().observer = nullptr;
  VariableObserver* self = variable_observer();
  variable_observer() = nullptr;
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
  for (size_t k = 0; k < outputs.size(); ++k) bind(outputs[k], ValueRef{id, static_cast<int32_t>(k)}, true);
  return outputs;
}

std::shared_ptr<Graph> Capture::finish(const std::vector<Tensor>& outputs) {
  for (const Tensor& t : outputs) graph_->outputs.push_back(value_of(t));
  end();
  values_.clear();
  return std::move(graph_);
}

}  // namespace pt::graph
