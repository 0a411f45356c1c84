// Shape family: reshape, transpose, slicing, joins and splits, tile, pad, gather, one_hot, masks.
// Views (shared storage, new shape/strides/offset) wherever the layout allows; copies otherwise.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/int_math.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

using backend::kernel;

namespace {

/** A fresh dense copy (never shares storage with x). */
Tensor dense_copy(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  copy_into(out, x);
  return out;
}

/** Product of shape[lo:hi]. */
int64_t prod(const Shape& s, size_t lo, size_t hi) {
  int64_t n = 1;
  for (size_t i = lo; i < hi; ++i) n *= s[i];
  return n;
}

/**
 * Strides that let (shape, strides) be read as `new_shape` without copying, or false.
 * Old and new dims are matched in groups of equal product; each old group must be
 * internally dense (stride[i] == stride[i+1] * shape[i+1]), and the new group's strides
 * then follow from the group's innermost stride.
 */
bool view_strides(const Shape& shape, const Strides& strides, const Shape& new_shape, Strides& out) {
  out.assign(new_shape.size(), 0);
  if (numel(shape) == 0) {
    out = contiguous_strides(new_shape);
    return true;
  }
  Shape od;
  Strides os;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != 1) {
      od.push_back(shape[i]);
      os.push_back(strides[i]);
    }
  const size_t on = od.size(), nn = new_shape.size();
  size_t oi = 0, ni = 0;
  while (oi < on && ni < nn) {
    size_t oj = oi + 1, nj = ni + 1;
    int64_t op = od[oi], np = new_shape[ni];
    while (op != np) {
      if (np < op) np *= new_shape[nj++];
      else op *= od[oj++];
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (os[k] != os[k + 1] * od[k + 1]) return false;
    out[nj - 1] = os[oj - 1];
    for (size_t k = nj - 1; k > ni; --k) out[k - 1] = out[k] * new_shape[k];
    oi = oj;
    ni = nj;
  }
  // Trailing size-1 dims of the new shape: any stride reads the same element.
  for (; ni < nn; ++ni) out[ni] = 1;
  return true;
}

/** Checks that `perm` is a permutation of [0, rank) (negative entries count from the end). */
std::vector<int64_t> check_perm(const std::vector<int64_t>& perm, int64_t rank, const Shape& shape) {
  std::vector<int64_t> p(perm);
  if (p.empty()) {
    for (int64_t i = rank - 1; i >= 0; --i) p.push_back(i);
    return p;
  }
  auto perm_str = [&] {
    std::string s = "[";
    for (size_t i = 0; i < perm.size(); ++i) s += (i ? ", " : "") + std::to_string(perm[i]);
    return s + "]";
  };
  check_arg(static_cast<int64_t>(p.size()) == rank, "transpose: perm ", perm_str(), " has ", p.size(),
            " entries but the input of shape ", shape_str(shape), " has rank ", rank,
            "; give one entry per dimension");
  std::vector<bool> seen(rank, false);
  for (auto& a : p) {
    check_arg(a >= -rank && a < rank, "transpose: perm ", perm_str(), " has entry ", a, " outside [", -rank, ", ",
              rank, ") for an input of shape ", shape_str(shape));
    if (a < 0) a += rank;
    check_arg(!seen[a], "transpose: perm ", perm_str(), " names dimension ", a,
              " twice; it must be a permutation of 0..", rank - 1);
    seen[a] = true;
  }
  return p;
}

constexpr int64_t kOutside = backend::kPadOutside;

}  // namespace

// ---- views ------------------------------------------------------------------------------

Tensor reshape(const Tensor& x, const Shape& shape) {
  PT_OP_SCOPE;
  // TF's checks, rule and messages (its Reshape kernel's ValidateSizes)
  Shape target(shape);
  int64_t infer = -1, known = 1;  // `known`: the product of the nonzero given sizes
  bool target_has_zero = false;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      check_tf_arg(infer < 0, "Reshape", x.device(), "Only one input size may be -1, not both ", infer, " and ", i);
      infer = static_cast<int64_t>(i);
    } else {
      check_tf_arg(target[i] >= 0, "Reshape", x.device(), "Size ", i, " must be non-negative, not ", target[i]);
      if (target[i] == 0) target_has_zero = true;
      else known = checked_mul(known, target[i], "reshape");
    }
  }
  const int64_t n = x.numel();
  if (infer >= 0) {
    // With a 0 among the given sizes, the input's zero dimensions are left out: (0, 3) reshapes to (0, -1) = (0, 3)
    int64_t counted = 1;
    bool input_has_zero = false;
    for (int64_t d : x.shape()) {
      if (d > 0 || !target_has_zero) counted *= d;
      else input_has_zero = true;
    }
    check_tf_arg(input_has_zero || counted % known == 0, "Reshape", x.device(), "Input to reshape is a tensor with ",
                 counted, " values, but the requested shape requires a multiple of ", known);
    target[infer] = counted / known;
  }
  const int64_t wanted = numel(target);
  check_tf_arg(wanted == n, "Reshape", x.device(), "Input to reshape is a tensor with ", n,
               " values, but the requested shape has ", wanted);
  Tensor out;
  Strides st;
  if (x.is_contiguous()) {
    out = Tensor::view(x, target, contiguous_strides(target), x.offset());
  } else if (view_strides(x.shape(), x.strides(), target, st)) {
    out = Tensor::view(x, target, st, x.offset());
  } else {
    Tensor c = dense_copy(x);
    out = Tensor::view(c, target, contiguous_strides(target), c.offset());
  }
  PT_RECORD(OpId::reshape, {x}, {out}, attrs::TargetShape{shape});
  return out;
}

Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  PT_OP_SCOPE;
  std::vector<int64_t> p = check_perm(perm, x.ndim(), x.shape());
  Shape shape(p.size());
  Strides strides(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    shape[i] = x.shape()[p[i]];
    strides[i] = x.strides()[p[i]];
  }
  Tensor out = Tensor::view(x, shape, strides, x.offset());
  PT_RECORD(OpId::transpose, {x}, {out}, attrs::Ints{p});
  return out;
}

Tensor expand_dims(const Tensor& x, int64_t axis) {
  PT_OP_SCOPE;
  const int64_t r = x.ndim();
  check_arg(axis >= -r - 1 && axis <= r, "expand_dims: axis ", axis, " is out of range for an input of shape ",
            shape_str(x.shape()), "; expected an axis in [", -r - 1, ", ", r, "]");
  const int64_t requested_axis = axis;
  if (axis < 0) axis += r + 1;
  Shape shape(x.shape());
  Strides strides(x.strides());
  // The stride of a size-1 dim is never used to step; this choice keeps dense inputs dense.
  int64_t st = axis < r ? x.strides()[axis] * x.shape()[axis] : 1;
  shape.insert(shape.begin() + axis, 1);
  strides.insert(strides.begin() + axis, st);
  Tensor out = Tensor::view(x, shape, strides, x.offset());
  PT_RECORD(OpId::expand_dims, {x}, {out}, attrs::Axis{requested_axis});
  return out;
}

