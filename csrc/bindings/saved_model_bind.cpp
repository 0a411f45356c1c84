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
      [](const graph::Graph& g, const std::vector<Variable*>& variables) {
        return py::bytes(graph::serialize(g, variables));
      },
      py::arg("graph"), py::arg("variables"),
      "The graph as bytes; its variable nodes refer to `variables` by position (every variable it uses must be there).");
  m.def(
      "_serialize_graph_numbers",
      [](const graph::Graph& g, const std::vector<Variable*>& variables) {
        std::vector<graph::NumberField> numbers;
        py::bytes data(graph::serialize(g, variables, &numbers));
        static const char* kinds[] = {"<i8", "<f8", "<i4", "<i8", "<f4", "<f8", "<i8"};
        py::list fields;
        for (const auto& n : numbers)
          fields.append(py::make_tuple(n.offset, kinds[n.kind], n.kind == graph::NumberField::TypeDim));
        return py::make_tuple(data, fields);
      },
      py::arg("graph"), py::arg("variables"),
      "(bytes, [(offset, numpy dtype string, is an output type's dimension)]): the graph as _serialize_graph writes "
      "it and where its numbers lie.");
  m.def(
      "_deserialize_graph",
      [](const py::bytes& data, const std::vector<Variable*>& variables) {
        return graph::deserialize(std::string(data), variables);
      },
      py::arg("data"), py::arg("variables"),
      "The graph `data` holds (checked, never run), its variable nodes bound to `variables` by position.");
}

}  // namespace pt::bind
