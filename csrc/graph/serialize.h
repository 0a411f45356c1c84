#pragma once
/**
 * Graphs to bytes and back (SavedModel's function graphs, pytensor/saved_model). The form is data only: a node is
 * its kind, name, registry op *name*, attribute struct name and fields, edges, output types, a captured constant's
 * dtype, shape and raw bytes, and a variable's *index* into a table the caller supplies; loading looks ops up in
 * the registry, checks every attribute with validate_attrs and every edge and index against the graph, and never
 * runs anything. Host callbacks (tf.print) have no serialised form.
 *
 * Layout (little-endian): "PTGRAPH\0", u32 version, then the graph: nodes, input node indices, output edges; a
 * branch graph (cond / while) nests the same layout without the header.
 */
#include <string>
#include <vector>

#include "graph.h"

namespace pt::graph {

/** The format version serialize() writes and deserialize() accepts. */
constexpr uint32_t kSerializedGraphVersion = 1;

/**
 * Where a number lies in serialize()'s bytes: its offset and kind (a field, a one-element tensor's value, or a
 * dimension of a node's output type, which only describes the graph: the executor recomputes shapes).
 */
struct NumberField {
  enum Kind : uint8_t { Int64, Float64, Int32Value, Int64Value, Float32Value, Float64Value, TypeDim } kind;
  uint64_t offset;
};

/**
 * `g` as bytes. `variables` is the table variable nodes refer to by position (every variable `g` touches must be
 * in it). With `numbers`, also where every int64 and double field (dimensions included) and every one-element
 * numeric tensor's value lies: two traces of a function at different input sizes then line up number by number,
 * and a caller can tell which numbers follow the sizes (pytensor/saved_model makes batch-polymorphic graphs so).
 * Throws InvalidArgument for a node with no serialised form (a host callback).
 */
std::string serialize(const Graph& g, const std::vector<Variable*>& variables,
                      std::vector<NumberField>* numbers = nullptr);

/**
 * The graph `bytes` hold, its variable nodes bound to `variables` by index. Throws InvalidArgument saying what is
 * wrong and at which byte (truncated data, an unknown op, attributes of the wrong struct or invalid values, an
 * edge to a later node or a missing output, a variable index out of range, trailing bytes).
 */
std::shared_ptr<Graph> deserialize(const std::string& bytes, const std::vector<Variable*>& variables);

/** An op's attributes as serialize() writes them in a node: the struct's name, then its fields (PT_ATTR_FIELDS). */
std::string serialize_attrs(const Attrs& attrs);
/** The attributes of op `op` that `bytes` hold (serialize_attrs' form), checked as deserialize() checks a node's. */
Attrs deserialize_attrs(OpId op, const std::string& bytes);

}  // namespace pt::graph