Tensor squeeze(const Tensor& x, const std::vector<int64_t>& axes) {
  PT_OP_SCOPE;
  const int64_t r = x.ndim();
  std::vector<bool> drop(r, false);
  if (axes.empty()) {
    for (int64_t i = 0; i < r; ++i) drop[i] = x.shape()[i] == 1;
  } else {
    for (int64_t a : normalize_axes(axes, r, "squeeze")) {
      check_arg(x.shape()[a] == 1, "squeeze: cannot squeeze dimension ", a, " of shape ", shape_str(x.shape()),
                ": it has size ", x.shape()[a], ", expected 1");
      drop[a] = true;
    }
  }
  Shape shape;
  Strides strides;
  for (int64_t i = 0; i < r; ++i)
    if (!drop[i]) {
      shape.push_back(x.shape()[i]);
      strides.push_back(x.strides()[i]);
    }
  Tensor out = Tensor::view(x, shape, strides, x.offset());
  PT_RECORD(OpId::squeeze, {x}, {out}, attrs::Ints{axes});
  return out;
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  PT_OP_SCOPE;
  check_shape(shape, "broadcast_to");
  bool ok = shape.size() >= x.shape().size();
  size_t lead = ok ? shape.size() - x.shape().size() : 0;
  for (size_t i = 0; ok && i < x.shape().size(); ++i)
    ok = x.shape()[i] == shape[lead + i] || x.shape()[i] == 1;
  check_arg(ok, "broadcast_to: cannot broadcast a tensor of shape ", shape_str(x.shape()), " to shape ",
            shape_str(shape), "; each dimension of the input must equal the target's trailing dimension or be 1");
  Tensor out = Tensor::view(x, shape, broadcast_strides(x.shape(), x.strides(), shape), x.offset());
  PT_RECORD(OpId::broadcast_to, {x}, {out}, attrs::TargetShape{shape});
  return out;
}

// ---- basic indexing ---------------------------------------------------------------------

Tensor strided_slice(const Tensor& x, const std::vector<IndexItem>& items) {
  PT_OP_SCOPE;
  const int64_t r = x.ndim();
  int64_t consumed = 0, ellipses = 0;
  for (const auto& it : items) {
    if (it.kind == IndexItem::Int || it.kind == IndexItem::Slice) ++consumed;
    if (it.kind == IndexItem::Ellipsis) ++ellipses;
  }
  if (ellipses > 1) throw IndexError("an index can only have a single ellipsis ('...')");
  if (consumed > r)
    throw IndexError(str_cat("too many indices for a tensor of shape ", shape_str(x.shape()), ": it has rank ", r,
                             " but ", consumed, " were indexed"));
  Shape shape;
  Strides strides;
  int64_t offset = x.offset();
  int64_t d = 0;  // next input dimension
  auto full_dim = [&] {
    shape.push_back(x.shape()[d]);
    strides.push_back(x.strides()[d]);
    ++d;
  };
  for (const auto& it : items) {
    switch (it.kind) {
      case IndexItem::Ellipsis:
        for (int64_t k = 0; k < r - consumed; ++k) full_dim();
        break;
      case IndexItem::NewAxis:
        shape.push_back(1);
        strides.push_back(0);
        break;
      case IndexItem::Int: {
        const int64_t n = x.shape()[d];
        int64_t i = it.index;
        if (i < -n || i >= n)
          throw IndexError(str_cat("index ", it.index, " is out of bounds for axis ", d, " with size ", n,
                                   " (tensor of shape ", shape_str(x.shape()), "); valid indices are in [", -n, ", ",
                                   n, ")"));
        if (i < 0) i += n;
        offset += i * x.strides()[d];
        ++d;
        break;
      }
      case IndexItem::Slice: {
        const int64_t n = x.shape()[d];
        const int64_t step = it.step.value_or(1);
        check_arg(step != 0, "slice step cannot be zero (axis ", d, " of a tensor of shape ", shape_str(x.shape()), ")");
        int64_t start, stop, len;
        // Python's slice.indices(): clamp the bounds into the dimension, then count.
        auto clamp = [n](int64_t v, int64_t lo, int64_t hi) {
          if (v < 0) v = v < -n ? lo : v + n;
          return std::min(std::max(v, lo), hi);
        };
        if (step > 0) {
          start = it.start ? clamp(*it.start, 0, n) : 0;
          stop = it.stop ? clamp(*it.stop, 0, n) : n;
          len = stop > start ? (stop - start - 1) / step + 1 : 0;
        } else {
          start = it.start ? clamp(*it.start, -1, n - 1) : n - 1;
          stop = it.stop ? clamp(*it.stop, -1, n - 1) : -1;
          len = stop < start ? (stop - start + 1) / step + 1 : 0;
        }
        if (len > 0) offset += start * x.strides()[d];
        shape.push_back(len);
        // A step is used only between two elements, so |step| < n there and the product fits; a huge step with
        // one element left keeps the dimension's stride instead of overflowing.
        strides.push_back(len > 1 ? x.strides()[d] * step : x.strides()[d]);
        ++d;
        break;
      }
    }
  }
  while (d < r) full_dim();
  Tensor out = Tensor::view(x, shape, strides, offset);
  if (pt_op_scope_.should_record()) {
    autograd::record(OpId::strided_slice, {x}, {out}, attrs::StridedSlice{items});
  }
  return out;
}

// ---- joins and splits -------------------------------------------------------------------

Tensor concat(const std::vector<Tensor>& xs, int64_t axis) {
  PT_OP_SCOPE;
  check_arg(!xs.empty(), "concat: expected a non-empty list of tensors");
  const Tensor& first = xs[0];
  const int64_t r = first.ndim();
  check_arg(r > 0, "concat: cannot concatenate 0-d tensors (scalars); use pt.stack to join them along a new axis");
  const int64_t ax = normalize_axis(axis, r, "concat");
  Shape shape(first.shape());
  shape[ax] = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    const Tensor& x = xs[k];
    if (x.dtype() != first.dtype())
      throw TypeError(str_cat("concat: input ", k, " has dtype ", dtype_name(x.dtype()), " but input 0 has dtype ",
                              dtype_name(first.dtype()), "; all inputs must have the same dtype (use pt.cast)"));
    check_arg(x.ndim() == r, "concat: input ", k, " has shape ", shape_str(x.shape()), " (rank ", x.ndim(),
              ") but input 0 has shape ", shape_str(first.shape()), " (rank ", r, "); ranks must match");
    for (int64_t d = 0; d < r; ++d)
      check_arg(d == ax || x.shape()[d] == first.shape()[d], "concat: dimension ", d, " of input ", k, " (shape ",
                shape_str(x.shape()), ") does not match input 0 (shape ", shape_str(first.shape()),
                "); all dimensions except the concatenation axis ", ax, " must match");
    shape[ax] += x.shape()[ax];
  }
  Tensor out = Tensor::empty(shape, first.dtype());
  int64_t pos = 0;
  for (const Tensor& x : xs) {
    if (x.numel() > 0)
      copy_into(Tensor::view(out, x.shape(), out.strides(), out.offset() + pos * out.strides()[ax]), x);
    pos += x.shape()[ax];
  }
  PT_RECORD(OpId::concat, xs, {out}, attrs::Axis{ax});
  return out;
}

