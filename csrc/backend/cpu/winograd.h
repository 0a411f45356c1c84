#pragma once
/**
 * 3x3 stride-1 convolutions by Winograd's minimal filtering F(4x4, 3x3) (Lavin & Gray, 2016): each 4x4 block
 * of outputs comes from a 6x6 input tile with 36 multiplications per channel pair instead of 144. Tiles are
 * transformed (input: B^T d B, filter: G g G^T), multiplied as 36 independent GEMMs over channels, and
 * transformed back (A^T m A). Float32 only: the transforms' coefficients (up to 5 and 1/24) cost about one
 * decimal digit, which float64 users would notice and float32 ones do not.
 */
#include <cstdint>

#include "conv.h"

namespace pt::cpu {

/** True when conv2d_forward with geometry g gains from Winograd (3x3, stride 1, dilation 1, enough channels). */
bool winograd_applies(const ConvGeometry& g);

/** The 4x4 output tiles conv2d_forward by Winograd computes for geometry g: its cost, whatever the channels. */
int64_t winograd_tiles(const ConvGeometry& g);

/** y = conv(x, w) by Winograd F(4x4, 3x3); requires winograd_applies(g). Results do not depend on the thread count. */
void winograd_conv3x3(const ConvGeometry& g, const float* x, const float* w, float* y);

/**
 * y = the 2x2 stride-2 VALID max pooling (oh / 2 x ow / 2) of conv(x, w) by Winograd, each tile's outputs pooled
 * in cache, never stored; with `arg`, the index (oy * ow + ox) * co + c of each maximum into the convolution's
 * output image (max_pool2d_with_argmax's). Requires winograd_applies(g).
 */
void winograd_conv3x3_max_pool2x2(const ConvGeometry& g, const float* x, const float* w, float* y, int32_t* arg);

/**
 * dw = the filter gradient of conv(x, w) for upstream dy, by the same transforms: y is linear in the filter, so
 * dw = G^T [sum over tiles of (B^T d B) (.) (A dY A^T)] G. Requires winograd_applies(g).
 */
void winograd_filter_grad3x3(const ConvGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace pt::cpu
