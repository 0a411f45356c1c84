// Adapter of the rfft / irfft ops: TF's fft_length, inferred from the input when None.
#include "op_binder.h"

namespace pt::bind {

void bind_fft(py::module_&) {
  add_adapter({OpId::rfft, OpId::rfft2d, OpId::rfft3d, OpId::irfft, OpId::irfft2d, OpId::irfft3d}, {"fft_length"},
              [](const AdapterContext& c, Attrs& a) {
                auto& lengths = attrs_as<attrs::Ints>(c.op, a).values;
                if (!c.arg(0).is_none()) {
                  lengths = shape_from_py(c.arg(0), c.name());
                  return;
                }
                const OpId op = c.op;
                const int64_t rank = op == OpId::rfft2d || op == OpId::irfft2d   ? 2
                                     : op == OpId::rfft3d || op == OpId::irfft3d ? 3
                                                                                 : 1;
                const Tensor& x = c.inputs[0];
                if (x.ndim() < rank) return;  // the op names the missing dims
                lengths.assign(x.shape().end() - rank, x.shape().end());
                // TF: irfft's default output length is that of a half spectrum of an even-length signal
                if (op == OpId::irfft || op == OpId::irfft2d || op == OpId::irfft3d)
                  lengths.back() = 2 * (lengths.back() - 1);
              });
}

}  // namespace pt::bind