Tensor stack(const std::vector<Tensor>& xs, int64_t axis) {
  PT_OP_SCOPE;
  check_arg(!xs.empty(), "stack: expected a non-empty list of tensors");
  const int64_t r = xs[0].ndim();
  check_arg(axis >= -r - 1 && axis <= r, "stack: axis ", axis, " is out of range for inputs of rank ", r,
            "; expected an axis in [", -r - 1, ", ", r, "]");
  std::vector<Tensor> expanded;
  expanded.reserve(xs.size());
  for (size_t k = 0; k < xs.size(); ++k) {
    if (xs[k].dtype() != xs[0].dtype())
      throw TypeError(str_cat("stack: input ", k, " has dtype ", dtype_name(xs[k].dtype()), " but input 0 has dtype ",
                              dtype_name(xs[0].dtype()), "; all inputs must have the same dtype (use pt.cast)"));
    check_arg(xs[k].shape() == xs[0].shape(), "stack: input ", k, " has shape ", shape_str(xs[k].shape()),
              " but input 0 has shape ", shape_str(xs[0].shape()), "; all inputs must have the same shape");
    expanded.push_back(expand_dims(xs[k], axis));
  }
  const int64_t ax = axis < 0 ? axis + r + 1 : axis;
  Tensor out = concat(expanded, ax);
  PT_RECORD(OpId::stack, xs, {out}, attrs::Axis{ax});
  return out;
}

std::vector<Tensor> unstack(const Tensor& x, int64_t axis) {
  PT_OP_SCOPE;
  check_arg(x.ndim() > 0, "unstack: cannot unstack a 0-d tensor (scalar); the input must have rank >= 1");
  const int64_t ax = normalize_axis(axis, x.ndim(), "unstack");
  Shape shape(x.shape());
  Strides strides(x.strides());
  shape.erase(shape.begin() + ax);
  strides.erase(strides.begin() + ax);
  std::vector<Tensor> out;
  out.reserve(x.shape()[ax]);
  for (int64_t i = 0; i < x.shape()[ax]; ++i)
    out.push_back(Tensor::view(x, shape, strides, x.offset() + i * x.strides()[ax]));
  PT_RECORD(OpId::unstack, {x}, out, attrs::Axis{ax});
  return out;
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis) {
  PT_OP_SCOPE;
  check_arg(x.ndim() > 0, "split: cannot split a 0-d tensor (scalar)");
  const int64_t ax = normalize_axis(axis, x.ndim(), "split");
  const int64_t n = x.shape()[ax];
  check_arg(!sizes.empty(), "split: size_splits must not be empty");
  std::vector<int64_t> sz(sizes);
  int64_t infer = -1, total = 0;
  for (size_t i = 0; i < sz.size(); ++i) {
    if (sz[i] == -1) {
      check_arg(infer < 0, "split: size_splits has more than one -1; only one size can be inferred");
      infer = static_cast<int64_t>(i);
    } else {
      check_arg(sz[i] >= 0, "split: size_splits has a negative size ", sz[i], "; sizes must be >= 0 (or one -1)");
      total += sz[i];
    }
  }
  if (infer >= 0) {
    check_arg(total <= n, "split: the given sizes sum to ", total, ", more than dimension ", ax, " of shape ",
              shape_str(x.shape()), " (size ", n, ")");
    sz[infer] = n - total;
  } else {
    check_arg(total == n, "split: the sizes sum to ", total, " but dimension ", ax, " of shape ", shape_str(x.shape()),
              " has size ", n, "; they must sum to it exactly (or use one -1)");
  }
  std::vector<Tensor> out;
  out.reserve(sz.size());
  int64_t pos = 0;
  for (int64_t s : sz) {
    Shape shape(x.shape());
    shape[ax] = s;
    out.push_back(Tensor::view(x, shape, x.strides(), x.offset() + (s > 0 ? pos * x.strides()[ax] : 0)));
    pos += s;
  }
  PT_RECORD(OpId::split, {x}, out, attrs::Split{sz, ax});
  return out;
}

std::vector<Tensor> split_num(const Tensor& x, int64_t num, int64_t axis) {
  check_arg(x.ndim() > 0, "split: cannot split a 0-d tensor (scalar)");
  const int64_t ax = normalize_axis(axis, x.ndim(), "split");
  check_arg(num > 0, "split: num_or_size_splits must be a positive number of pieces, got ", num);
  const int64_t n = x.shape()[ax];
  check_arg(n % num == 0, "split: ", num, " pieces do not evenly divide dimension ", ax, " of shape ",
            shape_str(x.shape()), " (size ", n, "); give a divisor of ", n, " or a list of sizes");
  return split(x, std::vector<int64_t>(num, n / num), ax);
}

// ---- copies -----------------------------------------------------------------------------

Tensor tile(const Tensor& x, const std::vector<int64_t>& multiples) {
  PT_OP_SCOPE;
  const int64_t r = x.ndim();
  check_arg(static_cast<int64_t>(multiples.size()) == r, "tile: multiples has ", multiples.size(),
            " entries but the input of shape ", shape_str(x.shape()), " has rank ", r, "; give one per dimension");
  // Read x as (m0, d0, m1, d1, ...) with zero strides on the repeat dims, copy densely, merge pairs.
  Shape wide, out_shape;
  Strides wide_strides;
  for (int64_t i = 0; i < r; ++i) {
    check_arg(multiples[i] >= 0, "tile: multiples[", i, "] = ", multiples[i], " is negative");
    wide.push_back(multiples[i]);
    wide.push_back(x.shape()[i]);
    wide_strides.push_back(0);
    wide_strides.push_back(x.strides()[i]);
    out_shape.push_back(checked_mul(multiples[i], x.shape()[i], "tile"));
  }
  Tensor dense = Tensor::empty(wide, x.dtype());
  if (dense.numel() > 0) copy_into(dense, Tensor::view(x, wide, wide_strides, x.offset()));
  Tensor out = Tensor::view(dense, out_shape, contiguous_strides(out_shape), 0);
  PT_RECORD(OpId::tile, {x}, {out}, attrs::Ints{multiples});
  return out;
}

