#include "serialize.h"

#include <cstring>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "../core/variable.h"
#include "../ops/ops.h"

namespace pt::graph {

namespace {

constexpr char kMagic[8] = {'P', 'T', 'G', 'R', 'A', 'P', 'H', '\0'};
/** Deepest nesting of cond / while branches a file may hold (a guard against crafted recursion). */
constexpr int kMaxDepth = 64;

// The fields of each attribute struct are written and read in PT_ATTR_FIELDS' order (ops/attrs.h), the one
// description the bindings use too.

/** Enumerations stored as integers, with their largest valid value. */
template <class E> struct EnumLimit;
using RnnActivation = decltype(ops::RnnOptions::activation);  // named by its use: its namespace may move
template <> struct EnumLimit<RnnActivation> { static constexpr int64_t max = static_cast<int64_t>(RnnActivation::HardSigmoid); };
template <> struct EnumLimit<ops::IndexItem::Kind> { static constexpr int64_t max = ops::IndexItem::NewAxis; };
template <> struct EnumLimit<NodeKind> { static constexpr int64_t max = static_cast<int64_t>(NodeKind::While); };

/** The Attrs alternative named `name`, default-constructed; false when no struct has that name. */
template <size_t I = 0>
bool make_attrs(const std::string& name, Attrs& out) {
  if constexpr (I < std::variant_size_v<Attrs>) {
    using T = std::variant_alternative_t<I, Attrs>;
    if (name == T::kName) {
      out = T{};
      return true;
    }
    return make_attrs<I + 1>(name, out);
  } else {
    return false;
  }
}

/** The registry op named `name`, or false. */
bool find_op(const std::string& name, OpId* out) {
  static const std::unordered_map<std::string, OpId> by_name = [] {
    std::unordered_map<std::string, OpId> m;
    const auto& rows = op_registry();
    for (size_t i = 0; i < rows.size(); ++i) m.emplace(rows[i].name, static_cast<OpId>(i));
    return m;
  }();
  auto it = by_name.find(name);
  if (it == by_name.end()) return false;
  *out = it->second;
  return true;
}

// ---- writing ------------------------------------------------------------------------------------------------------

/** Integer constants of at most this many elements list each element as a number (a shape vector's rank bound). */
constexpr int64_t kMaxShapeVector = 8;

class Writer {
 public:
  Writer(const std::vector<Variable*>& variables, std::vector<NumberField>* numbers) : numbers_(numbers) {
    for (size_t i = 0; i < variables.size(); ++i) index_.emplace(variables[i], static_cast<int32_t>(i));
  }
  std::string out;

