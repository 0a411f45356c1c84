#pragma once
/** Graph passes: each rewrites a Graph in place and returns how many nodes it removed. */
#include "graph.h"

namespace pt::graph {

/**
 * Dead-code elimination: keeps the nodes the outputs need and every variable write and callback with
 * what they need (through data edges: control edges only order accesses); drops the rest (an
 * initializer that ran while a layer built its variables, a value computed and never used).
 */
int eliminate_dead_code(Graph& g);

/**
 * Common-subexpression elimination: two stateless registry ops with the same op, attributes and inputs compute
 * the same value, so the later one is replaced by the earlier; constants that are the same tensor merge too.
 * Random ops and ops whose attributes the printer does not know are left alone. Exact: outputs are bitwise equal.
 */
int eliminate_common_subexpressions(Graph& g);

}  // namespace pt::graph