namespace {
/** pad's kernel (validates; records nothing). */
Tensor pad_impl(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, const std::string& mode_in,
                double constant) {
  std::string mode(mode_in);
  for (auto& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const bool reflect = mode == "REFLECT", symmetric = mode == "SYMMETRIC";
  check_arg(mode == "CONSTANT" || reflect || symmetric, "pad: mode must be \"CONSTANT\", \"REFLECT\" or \"SYMMETRIC\", got \"",
            mode_in, "\"");
  const int64_t r = x.ndim();
  check_arg(static_cast<int64_t>(paddings.size()) == r, "pad: paddings must have shape (rank, 2) = (", r,
            ", 2) for an input of shape ", shape_str(x.shape()), ", got ", paddings.size(), " rows");
  Shape out_shape(r);
  std::vector<std::vector<int64_t>> maps(r);  // per dim: element offset into x, or kOutside
  for (int64_t d = 0; d < r; ++d) {
    const int64_t n = x.shape()[d], before = paddings[d].first, after = paddings[d].second;
    check_arg(before >= 0 && after >= 0, "pad: paddings[", d, "] = [", before, ", ", after, "] is negative");
    if (reflect)
      check_arg(before < n && after < n, "pad: REFLECT paddings must be less than the dimension size: paddings[", d,
                "] = [", before, ", ", after, "] but dimension ", d, " of shape ", shape_str(x.shape()), " is ", n);
    if (symmetric)
      check_arg(before <= n && after <= n, "pad: SYMMETRIC paddings must not exceed the dimension size: paddings[", d,
                "] = [", before, ", ", after, "] but dimension ", d, " of shape ", shape_str(x.shape()), " is ", n);
    out_shape[d] = checked_add(checked_add(before, n, "pad"), after, "pad");
  }
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());  // refuses an impossible shape before the maps are sized by it
  for (int64_t d = 0; d < r; ++d) {
    const int64_t n = x.shape()[d], before = paddings[d].first;
    maps[d].resize(out_shape[d]);
    for (int64_t j = 0; j < out_shape[d]; ++j) {
      int64_t k = j - before;
      if (k < 0) k = reflect ? -k : symmetric ? -k - 1 : kOutside;
      else if (k >= n) k = reflect ? 2 * (n - 1) - k : symmetric ? 2 * n - 1 - k : kOutside;
      maps[d][j] = k == kOutside ? kOutside : k * x.strides()[d];
    }
  }
  if (r == 0) {
    copy_into(out, x);
    return out;
  }
  if (out.numel() == 0) return out;
  kernel<backend::PadKernel>(OpId::pad, x.device(), x.dtype())(x, maps, paddings[r - 1].first, constant, out);
  return out;
}

}  // namespace

Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, const std::string& mode,
           double constant) {
  PT_OP_SCOPE;
  Tensor out = pad_impl(x, paddings, mode, constant);
  if (pt_op_scope_.should_record()) {
    autograd::record(OpId::pad, {x}, {out}, attrs::Pad{paddings, mode, constant});
  }
  return out;
}

// ---- gathers and masks -----------------------------------------------------------------

Tensor gather(const Tensor& params, const Tensor& indices, int64_t axis, int64_t batch_dims) {
  PT_OP_SCOPE;
  if (indices.dtype() != DType::Int32 && indices.dtype() != DType::Int64)
    throw_dtype_error("gather", indices.dtype(), "int32 or int64 for the indices");
  const int64_t pr = params.ndim(), ir = indices.ndim();
  const int64_t bd = batch_dims < 0 ? batch_dims + ir : batch_dims;
  check_arg(bd >= 0 && bd <= ir, "gather: batch_dims = ", batch_dims, " is out of range for indices of rank ", ir,
            "; expected a value in [", -ir, ", ", ir, "]");
  check_arg(pr > 0, "gather: params must have rank >= 1, got a 0-d tensor");
  const int64_t ax = normalize_axis(axis, pr, "gather");
  check_arg(bd <= ax, "gather: batch_dims (", bd, ") must be less than or equal to axis (", ax, ")");
  for (int64_t d = 0; d < bd; ++d)
    check_arg(params.shape()[d] == indices.shape()[d], "gather: batch dimension ", d, " differs: params of shape ",
              shape_str(params.shape()), " vs indices of shape ", shape_str(indices.shape()),
              "; the first batch_dims dimensions must match");
  Shape out_shape(params.shape().begin(), params.shape().begin() + ax);
  out_shape.insert(out_shape.end(), indices.shape().begin() + bd, indices.shape().end());
  out_shape.insert(out_shape.end(), params.shape().begin() + ax + 1, params.shape().end());
  const int64_t B = prod(params.shape(), 0, bd), O = prod(params.shape(), bd, ax), N = params.shape()[ax];
  const int64_t S = prod(params.shape(), ax + 1, pr), NI = prod(indices.shape(), bd, ir);
  backend::GatherKernel* run = kernel<backend::GatherKernel>(OpId::gather, params.device(), params.dtype());
  Tensor out = Tensor::empty(out_shape, params.dtype(), params.device());
  run(contiguous(params), contiguous(indices), {B, O, N, S, NI, true, params.shape(), ax}, out);
  PT_RECORD(OpId::gather, {params, indices}, {out}, attrs::Gather{ax, bd});
  return out;
}

namespace {
Tensor one_hot_kernel(const Tensor& indices, int64_t depth, double on_value, double off_value, int64_t axis,
                      DType dtype) {
  if (!is_integer(indices.dtype())) throw_dtype_error("one_hot", indices.dtype(), "an integer dtype (uint8, int32, int64) for the indices");
  check_arg(depth >= 0, "one_hot: depth must be >= 0, got ", depth);
  const int64_t r = indices.ndim();
  check_arg(axis == -1 || (axis >= 0 && axis <= r), "one_hot: axis must be -1 or in [0, ", r, "] for indices of shape ",
            shape_str(indices.shape()), ", got ", axis);
  const int64_t ax = axis == -1 ? r : axis;
  Shape out_shape(indices.shape());
  out_shape.insert(out_shape.begin() + ax, depth);
  backend::OneHotKernel* run = kernel<backend::OneHotKernel>(OpId::one_hot, indices.device(), dtype);
  Tensor out = Tensor::empty(out_shape, dtype, indices.device());
  if (out.numel() == 0) return out;
  const int64_t outer = prod(indices.shape(), 0, ax), inner = prod(indices.shape(), ax, r);
  Tensor idx = cast(contiguous(indices), DType::Int64);
  run(idx, on_value, off_value, outer, inner, out);
  return out;
}
}  // namespace

Tensor one_hot(const Tensor& indices, int64_t depth, double on_value, double off_value, int64_t axis, DType dtype) {
  PT_OP_SCOPE;
  Tensor out = one_hot_kernel(indices, depth, on_value, off_value, axis, dtype);
  PT_RECORD(OpId::one_hot, {indices}, {out}, attrs::OneHot{depth, on_value, off_value, axis, dtype});
  return out;
}