  void operator()(bool v) { put(static_cast<uint8_t>(v)); }
  void operator()(int32_t v) { put(v); }
  void operator()(int64_t v) {
    note(NumberField::Int64);
    put(v);
  }
  void operator()(uint32_t v) { put(v); }
  void operator()(uint64_t v) { put(v); }
  void operator()(double v) {
    note(NumberField::Float64);
    put(v);
  }
  void operator()(DType d) { put(static_cast<uint8_t>(d)); }
  void operator()(OpId op) { (*this)(std::string(op_def(op).name)); }  // by name, as nodes store their op
  void operator()(const std::string& s) {
    put(static_cast<uint64_t>(s.size()));
    out.append(s);
  }
  template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
  void operator()(E e) { put(static_cast<int64_t>(e)); }
  template <class T>
  void operator()(const std::vector<T>& xs) {
    put(static_cast<uint64_t>(xs.size()));
    for (const T& x : xs) (*this)(x);
  }
  template <class T>
  void operator()(const std::optional<T>& x) {
    (*this)(x.has_value());
    if (x) (*this)(*x);
  }
  template <class A, class B>
  void operator()(const std::pair<A, B>& p) { (*this)(p.first); (*this)(p.second); }
  void operator()(const Tensor& t) {
    (*this)(t.defined());
    if (!t.defined()) return;
    (*this)(t.dtype());
    (*this)(t.shape());
    Tensor c = ops::to_host(t);
    const char* bytes = static_cast<const char*>(c.raw_data());
    const size_t itemsize = c.itemsize();
    // Float scalars and the elements of short integer vectors (a traced tf.shape, a reshape's target) are numbers
    // that may follow the sizes an input_signature leaves open.
    const bool int_vector = (c.dtype() == DType::Int32 || c.dtype() == DType::Int64) && c.numel() <= kMaxShapeVector;
    if (c.numel() == 1 || int_vector) {
      for (int64_t i = 0; i < c.numel(); ++i) {
        switch (c.dtype()) {
          case DType::Int32: note(NumberField::Int32Value); break;
          case DType::Int64: note(NumberField::Int64Value); break;
          case DType::Float32: note(NumberField::Float32Value); break;
          case DType::Float64: note(NumberField::Float64Value); break;
          default: break;
        }
        out.append(bytes + i * itemsize, itemsize);
      }
      return;
    }
    out.append(bytes, static_cast<size_t>(c.numel()) * itemsize);
  }
  void operator()(const ValueRef& v) { put(v.node); put(v.index); }
  void operator()(const TensorType& t) {
    (*this)(t.dtype);
    put(static_cast<uint64_t>(t.shape.size()));  // as a vector of int64, dimensions noted as TypeDim
    for (int64_t d : t.shape) {
      note(NumberField::TypeDim);
      put(d);
    }
  }
  template <class S, std::enable_if_t<has_attr_fields<S>(), int> = 0>
  void operator()(const S& s) {
    for_each_attr_field(s, [this](const char*, const auto& field) { (*this)(field); });
  }

  /** An op's attributes: the struct's name, then its fields. */
  void attrs(const Attrs& a) {
    (*this)(std::string(attrs_name(a)));
    std::visit([this](const auto& s) { (*this)(s); }, a);
  }

  void graph(const Graph& g) {
    put(static_cast<uint64_t>(g.nodes().size()));
    for (const Node& n : g.nodes()) node(n);
    (*this)(g.inputs);
    (*this)(g.outputs);
  }

 private:
  template <class T>
  void put(T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void note(NumberField::Kind kind) {
    if (numbers_) numbers_->push_back({kind, static_cast<uint64_t>(out.size())});
  }

  void node(const Node& n) {
    check_arg(n.kind != NodeKind::Callback, "cannot save node '", n.name, "' (", n.type_name(),
              "): a host callback such as tf.print has no saved form; remove it from the function before saving");
    (*this)(n.kind);
    (*this)(n.name);
    if (n.kind == NodeKind::Op) {
      (*this)(std::string(op_def(n.op).name));
      attrs(n.attrs);
    }
    (*this)(n.inputs);
    (*this)(n.control_inputs);
    (*this)(n.outputs);
    (*this)(n.saved);
    if (n.kind == NodeKind::Constant) (*this)(n.constant);
    if (n.kind == NodeKind::ReadVariable || n.kind == NodeKind::AssignVariable) {
      auto it = index_.find(n.variable);
      check_arg(it != index_.end(), "cannot save node '", n.name, "': its variable '", n.variable->name(),
                "' is not in the saved variables");
      (*this)(it->second);
    }
    if (n.kind == NodeKind::Input) (*this)(n.input_index);
    if (n.kind == NodeKind::Cond || n.kind == NodeKind::While) {
      put(static_cast<uint64_t>(n.branches.size()));
      for (const auto& b : n.branches) graph(*b);
      (*this)(n.branch_captures);
      (*this)(n.loop_vars);
      (*this)(n.maximum_iterations);
    }
    (*this)(n.step_from);
    (*this)(n.u_product_from);
    (*this)(n.learning_rate_from);
  }

  std::vector<NumberField>* numbers_;
  std::unordered_map<Variable*, int32_t> index_;
};

// ---- reading -------------------------------------------------------------------------------------------------------

class Reader {
 public:
  Reader(const std::string& bytes, const std::vector<Variable*>& variables)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()), begin_(bytes.data()), variables_(variables) {}

