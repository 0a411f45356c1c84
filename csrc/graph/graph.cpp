#include "graph.h"

#include <sstream>
#include <unordered_set>
#include <utility>

#include "../core/variable.h"

namespace pt::graph {

namespace {

template <class T>
void put_list(std::ostringstream& os, const std::vector<T>& xs) {
  os << '[';
  for (size_t i = 0; i < xs.size(); ++i) os << (i ? ", " : "") << xs[i];
  os << ']';
}

/** Field rendering of the attribute structs the printer knows; false for the others. */
struct AttrsPrinter {
  std::ostringstream& os;
  bool operator()(const attrs::None&) const { return true; }
  bool operator()(const attrs::Cast& a) const { os << "dtype=" << dtype_name(a.dtype); return true; }
  bool operator()(const attrs::Reduce& a) const {
    os << "axes=";
    put_list(os, a.axes);
    os << ", keepdims=" << a.keepdims;
    return true;
  }
  bool operator()(const attrs::ArgReduce& a) const {
    os << "axis=" << a.axis << ", output_type=" << dtype_name(a.output_type);
    return true;
  }
  bool operator()(const attrs::Matmul& a) const {
    os << "transpose_a=" << a.transpose_a << ", transpose_b=" << a.transpose_b;
    return true;
  }
  bool operator()(const attrs::TargetShape& a) const { os << "shape=" << shape_str(a.shape); return true; }
  bool operator()(const attrs::Ints& a) const { os << "values="; put_list(os, a.values); return true; }
  bool operator()(const attrs::Axis& a) const { os << "axis=" << a.axis; return true; }
  bool operator()(const attrs::Split& a) const {
    os << "sizes=";
    put_list(os, a.sizes);
    os << ", axis=" << a.axis;
    return true;
  }
  bool operator()(const attrs::Gather& a) const { os << "axis=" << a.axis << ", batch_dims=" << a.batch_dims; return true; }
  bool operator()(const attrs::LeakyRelu& a) const { os.precision(17); os << "alpha=" << a.alpha; return true; }
  bool operator()(const attrs::Gelu& a) const { os << "approximate=" << a.approximate; return true; }
  bool operator()(const attrs::Silu& a) const { os.precision(17); os << "beta=" << a.beta; return true; }
  /** The program as one nested expression of its inputs x0, x1, ...: `sigmoid(add(multiply(x0, x1), x2))`. */
  bool operator()(const attrs::Elementwise& a) const {
    os << "program=";
    if (!a.program.empty()) expression(a, a.num_inputs + static_cast<int32_t>(a.program.size()) - 1);
    return true;
  }
  void expression(const attrs::Elementwise& a, int32_t value) const {
    if (value < a.num_inputs) {
      os << 'x' << value;
      return;
    }
    const backend::ElementwiseStep& s = a.program[static_cast<size_t>(value - a.num_inputs)];
    os << op_def(s.op).name << '(';
    expression(a, s.a);
    if (s.b >= 0) {
      os << ", ";
      expression(a, s.b);
    }
    os << ')';
  }
  template <class T>
  bool operator()(const T&) const { return false; }
};

}  // namespace

std::string attrs_string(const Attrs& a, bool* known) {
  std::ostringstream os;
  bool ok = std::visit(AttrsPrinter{os}, a);
  if (known) *known = ok;
  return ok ? os.str() : std::string();
}

std::string Node::type_name() const {
  switch (kind) {
    case NodeKind::Input: return "Placeholder";
    case NodeKind::Constant: return "Const";
    case NodeKind::ReadVariable: return "ReadVariableOp";
    case NodeKind::AssignVariable: return "AssignVariableOp";
    case NodeKind::Callback: return "PrintV2";
    case NodeKind::Cond: return branches.size() == 2 ? "If" : "Case";
    case NodeKind::While: return "While";
    case NodeKind::Op: break;
  }
  return op_def(op).name;
}

bool Node::stateful() const {
  switch (kind) {
    case NodeKind::AssignVariable:
    case NodeKind::Callback:
    case NodeKind::ReadVariable:  // its value depends on when it runs
      return true;
    case NodeKind::Cond:
    case NodeKind::While:
      for (const auto& b : branches)
        for (const Node& n : b->nodes())
          if (n.stateful() && n.kind != NodeKind::ReadVariable) return true;
      return false;
    case NodeKind::Op:
      return !update_variables.empty();
    default:
      return false;
  }
}

int32_t Graph::add(Node node, const std::string& base) {
  int& count = name_counts_[base];
  node.name = count ? str_cat(base, "_", count) : base;
  ++count;
  nodes_.push_back(std::move(node));
  return static_cast<int32_t>(nodes_.size() - 1);
}

std::vector<Variable*> Graph::variables() const {
  std::vector<Variable*> out;
  std::unordered_set<Variable*> seen;
  auto see = [&](Variable* v) {
    if (v && seen.insert(v).second) out.push_back(v);
  };
  for (const Node& n : nodes_) {
    see(n.variable);
    for (Variable* v : n.update_variables) see(v);
    for (const auto& b : n.branches)
      for (Variable* v : b->variables()) see(v);
  }
  return out;
}

void Graph::replace_nodes(std::vector<Node> nodes, const std::vector<int32_t>& remap) {
  auto fix = [&](ValueRef& v) { v.node = remap[static_cast<size_t>(v.node)]; };
  for (Node& n : nodes) {
    for (ValueRef& v : n.inputs) fix(v);
    if (n.step_from.node >= 0) fix(n.step_from);
    if (n.learning_rate_from.node >= 0) fix(n.learning_rate_from);
    if (n.u_product_from.node >= 0) fix(n.u_product_from);
    std::vector<int32_t> control;
    for (int32_t c : n.control_inputs)
      if (remap[static_cast<size_t>(c)] >= 0) control.push_back(remap[static_cast<size_t>(c)]);
    n.control_inputs = std::move(control);
  }
  for (int32_t& i : inputs) i = remap[static_cast<size_t>(i)];
  for (ValueRef& v : outputs) fix(v);
  nodes_ = std::move(nodes);
}

std::string Graph::to_string() const {
  std::ostringstream os;
  auto ref = [&](ValueRef v) {
    const Node& n = node(v.node);
    return n.outputs.size() > 1 ? str_cat(n.name, ":", v.index) : n.name;
  };
  for (const Node& n : nodes_) {
    os << n.name << " = " << n.type_name();
    if (n.kind == NodeKind::Op) {
      bool known = false;
      std::string a = attrs_string(n.attrs, &known);
      if (!a.empty()) os << '[' << a << ']';
      else if (!known) os << '[' << attrs_name(n.attrs) << ']';
    }
    if (n.variable) os << "['" << n.variable->name() << "']";
    if (!n.update_variables.empty()) {
      os << "[in_place=";
      const char* sep = "";
      for (Variable* v : n.update_variables)
        if (v) os << std::exchange(sep, ", ") << '\'' << v->name() << '\'';
      os << ']';
    }
    if (n.reuse_input >= 0) os << "[reuse_input=" << n.reuse_input << ']';
    if (n.kind == NodeKind::Input) os << "[index=" << n.input_index << ']';
    os << '(';
    for (size_t i = 0; i < n.inputs.size(); ++i) os << (i ? ", " : "") << ref(n.inputs[i]);
    for (size_t i = 0; i < n.control_inputs.size(); ++i)
      os << (i || !n.inputs.empty() ? ", " : "") << '^' << node(n.control_inputs[i]).name;
    os << ')';
    for (size_t i = 0; i < n.outputs.size(); ++i)
      os << (i ? ", " : " -> ") << dtype_name(n.outputs[i].dtype) << shape_str(n.outputs[i].shape);
    os << '\n';
    for (size_t b = 0; b < n.branches.size(); ++b) {
      const char* label = n.kind == NodeKind::While ? (b ? "body" : "cond") : nullptr;
      os << "  " << (label ? std::string(label) : "branch " + std::to_string(b)) << ":\n";
      std::string inner = n.branches[b]->to_string();
      for (size_t start = 0; start < inner.size();) {
        size_t end = inner.find('\n', start);
        os << "    " << inner.substr(start, end - start) << '\n';
        start = end + 1;
      }
    }
  }
  os << "return (";
  for (size_t i = 0; i < outputs.size(); ++i) os << (i ? ", " : "") << ref(outputs[i]);
  os << ")\n";
  return os.str();
}

}  // namespace pt::graph