Tensor boolean_mask(const Tensor& x, const Tensor& mask, int64_t axis) {
  PT_OP_SCOPE;
  if (mask.dtype() != DType::Bool) throw_dtype_error("boolean_mask", mask.dtype(), "bool for the mask");
  const int64_t k = mask.ndim(), r = x.ndim();
  check_arg(k > 0, "boolean_mask: the mask must have rank >= 1, got a 0-d mask");
  const int64_t ax = axis < 0 ? axis + r : axis;
  check_arg(ax >= 0 && ax + k <= r, "boolean_mask: a mask of shape ", shape_str(mask.shape()), " at axis ", axis,
            " does not fit a tensor of shape ", shape_str(x.shape()));
  for (int64_t d = 0; d < k; ++d)
    check_arg(mask.shape()[d] == x.shape()[ax + d], "boolean_mask: mask of shape ", shape_str(mask.shape()),
              " does not match dimensions ", ax, "..", ax + k - 1, " of the tensor's shape ", shape_str(x.shape()),
              "; the mask's shape must equal that part of the tensor's shape");
  const Tensor pos = kernel<backend::NonzeroKernel>(OpId::boolean_mask, mask.device(), mask.dtype())(contiguous(mask));
  const int64_t outer = prod(x.shape(), 0, ax), M = mask.numel(), inner = prod(x.shape(), ax + k, r);
  Shape out_shape(x.shape().begin(), x.shape().begin() + ax);
  out_shape.push_back(pos.numel());
  out_shape.insert(out_shape.end(), x.shape().begin() + ax + k, x.shape().end());
  backend::GatherKernel* run = kernel<backend::GatherKernel>(OpId::gather, x.device(), x.dtype());
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (out.numel() > 0)
    run(contiguous(reshape(x, {outer, M, inner})), pos, {1, outer, M, inner, pos.numel(), false, x.shape(), ax}, out);
  PT_RECORD(OpId::boolean_mask, {x, mask}, {out}, attrs::Axis{ax});
  return out;
}

namespace {
Tensor where_indices_kernel(const Tensor& cond) {
  return kernel<backend::NonzeroKernel>(OpId::where_indices, cond.device(), cond.dtype())(contiguous(cond));
}
}  // namespace

Tensor where_indices(const Tensor& cond) {
  PT_OP_SCOPE;
  Tensor out = where_indices_kernel(cond);
  PT_RECORD(OpId::where_indices, {cond}, {out});
  return out;
}

// ---- segment sums and scatters ----------------------------------------------------------

namespace {

/** The ids of an int32/int64 tensor as a dense int64 tensor (a copy only when needed). */
Tensor ids_int64(const Tensor& ids, const char* op, const char* what) {
  if (ids.dtype() != DType::Int32 && ids.dtype() != DType::Int64)
    throw_dtype_error(op, ids.dtype(), str_cat("int32 or int64 for ", what).c_str());
  return ids.dtype() == DType::Int64 ? contiguous(ids) : cast(contiguous(ids), DType::Int64);
}

/**
 * Flat row ids of scatter_nd's index tuples: indices (..., K) into the leading K dims of `shape`,
 * as an int64 tensor of shape indices.shape[:-1]; throws on an index outside its dimension.
 */
Tensor scatter_flat_ids(const Tensor& indices, const Shape& shape) {
  Tensor idx = ids_int64(indices, "scatter_nd", "the indices");
  check_arg(idx.ndim() >= 1, "scatter_nd: indices must have rank >= 1 (the last dimension holds index tuples), got a 0-d tensor");
  const int64_t K = idx.shape().back();
  check_arg(K <= static_cast<int64_t>(shape.size()), "scatter_nd: indices of shape ", shape_str(idx.shape()),
            " hold tuples of length ", K, " but the output shape ", shape_str(shape), " has only rank ", shape.size());
  return kernel<backend::ScatterIdsKernel>(OpId::scatter_nd, idx.device(), DType::Int64)(idx, shape);
}

}  // namespace

Tensor unsorted_segment_sum(const Tensor& data, const Tensor& segment_ids, int64_t num_segments) {
  if (computes_in_float32(data.dtype()))  // float16 / bfloat16 segments sum in float32
    return cast(unsorted_segment_sum(widened(data), segment_ids, num_segments), data.dtype());
  PT_OP_SCOPE;
  if (data.dtype() == DType::Bool)
    throw_dtype_error("unsorted_segment_sum", data.dtype(), "a numeric dtype for data (cast bools first)");
  check_arg(num_segments >= 0, "unsorted_segment_sum: num_segments must be >= 0, got ", num_segments);
  const int64_t k = segment_ids.ndim();
  bool prefix = k <= data.ndim();
  for (int64_t d = 0; prefix && d < k; ++d) prefix = segment_ids.shape()[d] == data.shape()[d];
  check_arg(prefix, "unsorted_segment_sum: segment_ids of shape ", shape_str(segment_ids.shape()),
            " must be a prefix of data's shape ", shape_str(data.shape()));
  Tensor ids = ids_int64(segment_ids, "unsorted_segment_sum", "segment_ids");
  Shape out_shape{num_segments};
  out_shape.insert(out_shape.end(), data.shape().begin() + k, data.shape().end());
  backend::SegmentSumKernel* run =
      kernel<backend::SegmentSumKernel>(OpId::unsorted_segment_sum, data.device(), data.dtype());
  Tensor out = Tensor::empty(out_shape, data.dtype(), data.device());
  // TF drops negative ids and refuses ids past the last segment (the kernel checks them).
  run(contiguous(data), ids, num_segments, out);
  PT_RECORD(OpId::unsorted_segment_sum, {data, segment_ids}, {out}, attrs::SegmentSum{num_segments});
  return out;
}

Tensor scatter_nd(const Tensor& indices, const Tensor& updates, const Shape& shape) {
  PT_OP_SCOPE;
  if (updates.dtype() == DType::Bool)
    throw_dtype_error("scatter_nd", updates.dtype(), "a numeric dtype for updates (cast bools first)");
  check_shape(shape, "scatter_nd");
  Tensor flat = scatter_flat_ids(indices, shape);
  const size_t K = static_cast<size_t>(indices.shape().back());
  Shape expect(flat.shape());
  expect.insert(expect.end(), shape.begin() + K, shape.end());
  check_arg(updates.shape() == expect, "scatter_nd: updates must have shape indices.shape[:-1] + shape[", K, ":] = ",
            shape_str(expect), " for indices of shape ", shape_str(indices.shape()), " and shape ", shape_str(shape),
            ", got ", shape_str(updates.shape()));
  Tensor out = reshape(unsorted_segment_sum(updates, flat, prod(shape, 0, K)), shape);
  PT_RECORD(OpId::scatter_nd, {indices, updates}, {out}, attrs::ScatterNd{shape});
  return out;
}

Tensor strided_slice_grad(const Tensor& dy, const Shape& input_shape, const std::vector<IndexItem>& items) {
  PT_OP_SCOPE;
  Tensor out = zeros(input_shape, dy.dtype());
  Tensor window = strided_slice(out, items);
  check_arg(window.shape() == dy.shape(), "strided_slice_grad: dy has shape ", shape_str(dy.shape()),
            " but the slice of an input of shape ", shape_str(input_shape), " has shape ", shape_str(window.shape()));
  if (window.numel() > 0) copy_into(window, dy);
  if (pt_op_scope_.should_record()) {
    autograd::record(OpId::strided_slice_grad, {dy}, {out}, attrs::StridedSliceGrad{input_shape, items});
  }
  return out;
}

