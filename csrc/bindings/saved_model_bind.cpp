// Bindings of graph (de)serialisation (csrc/graph/serialize.h) for SavedModel directories (pytensor/saved_model).
#include <pybind11/stl.h>

#include "../core/variable.h"
#include "../graph/serialize.h"
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_saved_model(py::module_& m) {
  m.def(
      "_serialize_graph",
      [](const graph::Graph& g, const std::vector<Variable*>& variables, bool with_shapes) {
        return py::bytes(graph::serialize(g, variables, with_shapes));
      },
      py::arg("graph"), py::arg("variables"), py::arg("with_shapes") = true,
      "The graph as bytes; its variable nodes refer to `variables` by position (every variable it uses must be there).");
  m.def(
      "_deserialize_graph",
      [](const py::bytes& data, const std::vector<Variable*>& variables) {
        return graph::deserialize(std::string(data), variables);
      },
      py::arg("data"), py::arg("variables"),
      "The graph `data` holds (checked, never run), its variable nodes bound to `variables` by position.");
  m.def("_graph_with_input_shapes", &graph::with_input_shapes, py::arg("graph"), py::arg("shapes"),
        "A copy of the graph taking inputs of these shapes (same ranks).");
}

}  // namespace pt::bind