  void operator()(bool& v) {
    uint8_t b = get<uint8_t>();
    require(b <= 1, "a boolean is ", int(b));
    v = b != 0;
  }
  void operator()(int32_t& v) { v = get<int32_t>(); }
  void operator()(int64_t& v) { v = get<int64_t>(); }
  void operator()(uint64_t& v) { v = get<uint64_t>(); }
  void operator()(double& v) { v = get<double>(); }
  void operator()(DType& d) {
    uint8_t b = get<uint8_t>();
    require(b < kNumDTypes, "unknown dtype code ", int(b));
    d = static_cast<DType>(b);
  }
  void operator()(std::string& s) {
    uint64_t n = get<uint64_t>();
    require(n <= remaining(), "a string of ", n, " bytes runs past the end");
    s.assign(p_, static_cast<size_t>(n));
    p_ += n;
  }
  void operator()(OpId& op) {
    std::string name;
    (*this)(name);
    require(find_op(name, &op), "unknown op '", name, "'");
  }
  template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
  void operator()(E& e) {
    int64_t v = get<int64_t>();
    require(v >= 0 && v <= EnumLimit<E>::max, "an enumeration value ", v, " is out of range");
    e = static_cast<E>(v);
  }
  template <class T>
  void operator()(std::vector<T>& xs) {
    uint64_t n = get<uint64_t>();
    require(n <= remaining(), "a list of ", n, " items runs past the end");  // every item takes a byte or more
    xs.assign(static_cast<size_t>(n), T{});
    for (T& x : xs) (*this)(x);
  }
  template <class T>
  void operator()(std::optional<T>& x) {
    bool has;
    (*this)(has);
    x.reset();
    if (has) {
      x.emplace();
      (*this)(*x);
    }
  }
  template <class A, class B>
  void operator()(std::pair<A, B>& p) { (*this)(p.first); (*this)(p.second); }
  void operator()(Tensor& t) {
    bool defined;
    (*this)(defined);
    if (!defined) {
      t = Tensor();
      return;
    }
    DType dtype;
    Shape shape;
    (*this)(dtype);
    (*this)(shape);
    uint64_t count = 1;
    for (int64_t d : shape) {
      require(d >= 0, "a tensor dimension is negative (", d, ")");
      require(d == 0 || count <= remaining() / static_cast<uint64_t>(d), "a tensor of shape ", shape_str(shape),
              " runs past the end");
      count *= static_cast<uint64_t>(d);
    }
    uint64_t bytes = count * itemsize(dtype);
    require(bytes <= remaining(), "a tensor of shape ", shape_str(shape), " runs past the end");
    t = Tensor::empty(shape, dtype);
    if (bytes) std::memcpy(t.raw_data(), p_, static_cast<size_t>(bytes));
    p_ += bytes;
  }
  void operator()(ValueRef& v) { v.node = get<int32_t>(); v.index = get<int32_t>(); }
  void operator()(TensorType& t) { (*this)(t.dtype); (*this)(t.shape); }
  template <class S, std::enable_if_t<has_attr_fields<S>(), int> = 0>
  void operator()(S& s) {
    for_each_attr_field(s, [this](const char*, auto& field) { (*this)(field); });
  }

  void header() {
    require(remaining() >= sizeof kMagic && std::memcmp(p_, kMagic, sizeof kMagic) == 0,
            "it does not start with pytensor's graph signature (not a pytensor graph file)");
    p_ += sizeof kMagic;
    uint32_t version = get<uint32_t>();
    require(version == kSerializedGraphVersion, "format version ", version, " is not the version this pytensor reads (",
            kSerializedGraphVersion, ")");
  }

  std::shared_ptr<Graph> graph(int depth) {
    require(depth <= kMaxDepth, "control flow nests deeper than ", kMaxDepth, " levels");
    auto g = std::make_shared<Graph>();
    uint64_t count = get<uint64_t>();
    require(count <= remaining(), "a list of ", count, " nodes runs past the end");
    for (uint64_t i = 0; i < count; ++i) {
      Node n = node(depth);
      std::string name = n.name;
      g->add(std::move(n), name);
    }
    (*this)(g->inputs);
    (*this)(g->outputs);
    check_graph(*g);
    return g;
  }