Tensor int64_vector(const std::vector<int64_t>& vals) {
  Tensor t = Tensor::empty({static_cast<int64_t>(vals.size())}, DType::Int64);
  std::copy(vals.begin(), vals.end(), t.data<int64_t>());
  return t;
}

}  // namespace pt::ops

// ---- gradients -------------------------------------------------------------------------
namespace pt::ops {
namespace {

using autograd::Node;
using Grads = std::vector<Tensor>;

/** The inverse of a permutation. */
std::vector<int64_t> inverse_perm(const std::vector<int64_t>& p) {
  std::vector<int64_t> inv(p.size());
  for (size_t i = 0; i < p.size(); ++i) inv[p[i]] = static_cast<int64_t>(i);
  return inv;
}

/** Permutation that moves axis `ax` of a rank-r tensor to the front. */
std::vector<int64_t> axis_to_front(int64_t ax, int64_t r) {
  std::vector<int64_t> p{ax};
  for (int64_t i = 0; i < r; ++i)
    if (i != ax) p.push_back(i);
  return p;
}

/** Sums slices of g along `ax` into `n` positions by int64 `ids` (one per slice; -1 drops it). */
Tensor segment_sum_along(const Tensor& g, const Tensor& ids, int64_t n, int64_t ax) {
  const std::vector<int64_t> p = axis_to_front(ax, g.ndim());
  return transpose(unsorted_segment_sum(transpose(g, p), ids, n), inverse_perm(p));
}

const std::vector<IndexItem>& items_of(const Node& n) {
  return n.op == OpId::strided_slice_grad ? n.attr<attrs::StridedSliceGrad>().items : n.attr<attrs::StridedSlice>().items;
}

Grads grad_tile(const Node& n, const Tensor& dy) {
  const Tensor& x = n.inputs[0];
  if (x.ndim() == 0) return {dy};
  Shape wide;
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < x.ndim(); ++i) {
    axes.push_back(2 * i);
    wide.push_back(n.attr<attrs::Ints>().values[i]);
    wide.push_back(x.shape()[i]);
  }
  return {reduce(OpId::reduce_sum, reshape(dy, wide), axes, false, false)};
}

Grads grad_pad(const Node& n, const Tensor& dy) {
  const Tensor& x = n.inputs[0];
  const int64_t r = x.ndim();
  const attrs::Pad& a = n.attr<attrs::Pad>();
  const auto& pads = a.paddings;
  // The forward validated the mode (any case): CONSTANT, REFLECT or SYMMETRIC.
  const char mode = static_cast<char>(std::toupper(static_cast<unsigned char>(a.mode[0])));
  if (mode == 'C') {  // CONSTANT: the interior window
    std::vector<IndexItem> items(r);
    for (int64_t d = 0; d < r; ++d) {
      items[d].kind = IndexItem::Slice;
      items[d].start = pads[d].first;
      items[d].stop = pads[d].first + x.shape()[d];
    }
    return {strided_slice(dy, items)};
  }
  // REFLECT / SYMMETRIC: fold each padded dim back onto the positions it copied, one dim at a time.
  const bool reflect = mode == 'R';
  Tensor g = dy;
  for (int64_t d = 0; d < r; ++d) {
    const int64_t before = pads[d].first, after = pads[d].second, len = x.shape()[d];
    if (before == 0 && after == 0) continue;
    std::vector<int64_t> ids(before + len + after);
    for (int64_t j = 0; j < static_cast<int64_t>(ids.size()); ++j) {
      int64_t k = j - before;
      if (k < 0) k = reflect ? -k : -k - 1;
      else if (k >= len) k = reflect ? 2 * (len - 1) - k : 2 * len - 1 - k;
      ids[j] = k;
    }
    g = segment_sum_along(g, int64_vector(ids), len, d);
  }
  return {g};
}

Grads grad_gather(const Node& n, const Tensor& dy) {
  const Tensor& params = n.inputs[0];
  const Tensor& indices = n.inputs[1];
  const auto& [ax, bd] = n.attr<attrs::Gather>();
  const int64_t pr = params.ndim(), ir = indices.ndim(), nI = ir - bd, N = params.shape()[ax];
  const Shape& ps = params.shape();
  // dy is [B, O, I, S]; bring it to [B, I, O, S], merge B and I, sum into B*N segments offset per batch.
  const int64_t Btot = prod(ps, 0, bd), Itot = prod(indices.shape(), bd, ir);
  Tensor idx = ids_int64(indices, "gather", "the indices");
  const Tensor batch_offsets = binary(OpId::multiply, reshape(range(0, double(Btot), 1, DType::Int64), {Btot, 1}),
                                     fill({}, double(N), DType::Int64));
  const Tensor ids = reshape(binary(OpId::add, reshape(idx, {Btot, Itot}), batch_offsets), {Btot * Itot});
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < bd; ++i) perm.push_back(i);
  for (int64_t i = 0; i < nI; ++i) perm.push_back(ax + i);
  for (int64_t i = bd; i < ax; ++i) perm.push_back(i);
  for (int64_t i = ax + nI; i < dy.ndim(); ++i) perm.push_back(i);
  Shape merged{Btot * Itot};
  merged.insert(merged.end(), ps.begin() + bd, ps.begin() + ax);
  merged.insert(merged.end(), ps.begin() + ax + 1, ps.end());
  Tensor summed = unsorted_segment_sum(reshape(transpose(dy, perm), merged), ids, Btot * N);
  // [B*N, O, S] -> [B, N, O, S] -> [B, O, N, S]
  Shape split_shape(ps.begin(), ps.begin() + bd);
  split_shape.push_back(N);
  split_shape.insert(split_shape.end(), ps.begin() + bd, ps.begin() + ax);
  split_shape.insert(split_shape.end(), ps.begin() + ax + 1, ps.end());
  std::vector<int64_t> back;
  for (int64_t i = 0; i < bd; ++i) back.push_back(i);
  for (int64_t i = bd + 1; i <= ax; ++i) back.push_back(i);
  back.push_back(bd);
  for (int64_t i = ax + 1; i < pr; ++i) back.push_back(i);
  return {transpose(reshape(summed, split_shape), back), Tensor()};
}

Grads grad_boolean_mask(const Node& n, const Tensor& dy) {
  const Tensor& x = n.inputs[0];
  const Tensor& mask = n.inputs[1];
  const int64_t ax = n.attr<attrs::Axis>().axis;
  Tensor pos = reshape(where_indices(reshape(mask, {-1})), {-1});
  return {reshape(segment_sum_along(dy, pos, mask.numel(), ax), x.shape()), Tensor()};
}

