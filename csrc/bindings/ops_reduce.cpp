// Adapters of the reduce family: TF's axis (None: every axis; argmax's None: 0, or a one-element list).
#include <numeric>

#include "op_binder.h"

namespace pt::bind {

void bind_reduce(py::module_&) {
  add_adapter({OpId::reduce_sum, OpId::reduce_mean, OpId::reduce_max, OpId::reduce_min, OpId::reduce_prod,
               OpId::reduce_logsumexp, OpId::reduce_any, OpId::reduce_all},
              {"axis"}, [](const AdapterContext& c, Attrs& a) {
                std::optional<std::vector<int64_t>> axes = axes_from_py(c.arg(0), c.name());
                auto& r = attrs_as<attrs::Reduce>(c.op, a);
                if (axes) {
                  r.axes = std::move(*axes);
                } else {  // every axis, in one allocation (the tape step's reduce_sum)
                  r.axes.resize(static_cast<size_t>(c.inputs[0].ndim()));
                  std::iota(r.axes.begin(), r.axes.end(), int64_t{0});
                }
              });
  add_adapter({OpId::argmax, OpId::argmin}, {"axis"}, [](const AdapterContext& c, Attrs& a) {
    std::optional<std::vector<int64_t>> axes = axes_from_py(c.arg(0), c.name());
    if (axes && axes->size() != 1)
      throw InvalidArgument(str_cat(c.name(), ": axis must be a single integer, got ", axes->size(), " values"));
    attrs_as<attrs::ArgReduce>(c.op, a).axis = axes ? (*axes)[0] : 0;
  });
}

}  // namespace pt::bind