  void finish() { require(p_ == end_, remaining(), " bytes follow the graph"); }

  /** Op `op`'s attributes as Writer::attrs wrote them, checked (validate_attrs). */
  Attrs attrs(OpId op) {
    std::string name;
    (*this)(name);
    Attrs a;
    require(make_attrs(name, a), "op '", op_def(op).name, "' has unknown attributes '", name, "'");
    std::visit([this](auto& s) { (*this)(s); }, a);
    check_attrs_type(op, a);
    validate_attrs(op, a);
    return a;
  }

 private:
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }

  template <class... Args>
  void require(bool ok, const Args&... what) const {
    if (!ok) throw InvalidArgument(str_cat("invalid graph data at byte ", offset(), ": ", what...));
  }

  template <class T>
  T get() {
    require(remaining() >= sizeof(T), "the data ends early (truncated)");
    T v;
    std::memcpy(&v, p_, sizeof v);
    p_ += sizeof v;
    return v;
  }

  Node node(int depth) {
    Node n;
    (*this)(n.kind);
    (*this)(n.name);
    if (n.kind == NodeKind::Op) {
      std::string op_name;
      (*this)(op_name);
      require(find_op(op_name, &n.op), "unknown op '", op_name, "' (saved by another pytensor version?)");
      n.attrs = attrs(n.op);
    } else {
      require(n.kind != NodeKind::Callback, "node '", n.name, "' is a host callback, which has no saved form");
    }
    (*this)(n.inputs);
    (*this)(n.control_inputs);
    (*this)(n.outputs);
    (*this)(n.saved);
    if (n.kind == NodeKind::Constant) (*this)(n.constant);
    if (n.kind == NodeKind::ReadVariable || n.kind == NodeKind::AssignVariable) {
      int32_t index = get<int32_t>();
      require(index >= 0 && static_cast<size_t>(index) < variables_.size() && variables_[static_cast<size_t>(index)],
              "node '", n.name, "' refers to variable ", index, " of ", variables_.size());
      n.variable = variables_[static_cast<size_t>(index)];
    }
    if (n.kind == NodeKind::Input) (*this)(n.input_index);
    if (n.kind == NodeKind::Cond || n.kind == NodeKind::While) {
      uint64_t count = get<uint64_t>();
      require(count <= remaining(), "a list of ", count, " branches runs past the end");
      for (uint64_t b = 0; b < count; ++b) n.branches.push_back(graph(depth + 1));
      (*this)(n.branch_captures);
      (*this)(n.loop_vars);
      (*this)(n.maximum_iterations);
    }
    (*this)(n.step_from);
    (*this)(n.u_product_from);
    (*this)(n.learning_rate_from);
    return n;
  }

