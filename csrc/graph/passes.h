#pragma once
/**
 * Graph passes: each rewrites a Graph in place and returns how many nodes it removed or rewrote (0: the graph is
 * unchanged). pt.function runs them in this order: fold_constants, simplify_arithmetic, fuse_patterns,
 * eliminate_common_subexpressions, fuse_elementwise, eliminate_dead_code, plan_memory (last: it needs
 * the final readers of every value); tf.config.optimizer switches each off.
 */
#include "graph.h"

namespace pt::graph {

/**
 * Dead-code elimination: keeps the nodes the outputs need and every variable write and callback with
 * what they need (through data edges: control edges only order accesses); drops the rest (an
 * initializer that ran while a layer built its variables, a value computed and never used).
 */
int eliminate_dead_code(Graph& g);

/** Which nodes eliminate_dead_code keeps (1 a node): the ones the outputs, variable writes and callbacks need. */
std::vector<char> live_nodes(const Graph& g);

/**
 * Common-subexpression elimination: two stateless registry ops with the same op, attributes and inputs compute
 * the same value, so the later one is replaced by the earlier; constants that are the same tensor merge too.
 * Reads of a variable with no write of it in between merge too. Random ops and ops whose attributes the printer does
 * not know are left alone. Exact: outputs are bitwise equal.
 */
int eliminate_common_subexpressions(Graph& g);

/**
 * Constant folding: a stateless, non-random op whose inputs are all constants (or zeros_like / ones_like, which
 * read only their input's static shape) is run once now and becomes a Const node holding its value (outputs up to
 * 1 MiB, as TF bounds folded constants). Exact: the same kernels run, once. The inputs it no longer needs are left
 * to dead-code elimination.
 */
int fold_constants(Graph& g);

/**
 * Algebraic simplification: drops identity, a cast to the value's own dtype, a reshape to its own shape, a
 * transpose by the identity permutation, two transposes that cancel, and `x * 1`, `1 * x`, `x / 1`, `x + 0`,
 * `0 + x`, `x - 0` where the constant does not broadcast x to a larger shape or another dtype. Exact except that
 * `x + 0` returns x itself, so an x of -0.0 stays -0.0 where IEEE addition gives +0.0 (TF's arithmetic optimizer
 * makes the same rewrite).
 */
int simplify_arithmetic(Graph& g);

/**
 * Pattern fusion (TF's remapper): `relu(add(x, bias))` with a 1-D bias over x's last axis becomes
 * `bias_add_relu(x, bias)` (the relu's gradient then reads the fused output: relu_grad's mask is the same), and
 * `max_pool2d(bias_add_relu(conv2d(x, w), b))` becomes `bias_add_relu(conv2d_max_pool(x, w), b)` (pooling before the
 * per-channel bias and relu gives the same values: x -> relu(x + b) never decreases). A conv chain whose gradient
 * was traced too has its backward rewritten onto conv2d_max_pool's gradient ops (relu_grad on the pooled tensor,
 * conv2d_max_pool_backprop_input/filter), as Keras's eager conv + pool pair computes it; anything else reading an
 * intermediate value leaves the chain unfused. The pools and pool gradients it bypasses are left for
 * eliminate_dead_code. Values are bitwise those of the unfused graph; the conv chain's
 * gradients equal to rounding (the bias gradient sums in another order; ties in a pooling window may pick another
 * element).
 */
int fuse_patterns(Graph& g);

/**
 * Element-wise fusion (TF's XLA-style loop fusion, here without a compiler): a tree of float32 / float64 element-wise
 * ops (negative ... sigmoid; add ... squared_difference) of one output shape, whose inner values each feed only the
 * next op of the tree (not a graph output, not a gradient), becomes one fused_elementwise node holding the tree as a
 * program; operands from outside are the node's inputs, each of the output's shape or a single element. The kernel
 * evaluates the program a block of elements at a time in registers and L1, with no intermediate tensor. Exact: every
 * step is computed by its own kernel's element function, so values are bitwise the unfused graph's; a function under
 * an outer tape still differentiates (the op's gradient replays the steps' own formulas). Runs after the backward
 * was traced, so gradients that read an intermediate keep it out of the tree.
 */
int fuse_elementwise(Graph& g);

/**
 * Memory planning beyond the executor's liveness-based release: an optimizer update whose variable and slots are
 * read for it and written straight back from its outputs, with no other access of them in between, runs in place on
 * the variables (its assignments, and the reads nothing else uses, are dropped: no copy of a variable or slot per
 * step; a read something else uses stays, and the update copies that variable first, as copy-on-write does
 * eagerly), and an element-wise op whose input dies at it, with the output's dtype and shape, is marked to write
 * its output into that input's buffer (the executor does so when the buffer is not shared at run time). Exact.
 */
int plan_memory(Graph& g);

/**
 * Runs `pass` on copies of the branch graphs of `g`'s control-flow nodes (tf.cond, switch_case and while_loop
 * bodies, recursively), which then replace them, and on `g`; returns the total it reports. The originals are left
 * as they were (a graph copy shares its branches until then).
 */
int with_branches(Graph& g, int (*pass)(Graph&));

}  // namespace pt::graph
