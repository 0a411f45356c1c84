#pragma once
/**
 * 2-D NHWC convolution kernels on dense buffers: im2col + GEMM (cpu/gemm.h), and a direct kernel for
 * few input channels, where im2col's copy costs more than the product. Every reduction is cut on a grid
 * that depends on the shape only, so results do not depend on the thread count.
 */
#include <cstdint>

#include "../kernels.h"

namespace pt::cpu {

/** The device-neutral geometry (backend/kernels.h), under the name the CPU kernels use. */
using backend::ConvGeometry;

/** y = conv(x, w): x (n, h, w, c), w (kh, kw, c, co), y (n, oh, ow, co), all dense row-major. */
template <class T>
void conv2d_forward(const ConvGeometry& g, const T* x, const T* w, T* y);

/**
 * Whether conv2d_forward / conv2d_backward_filter use the direct kernel, which conv2d_forward_lines and
 * conv2d_backward_filter_lines expose: patches of at most 32 taps, not 1x1 (never a Winograd shape).
 */
bool conv2d_has_line_kernel(const ConvGeometry& g);

/**
 * Output lines (image, oy) in [l0, l1) of y = conv(x, w), line l0 written at y; serial (call it from kernel
 * threads, which flush denormals), for callers that consume the lines while they are in cache. Requires
 * conv2d_has_line_kernel(g).
 */
template <class T>
void conv2d_forward_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y);

/**
 * dw (kh, kw, c, co) = the filter gradient of conv from output lines [l0, l1) alone, dy's line l0 at dy; serial,
 * like conv2d_forward_lines (same requirement).
 */
template <class T>
void conv2d_backward_filter_lines(const ConvGeometry& g, const T* x, const T* dy, int64_t l0, int64_t l1, T* dw);

/**
 * Pooled lines (image, py) in [l0, l1) of max_pool(conv(x, w)) under 2x2, stride-2, VALID max pooling (oh / 2 x
 * ow / 2 windows), line l0 written at y; with `arg`, also each first maximum's index (oy * ow + ox) * co + c into
 * the convolution's output image (max_pool2d_with_argmax's). A window's four outputs are computed together and
 * pooled in L1, never stored. Serial, like conv2d_forward_lines (same requirement).
 */
template <class T>
void conv2d_max_pool2x2_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y,
                              int32_t* arg);

/**
 * dw (overwritten) = the filter gradient of conv from pooled lines [l0, l1) of the gradient `dy` of its 2x2,
 * stride-2, VALID max pooling, whose argmax `arg` is conv2d_max_pool2x2_lines's (dy's and arg's line l0 at dy and
 * arg): each window's outputs other than its argmax get no gradient, and an index outside its window adds nothing.
 * Serial, like conv2d_forward_lines (same requirement).
 */
template <class T>
void conv2d_max_pool2x2_filter_lines(const ConvGeometry& g, const T* x, const T* dy, const int32_t* arg, int64_t l0,
                                     int64_t l1, T* dw);

/** dx = the input gradient of conv for upstream dy (n, oh, ow, co); dx (n, h, w, c) is overwritten. */
template <class T>
void conv2d_backward_input(const ConvGeometry& g, const T* w, const T* dy, T* dx);

/** dw = the filter gradient of conv for input x and upstream dy; dw (kh, kw, c, co) is overwritten. */
template <class T>
void conv2d_backward_filter(const ConvGeometry& g, const T* x, const T* dy, T* dw);

}  // namespace pt::cpu