  /** The executor's assumptions about `g`, each checked (edges point backwards to existing outputs, ...). */
  void check_graph(const Graph& g) {
    const auto& nodes = g.nodes();
    auto valid_ref = [&](ValueRef v, size_t before) {
      return v.node >= 0 && static_cast<size_t>(v.node) < before && v.index >= 0 &&
             static_cast<size_t>(v.index) < nodes[static_cast<size_t>(v.node)].outputs.size();
    };
    std::vector<int> input_nodes(g.inputs.size(), -1);
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      for (ValueRef v : n.inputs) require(valid_ref(v, i), "node '", n.name, "' has an input edge to a missing value");
      for (int32_t c : n.control_inputs)
        require(c >= 0 && static_cast<size_t>(c) < i, "node '", n.name, "' has a control edge to a later node");
      for (ValueRef v : {n.step_from, n.u_product_from, n.learning_rate_from})
        require(v.node == -1 || valid_ref(v, i), "node '", n.name, "' reads its step, momentum product or learning rate from a missing value");
      require(n.saved >= 0 && static_cast<size_t>(n.saved) <= n.outputs.size(), "node '", n.name, "' saves ",
              n.saved, " of ", n.outputs.size(), " outputs");
      const size_t ins = n.inputs.size(), outs = n.outputs.size();
      switch (n.kind) {
        case NodeKind::Input:
          require(ins == 0 && outs == 1 && n.input_index >= 0 && static_cast<size_t>(n.input_index) < g.inputs.size(),
                  "input node '", n.name, "' is malformed");
          input_nodes[static_cast<size_t>(n.input_index)] = static_cast<int>(i);
          break;
        case NodeKind::Constant:
          require(ins == 0 && outs == 1 && n.constant.defined(), "constant node '", n.name, "' is malformed");
          break;
        case NodeKind::ReadVariable:
          require(ins == 0 && outs == 1, "variable read '", n.name, "' is malformed");
          break;
        case NodeKind::AssignVariable:
          require(ins == 1 && outs == 0, "variable assignment '", n.name, "' is malformed");
          break;
        case NodeKind::Op:
        case NodeKind::Callback:
          break;
        case NodeKind::Cond: {
          size_t captured = 0;
          require(!n.branches.empty() && n.branch_captures.size() == n.branches.size(), "cond node '", n.name,
                  "' is malformed");
          for (size_t b = 0; b < n.branches.size(); ++b) {
            require(n.branch_captures[b] >= 0 && n.branches[b]->inputs.size() == static_cast<size_t>(n.branch_captures[b]) &&
                        n.branches[b]->outputs.size() == outs,
                    "branch ", b, " of cond node '", n.name, "' does not match the node");
            captured += static_cast<size_t>(n.branch_captures[b]);
          }
          require(ins == 1 + captured, "cond node '", n.name, "' has ", ins, " inputs for ", captured, " captures");
          break;
        }
        case NodeKind::While: {
          require(n.branches.size() == 2 && n.branch_captures.size() == 2 && n.loop_vars >= 0 &&
                      n.branch_captures[0] >= 0 && n.branch_captures[1] >= 0,
                  "while node '", n.name, "' is malformed");
          const size_t vars = static_cast<size_t>(n.loop_vars);
          const size_t c0 = static_cast<size_t>(n.branch_captures[0]), c1 = static_cast<size_t>(n.branch_captures[1]);
          require(ins == vars + c0 + c1 && outs == vars && n.branches[0]->inputs.size() == vars + c0 &&
                      !n.branches[0]->outputs.empty() && n.branches[1]->inputs.size() == vars + c1 &&
                      n.branches[1]->outputs.size() == vars,
                  "while node '", n.name, "' does not match its cond and body");
          break;
        }
      }
    }
    for (size_t k = 0; k < g.inputs.size(); ++k)
      require(input_nodes[k] >= 0 && g.inputs[k] == input_nodes[k], "function input ", k, " has no input node");
    for (ValueRef v : g.outputs) require(valid_ref(v, nodes.size()), "a function output refers to a missing value");
  }

  const char* p_;
  const char* end_;
  const char* begin_;
  const std::vector<Variable*>& variables_;
};

}  // namespace

std::string serialize(const Graph& g, const std::vector<Variable*>& variables, std::vector<NumberField>* numbers) {
  Writer w(variables, numbers);
  w.out.append(kMagic, sizeof kMagic);
  w(kSerializedGraphVersion);
  w.graph(g);
  return std::move(w.out);
}

std::shared_ptr<Graph> deserialize(const std::string& bytes, const std::vector<Variable*>& variables) {
  Reader r(bytes, variables);
  r.header();
  auto g = r.graph(0);
  r.finish();
  return g;
}

std::string serialize_attrs(const Attrs& attrs) {
  Writer w({}, nullptr);
  w.attrs(attrs);
  return std::move(w.out);
}

Attrs deserialize_attrs(OpId op, const std::string& bytes) {
  Reader r(bytes, {});
  Attrs a = r.attrs(op);
  r.finish();
  return a;
}

}  // namespace pt::graph
