// Bindings of graph mode (csrc/graph/): the capture that traces a function, its graph and the executor that runs it.
// pytensor/_function.py is their only user.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "../graph/capture.h"
#include "../graph/executor.h"
#include "../graph/passes.h"
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

namespace {

/** A node as Python sees it: (name, type, input names, control input names, [(dtype name, shape)], attributes). */
py::tuple node_info(const graph::Graph& g, const graph::Node& n) {
  py::list inputs, control, outputs;
  for (graph::ValueRef v : n.inputs) {
    const graph::Node& src = g.node(v.node);
    inputs.append(py::make_tuple(src.name, v.index));
  }
  for (int32_t c : n.control_inputs) control.append(g.node(c).name);
  for (const graph::TensorType& t : n.outputs) outputs.append(py::make_tuple(dtype_name(t.dtype), t.shape));
  std::string attrs = n.kind == graph::NodeKind::Op ? graph::attrs_string(n.attrs) : std::string();
  return py::make_tuple(n.name, n.type_name(), inputs, control, outputs, attrs);
}

}  // namespace

void bind_graph(py::module_& m) {
  py::class_<graph::Graph, std::shared_ptr<graph::Graph>>(m, "_Graph")
      .def("to_string", &graph::Graph::to_string)
      .def("nodes", [](const graph::Graph& g) {
        py::list out;
        for (const graph::Node& n : g.nodes()) out.append(node_info(g, n));
        return out;
      })
      .def("outputs", [](const graph::Graph& g) {
        py::list out;
        for (graph::ValueRef v : g.outputs) out.append(py::make_tuple(g.node(v.node).name, v.index));
        return out;
      })
      .def("variables", [](const graph::Graph& g) {
        py::list out;  // the Python objects of the variables (pybind11 finds each one's existing wrapper)
        for (Variable* v : g.variables()) out.append(py::cast(v, py::return_value_policy::reference));
        return out;
      })
      .def("__len__", [](const graph::Graph& g) { return g.nodes().size(); })
      .def("input_types", [](const graph::Graph& g) {
        py::list out;
        for (int32_t i : g.inputs) out.append(py::make_tuple(dtype_name(g.node(i).outputs[0].dtype), g.node(i).outputs[0].shape));
        return out;
      })
      .def("output_types", [](const graph::Graph& g) {
        py::list out;
        for (graph::ValueRef v : g.outputs) out.append(py::make_tuple(dtype_name(g.type(v).dtype), g.type(v).shape));
        return out;
      })
      .def("eliminate_dead_code",
           [](graph::Graph& g) { return graph::with_branches(g, graph::eliminate_dead_code); })
      .def("eliminate_common_subexpressions",
           [](graph::Graph& g) { return graph::with_branches(g, graph::eliminate_common_subexpressions); })
      .def("fold_constants",
           [](graph::Graph& g) { return graph::with_branches(g, graph::fold_constants); })
      .def("simplify_arithmetic",
           [](graph::Graph& g) { return graph::with_branches(g, graph::simplify_arithmetic); })
      .def("fuse_patterns",
           [](graph::Graph& g) { return graph::with_branches(g, graph::fuse_patterns); })
      .def("fuse_elementwise",
           [](graph::Graph& g) { return graph::with_branches(g, graph::fuse_elementwise); })
      .def("plan_memory",
           [](graph::Graph& g) { return graph::with_branches(g, graph::plan_memory); })
      .def("copy", [](const graph::Graph& g) { return std::make_shared<graph::Graph>(g); });

  py::class_<graph::Capture>(m, "_Capture")
      .def(py::init<const std::vector<Tensor>&, bool, const std::vector<std::string>&>(), py::arg("args"),
           py::arg("lexical") = false, py::arg("names") = std::vector<std::string>())
      .def_property_readonly("captured", &graph::Capture::captured)
      .def("add_cond",
           [](graph::Capture& c, const Tensor& pred, std::vector<std::shared_ptr<graph::Graph>> branches,
              const std::vector<std::vector<Tensor>>& captures) {
             graph::Node n;
             n.kind = graph::NodeKind::Cond;
             std::vector<Tensor> inputs{pred};
             for (size_t b = 0; b < branches.size(); ++b) {
               n.branches.push_back(branches[b]);
               n.branch_captures.push_back(static_cast<int32_t>(captures[b].size()));
               inputs.insert(inputs.end(), captures[b].begin(), captures[b].end());
             }
             return c.add_control_flow(std::move(n), inputs);
           },
           py::arg("pred"), py::arg("branches"), py::arg("captures"),
           "Appends a Cond node (tf.cond / tf.switch_case) over traced branch graphs; returns its outputs.")
      .def("add_while",
           [](graph::Capture& c, std::shared_ptr<graph::Graph> cond, std::shared_ptr<graph::Graph> body,
              const std::vector<Tensor>& loop_vars, const std::vector<Tensor>& cond_captures,
              const std::vector<Tensor>& body_captures, int64_t maximum_iterations) {
             graph::Node n;
             n.kind = graph::NodeKind::While;
             n.branches = {cond, body};
             n.branch_captures = {static_cast<int32_t>(cond_captures.size()), static_cast<int32_t>(body_captures.size())};
             n.loop_vars = static_cast<int32_t>(loop_vars.size());
             n.maximum_iterations = maximum_iterations;
             std::vector<Tensor> inputs = loop_vars;
             inputs.insert(inputs.end(), cond_captures.begin(), cond_captures.end());
             inputs.insert(inputs.end(), body_captures.begin(), body_captures.end());
             return c.add_control_flow(std::move(n), inputs);
           },
           py::arg("cond"), py::arg("body"), py::arg("loop_vars"), py::arg("cond_captures"), py::arg("body_captures"),
           py::arg("maximum_iterations"),
           "Appends a While node (tf.while_loop) over traced cond and body graphs; returns the final loop variables.")
      .def("begin", &graph::Capture::begin)
      .def("end", &graph::Capture::end)
      .def("finish", &graph::Capture::finish, py::arg("outputs"))
      .def("finish_function", &graph::Capture::finish_function, py::arg("outputs"), py::arg("function"))
      .def("restore_variables", &graph::Capture::restore_variables)
      .def("watch_sizes", &graph::Capture::watch_sizes)
      .def("note_size_dependence", &graph::Capture::note_size_dependence, py::arg("why"))
      .def_property_readonly("size_generic_violation", &graph::Capture::size_generic_violation)
      .def("symbolic", &graph::Capture::symbolic, py::arg("tensor"))
      .def("raise_deferred", &graph::Capture::raise_deferred, py::arg("tensor"),
           "Raises the error of a traced op that failed a check of its input values, if `tensor` depends on one.")
      .def_property_readonly("variables_created", &graph::Capture::variables_created)
      .def_property_readonly("variables_dropped", &graph::Capture::variables_dropped)
      .def("set_optimizer_sources", &graph::Capture::set_optimizer_sources, py::arg("iterations").none(true),
           py::arg("learning_rate").none(true), py::arg("u_product").none(true) = nullptr)
      .def("add_callback",
           [](graph::Capture& c, py::function fn, const std::vector<Tensor>& inputs, const std::string& name) {
             // The callback keeps `fn` alive; it runs with the GIL held (graphs run from Python calls).
             c.add_callback([fn](const std::vector<Tensor>& values) { fn(values); }, inputs, name);
           },
           py::arg("fn"), py::arg("inputs"), py::arg("name"));
  m.def("_capture_active", [] { return graph::Capture::active() != nullptr; },
        "True while a function is being traced on this thread.");
  m.def("_is_symbolic", [](const Tensor& t) {
    graph::Capture* c = graph::Capture::active();
    return c && c->symbolic(t);
  }, py::arg("tensor"), "True when `tensor` is a traced value of the function being traced on this thread.");
  m.def("_symbolic_name", [](const Tensor& t) -> py::object {
    graph::Capture* c = graph::Capture::active();
    std::string name = c ? c->name_of(t) : std::string();
    return name.empty() ? py::object(py::none()) : py::object(py::str(name));
  }, py::arg("tensor"), "The graph name (\"add:0\") of a traced value while tracing, else None.");

  m.def("_call_key", [](const py::tuple& args) -> py::object {
    // The fast path of a tf.function call: one flat tuple of ints (dtype, rank, dims... per argument) that stands
    // for the signature key of positional arguments that are all Tensors (subclasses excluded), else None.
    size_t total = 0;
    for (py::handle a : args) {
      if (Py_TYPE(a.ptr()) != g_tensor_type) return py::none();
      total += 2 + instance_value<Tensor>(a)->shape().size();
    }
    py::tuple key(total);
    size_t at = 0;
    for (py::handle a : args) {
      const Tensor& t = *instance_value<Tensor>(a);
      key[at++] = py::int_(static_cast<int>(t.dtype()));
      key[at++] = py::int_(t.shape().size());
      for (int64_t d : t.shape()) key[at++] = py::int_(d);
    }
    return std::move(key);
  }, py::arg("args"), "A cheap cache key for a call whose positional arguments are all plain Tensors, else None.");

  py::class_<graph::Executor>(m, "_Executor")
      .def(py::init([](std::shared_ptr<graph::Graph> g) { return new graph::Executor(std::move(g)); }), py::arg("graph"))
      .def("run", &graph::Executor::run, py::arg("args"), py::arg("any_sizes") = false)
      .def_property_readonly("runs", &graph::Executor::runs);
}

}  // namespace pt::bind
