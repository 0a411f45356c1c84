#include "passes.h"

#include <string>
#include <unordered_map>

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
  // Edges to a replaced node point at its replacement first, then everything is renumbered.
  auto redirect = [&](ValueRef& v) {
    if (!replace_with.empty() && replace_with[static_cast<size_t>(v.node)].node >= 0)
      v = ValueRef{replace_with[static_cast<size_t>(v.node)].node, v.index};
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

}  // namespace

int eliminate_dead_code(Graph& g) {
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
  return compact(g, live, {});
}

int eliminate_common_subexpressions(Graph& g) {
  const auto& nodes = g.nodes();
  std::vector<ValueRef> replace_with(nodes.size());
  std::vector<char> keep(nodes.size(), 1);
  std::unordered_map<std::string, int32_t> seen;
  auto canonical = [&](ValueRef v) {
    int32_t to = replace_with[static_cast<size_t>(v.node)].node;
    return to >= 0 ? ValueRef{to, v.index} : v;
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    std::string key;
    if (n.kind == NodeKind::Constant) {
      key = "const:" + std::to_string(reinterpret_cast<uintptr_t>(n.constant.id()));
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
  return compact(g, keep, replace_with);
}

}  // namespace pt::graph