Grads grad_segment_sum(const Node& n, const Tensor& dy) {
  const Tensor& ids_in = n.inputs[1];
  const int64_t num = n.attr<attrs::SegmentSum>().num_segments;
  Tensor ids = ids_int64(ids_in, "unsorted_segment_sum", "segment_ids");
  // Rows the forward dropped (negative ids; the forward refused ids >= num) read an appended zero row. Public ops
  // only, so a traced gradient maps the run's ids rather than the trace's.
  Tensor mapped =
      where(binary(OpId::less, ids, autograd::scalar(0, DType::Int64)),
            autograd::scalar(static_cast<double>(num), DType::Int64), ids);
  Shape zshape(dy.shape());
  zshape[0] = 1;
  return {gather(concat({dy, zeros(zshape, dy.dtype())}, 0), mapped, 0, 0), Tensor()};
}

Grads grad_scatter_nd(const Node& n, const Tensor& dy) {
  const Tensor& indices = n.inputs[0];
  const Shape& shape = n.attr<attrs::ScatterNd>().shape;
  const size_t K = static_cast<size_t>(indices.shape().back());
  Shape rows{prod(shape, 0, K)};
  rows.insert(rows.end(), shape.begin() + K, shape.end());
  // Flat row ids from public ops (index tuples times row strides), so that a traced gradient computes them from
  // the run's indices rather than keeping the trace's.
  std::vector<int64_t> strides(K, 1);
  for (size_t k = K; k-- > 1;) strides[k - 1] = strides[k] * shape[k];
  Tensor flat = reduce(OpId::reduce_sum, binary(OpId::multiply, cast(indices, DType::Int64), int64_vector(strides)),
                       {-1}, false, false);
  return {Tensor(), gather(reshape(dy, rows), flat, 0, 0)};
}

