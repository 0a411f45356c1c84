#pragma once
/**
 * Symbolic graphs of registry ops (pt.function). A node is a registry op with its typed attributes, a function
 * input, a captured constant, a read or an assignment of a variable (captured by reference), or a host callback
 * (tf.print). Edges are node outputs with a dtype and a shape. Nodes are kept in program order, which is a
 * topological order; variable reads and writes also carry control edges to the previous access of their variable,
 * so that a pass that reorders nodes keeps each state update once and in order.
 */
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "../core/tensor.h"
#include "../ops/attrs.h"
#include "../ops/op_list.h"

namespace pt {
class Variable;
}

namespace pt::graph {

/** An edge: output `index` of node `node`. */
struct ValueRef {
  int32_t node = -1;
  int32_t index = 0;
  bool operator==(const ValueRef& o) const { return node == o.node && index == o.index; }
};

/** Dtype and shape of an edge (shapes are concrete: a function is traced per input shape). */
struct TensorType {
  DType dtype = DType::Float32;
  Shape shape;
};

/** What a node does. */
enum class NodeKind : uint8_t {
  Input,           // function argument number `input_index`
  Constant,        // a tensor captured by value at trace time
  Op,              // registry op `op` with `attrs`, re-run through invoke()
  ReadVariable,    // the current value of `variable`
  AssignVariable,  // variable = inputs[0]; no output
  Callback,        // a host function of its inputs (tf.print); runs on every call, in program order
  Cond,            // inputs: predicate (bool, or int32 branch index for switch_case), then each branch's captures
  While,           // inputs: loop variables, cond's captures, body's; branches: {cond, body}; outputs: final loop variables
};

class Graph;

/** A host function a Callback node runs with its input values. */
using HostFn = std::function<void(const std::vector<Tensor>&)>;

/** One node. */
struct Node {
  NodeKind kind = NodeKind::Op;
  std::string name;                      // unique in its graph: "matmul", "matmul_1", ...
  OpId op = OpId::identity;              // Op
  Attrs attrs;                           // Op
  std::vector<ValueRef> inputs;
  std::vector<int32_t> control_inputs;   // nodes that must run before this one (accesses of the same variable)
  std::vector<TensorType> outputs;        // Op: its outputs, then `saved` tensors its gradient reads
  int32_t saved = 0;                      // Op: how many of `outputs` are saved tensors (reported by the op)
  Tensor constant;                       // Constant
  Variable* variable = nullptr;          // ReadVariable, AssignVariable (kept alive by the function's owner)
  int32_t input_index = -1;              // Input
  HostFn callback;                       // Callback
  /** Cond: the branches; While: {cond, body}. Each takes its inputs (While: loop variables first) as graph inputs. */
  std::vector<std::shared_ptr<const Graph>> branches;
  /** How many captured inputs each branch takes: Cond, in order after the predicate; While, cond's then body's. */
  std::vector<int32_t> branch_captures;
  /** While: the number of loop variables, and the iteration limit (-1: none). */
  int32_t loop_vars = 0;
  int64_t maximum_iterations = -1;
  /** apply_adam, apply_nadam: `step` is this scalar value + 1 at run time (the optimizer's iterations); -1: none. */
  ValueRef step_from{};
  /** apply_nadam: its `u_product` (the momentum schedule's running product) is this scalar value at run time. */
  ValueRef u_product_from{};
  /** apply_*: its `learning_rate` is this scalar value at run time (the optimizer's learning-rate variable). */
  ValueRef learning_rate_from{};
  /**
   * apply_* updated in place (plan_memory): the variables it updates, at their input positions (null at the
   * gradient's); the node then has the gradient as its only input and no outputs.
   */
  std::vector<Variable*> update_variables;
  /** Op: output 0 may be written into input `reuse_input`'s buffer, whose last use this is (plan_memory); -1: none. */
  int32_t reuse_input = -1;

  /** The TF-style type name: the op's registry name, or Placeholder, Const, ReadVariableOp, AssignVariableOp, PrintV2. */
  std::string type_name() const;
  /** True when running the node changes state or talks to the host: passes never drop or merge it. */
  bool stateful() const;
};

/** A graph: nodes in program order, its inputs and outputs. */
class Graph {
 public:
  /** Appends `node`, giving it a unique name from `base`; returns its index. */
  int32_t add(Node node, const std::string& base);
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Node>& nodes() { return nodes_; }
  const Node& node(int32_t i) const { return nodes_[static_cast<size_t>(i)]; }
  const TensorType& type(ValueRef v) const { return node(v.node).outputs[static_cast<size_t>(v.index)]; }
  /** Function inputs, by argument position (node indices). */
  std::vector<int32_t> inputs;
  /** Function outputs. */
  std::vector<ValueRef> outputs;
  /** The variables the graph reads or writes, once each, in first-access order. */
  std::vector<Variable*> variables() const;
  /** One line a node: `name = Type[attrs](inputs) -> dtype shape`, then the outputs. */
  std::string to_string() const;
  /** Replaces the node list (passes); `remap[i]` is node i's new index or -1 when dropped. */
  void replace_nodes(std::vector<Node> nodes, const std::vector<int32_t>& remap);

 private:
  std::vector<Node> nodes_;
  std::unordered_map<std::string, int> name_counts_;  // base name -> nodes given it so far
};

/**
 * `a` rendered as `k=v, ...` for the structs whose fields the printer knows (None, Cast, Reduce, ArgReduce, Matmul,
 * TargetShape, Ints, Axis, Split, Gather, LeakyRelu, Gelu, Silu, Elementwise); otherwise empty with `known` false. Two attribute
 * values with the same known rendering are equal (common-subexpression elimination relies on it).
 */
std::string attrs_string(const Attrs& a, bool* known = nullptr);

}  // namespace pt::graph