Grads grad_shape(const Node& n, const Grads& g) {
  const Tensor& dy = g[0];
  switch (n.op) {
    case OpId::reshape:
    case OpId::expand_dims:
    case OpId::squeeze: return {reshape(dy, n.inputs[0].shape())};
    case OpId::transpose: return {transpose(dy, inverse_perm(n.attr<attrs::Ints>().values))};
    case OpId::broadcast_to: return {autograd::sum_to(dy, n.inputs[0].shape())};
    case OpId::strided_slice: return {strided_slice_grad(dy, n.inputs[0].shape(), items_of(n))};
    case OpId::strided_slice_grad: return {strided_slice(dy, items_of(n))};
    case OpId::concat: {
      std::vector<int64_t> sizes;
      const int64_t axis = n.attr<attrs::Axis>().axis;
      for (const Tensor& x : n.inputs) sizes.push_back(x.shape()[axis]);
      return split(dy, sizes, axis);
    }
    case OpId::stack: return unstack(dy, n.attr<attrs::Axis>().axis);
    case OpId::unstack:
      if (g.empty()) return {zeros_like(n.inputs[0], std::nullopt)};
      return {stack(g, n.attr<attrs::Axis>().axis)};
    case OpId::split: return {concat(g, n.attr<attrs::Split>().axis)};
    case OpId::tile: return grad_tile(n, dy);
    case OpId::pad: return grad_pad(n, dy);
    case OpId::gather: return grad_gather(n, dy);
    case OpId::boolean_mask: return grad_boolean_mask(n, dy);
    case OpId::unsorted_segment_sum: return grad_segment_sum(n, dy);
    case OpId::scatter_nd: return grad_scatter_nd(n, dy);
    default: return Grads(n.inputs.size());
  }
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::reshape)
      .invoke([](const Invocation& node) -> Outputs {
        return {reshape(node.in(0), node.attr<attrs::TargetShape>().shape)};
      })
      .gradient(grad_shape)
      .doc("reshape(tensor, shape, name=None)",
           "Reshapes a tensor.",
           "tensor: a tensor.\n"
           "shape: the new shape; one dimension may be -1 (inferred).",
           "pt.reshape(pt.range(6), [2, -1])  # [[0, 1, 2], [3, 4, 5]]")
      .exports("tf");
  define_op(OpId::transpose)
      .invoke([](const Invocation& node) -> Outputs {
        return {transpose(node.in(0), node.attr<attrs::Ints>().values)};
      })
      .gradient(grad_shape)
      .doc("transpose(a, perm=None, conjugate=False, name=None)",
           "Transposes `a`, where `a` is a Tensor.",
           "a: a tensor.\n"
           "perm: the permutation of the axes (default: reversed).\n"
           "conjugate: ignored for real dtypes (TF conjugates complex tensors).",
           "pt.transpose([[1, 2, 3], [4, 5, 6]])  # [[1, 4], [2, 5], [3, 6]]")
      .exports("tf");
  define_op(OpId::expand_dims)
      .invoke([](const Invocation& node) -> Outputs {
        return {expand_dims(node.in(0), node.attr<attrs::Axis>().axis)};
      })
      .gradient(grad_shape)
      .doc("expand_dims(input, axis, name=None)",
           "Returns a tensor with a length 1 axis inserted at index `axis`.",
           "input: a tensor.\n"
           "axis: where the new axis goes (negative counts from the end).",
           "pt.expand_dims([1.0, 2.0], axis=0).shape  # (1, 2)")
      .exports("tf");
  define_op(OpId::squeeze)
      .invoke([](const Invocation& node) -> Outputs {
        return {squeeze(node.in(0), node.attr<attrs::Ints>().values)};
      })
      .gradient(grad_shape)
      .doc("squeeze(input, axis=None, name=None)",
           "Removes dimensions of size 1 from the shape of a tensor.",
           "input: a tensor.\n"
           "axis: the axes to remove (default: every axis of length 1).",
           "pt.squeeze(pt.ones([1, 3, 1])).shape  # (3,)")
      .exports("tf");
  define_op(OpId::concat)
      .invoke([](const Invocation& node) -> Outputs { return {concat(node.inputs, node.attr<attrs::Axis>().axis)}; })
      .gradient(grad_shape)
      .doc("concat(values, axis, name=None)",
           "Concatenates tensors along one dimension.",
           "values: a list of tensors of the same dtype (and the same shape except along axis).\n"
           "axis: the axis to join along.",
           "pt.concat([[[1, 2]], [[3, 4]]], axis=0)  # [[1, 2], [3, 4]]")
      .exports("tf");
  define_op(OpId::stack)
      .invoke([](const Invocation& node) -> Outputs { return {stack(node.inputs, node.attr<attrs::Axis>().axis)}; })
      .gradient(grad_shape)
      .doc("stack(values, axis=0, name=None)",
           "Stacks a list of rank-`R` tensors into one rank-`(R+1)` tensor.",
           "values: a list of tensors of the same dtype (and the same shape except along axis).\n"
           "axis: where the new axis goes.",
           "pt.stack([[1, 2], [3, 4]], axis=1)  # [[1, 3], [2, 4]]")
      .exports("tf");
  define_op(OpId::unstack)
      .invoke([](const Invocation& node) -> Outputs { return unstack(node.in(0), node.attr<attrs::Axis>().axis); })
      .gradient(grad_shape)
      .doc("unstack(value, num=None, axis=0, name=None)",
           "Unpacks the given dimension of a rank-`R` tensor into rank-`(R-1)` tensors.",
           "value: a tensor of rank >= 1.\n"
           "num: the length of that axis (checked if given).\n"
           "axis: the axis to unpack along.",
           "pt.unstack([[1, 2], [3, 4]], axis=1)  # [[1, 3], [2, 4]]")
      .exports("tf");
  define_op(OpId::split)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& s = node.attr<attrs::Split>();
        return split(node.in(0), s.sizes, s.axis);
      })
      .gradient(grad_shape)
      .doc("split(value, num_or_size_splits, axis=0, num=None, name=None)",
           "Splits a tensor `value` into a list of sub tensors.",
           "value: the tensor to split.\n"
           "num_or_size_splits: the number of equal parts, or a list with the size of each part.\n"
           "axis: the axis to split along.\n"
           "num: the number of outputs when num_or_size_splits cannot tell it.",
           "pt.split(pt.range(6), 3)  # [[0, 1], [2, 3], [4, 5]]")
      .exports("tf");
  define_op(OpId::tile)
      .invoke([](const Invocation& node) -> Outputs { return {tile(node.in(0), node.attr<attrs::Ints>().values)}; })
      .gradient(grad_shape)
      .doc("tile(input, multiples, name=None)",
           "Constructs a tensor by tiling a given tensor.",
           "input: a tensor.\n"
           "multiples: a list of ints: how many times to repeat along each axis.",
           "pt.tile([[1, 2]], [2, 2])  # [[1, 2, 1, 2], [1, 2, 1, 2]]")
      .exports("tf");
  define_op(OpId::broadcast_to)
      .invoke([](const Invocation& node) -> Outputs {
        return {broadcast_to(node.in(0), node.attr<attrs::TargetShape>().shape)};
      })
      .gradient(grad_shape)
      .doc("broadcast_to(input, shape, name=None)",
           "Broadcast an array for a compatible shape.",
           "input: a tensor.\n"
           "shape: the target shape.",
           "pt.broadcast_to([1, 2, 3], [2, 3])  # [[1, 2, 3], [1, 2, 3]]")
      .exports("tf");
  define_op(OpId::pad)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& p = node.attr<attrs::Pad>();
        return {pad(node.in(0), p.paddings, p.mode, p.constant_values)};
      })
      .gradient(grad_shape)
      .doc("pad(tensor, paddings, mode='CONSTANT', constant_values=0, name=None)",
           "Pads a tensor.",
           "tensor: a tensor.\n"
           "paddings: an integer tensor of shape [rank(tensor), 2]: values added before and after each axis.\n"
           "mode: 'CONSTANT', 'REFLECT' or 'SYMMETRIC'.\n"
           "constant_values: the value padded in 'CONSTANT' mode.",
           "pt.pad([[1, 2]], [[1, 1], [0, 1]])  # [[0, 0, 0], [1, 2, 0], [0, 0, 0]]")
      .exports("tf");
  define_op(OpId::gather)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& g = node.attr<attrs::Gather>();
        return {gather(node.in(0), node.in(1), g.axis, g.batch_dims)};
      })
      .gradient(grad_shape)
      .doc("gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None)",
           "Gather slices from params axis `axis` according to indices.",
           "params: the tensor to gather from.\n"
           "indices: an integer tensor of indices.\n"
           "validate_indices: deprecated in TensorFlow; ignored.\n"
           "axis: the axis of params to gather along (default batch_dims).\n"
           "batch_dims: the number of leading batch dimensions shared by params and indices.",
           "pt.gather([10, 20, 30], [2, 0])  # [30, 10]");
  define_op(OpId::one_hot)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& o = node.attr<attrs::OneHot>();
        return {one_hot(node.in(0), o.depth, o.on_value, o.off_value, o.axis, o.dtype)};
      })
      .doc("one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None)",
           "Returns a one-hot tensor.",
           "indices: an integer tensor of indices.\n"
           "depth: the number of classes (the length of the new axis).\n"
           "on_value: the value at the index (default 1).\n"
           "off_value: the value elsewhere (default 0).\n"
           "axis: where the new axis goes (default -1, last).\n"
           "dtype: the result's dtype (default float32, or on_value's).",
           "pt.one_hot([0, 2], depth=3)  # [[1., 0., 0.], [0., 0., 1.]]")
      .exports("tf");
  define_op(OpId::strided_slice)
      .invoke([](const Invocation& node) -> Outputs {
        return {strided_slice(node.in(0), node.attr<attrs::StridedSlice>().items)};
      })
      .gradient(grad_shape);
  define_op(OpId::boolean_mask)
      .invoke([](const Invocation& node) -> Outputs {
        return {boolean_mask(node.in(0), node.in(1), node.attr<attrs::Axis>().axis)};
      })
      .gradient(grad_shape)
      .doc("boolean_mask(tensor, mask, axis=None, name=None)",
           "Apply boolean mask to tensor.",
           "tensor: a tensor.\n"
           "mask: a bool tensor whose shape matches the first dimensions of tensor (from axis on).\n"
           "axis: the first axis of tensor the mask applies to (default 0).",
           "pt.boolean_mask([1, 2, 3], [True, False, True])  # [1, 3]")
      .exports("tf");
  define_op(OpId::where_indices)
      .invoke([](const Invocation& node) -> Outputs { return {where_indices(node.in(0))}; });
  define_op(OpId::unsorted_segment_sum)
      .invoke([](const Invocation& node) -> Outputs {
        return {unsorted_segment_sum(node.in(0), node.in(1), node.attr<attrs::SegmentSum>().num_segments)};
      })
      .gradient(grad_shape)
      .doc("unsorted_segment_sum(data, segment_ids, num_segments, name=None)",
           "Computes the sum along segments of a tensor.",
           "data: the tensor to sum.\n"
           "segment_ids: an integer tensor of segment ids, a prefix of data's shape.\n"
           "num_segments: the number of segments.",
           "pt.math.unsorted_segment_sum([1.0, 2.0, 3.0], [0, 1, 0], num_segments=2)  # [4., 2.]")
      .exports("tf.math");
  define_op(OpId::scatter_nd)
      .invoke([](const Invocation& node) -> Outputs {
        return {scatter_nd(node.in(0), node.in(1), node.attr<attrs::ScatterNd>().shape)};
      })
      .gradient(grad_shape)
      .doc("scatter_nd(indices, updates, shape, name=None)",
           "Scatters `updates` into a tensor of shape `shape` according to `indices`.",
           "indices: an integer tensor; its last axis indexes into shape.\n"
           "updates: the values to scatter, shape indices.shape[:-1] + shape[indices.shape[-1]:].\n"
           "shape: the shape of the result.",
           "pt.scatter_nd([[1], [3]], [9.0, 7.0], [5])  # [0., 9., 0., 7., 0.]")
      .exports("tf");
  define_op(OpId::strided_slice_grad)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& s = node.attr<attrs::StridedSliceGrad>();
        return {strided_slice_grad(node.in(0), s.input_shape, s.items)};
      })
      .gradient(grad_shape);
  return true;
}();

}  // namespace

}  // namespace pt::ops
