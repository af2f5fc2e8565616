// From a real range to quantization parameters, for the three families the
// schemes use: power-of-two (fixed point), symmetric, affine.
#pragma once

#include <cstdint>
#include <vector>

#include "sw/quant/calibration.h"
#include "nn/ref/layer.h"
#include "nn/tensor/dtype.h"
#include "nn/tensor/tensor.h"
#include "sw/quant/quant_options.h"

namespace nnvp::quant {

struct int_range {
    int64_t lo = 0;
    int64_t hi = 0;
};

// Values a quantized tensor of type t may take: the type's range, or the
// signed `bits`-bit range [-2^(bits-1), 2^(bits-1) - 1] when bits > 0.
int_range storage_range(nn::dtype t, int bits);

// Fixed point Q format: the largest fraction length f (scale 2^-f) for
// which absmax * 2^f <= qmax, so the range never saturates; this is
// Ristretto's "integer length = ceil(log2 max) + 1" rule except when max is
// a power of two (Ristretto then saturates max by one step). f is clamped to
// [-32, 48]; an all-zero range gets f = 0.
int fixed_point_fraction(float absmax, int64_t qmax);
ref::quant_params power_of_two_params(float absmax, int64_t qmax);

// scale = absmax / qmax, zero point 0 (absmax 0: scale 1 / qmax).
ref::quant_params symmetric_params(float absmax, int64_t qmax);

// The largest |value| of elements [from, to) of t.
float absmax_of(const nn::tensor& t, std::size_t from, std::size_t to);

// An activation's quantization under `s` for range r in qr: the network-wide
// power of two (static_fixed, from network_absmax), a per-tensor power of two
// (dynamic_fixed), or per_channel's symmetric or affine (`asymmetric`) scale.
ref::quant_params scheme_params(scheme s, bool asymmetric, value_range r, int_range qr,
                                float network_absmax);

// A weight tensor's scales under `s` (weights are symmetric): one for the
// fixed-point schemes (static_fixed from network_absmax), one per output
// channel (dim n) for per_channel.
std::vector<float> weight_scales(scheme s, const nn::tensor& w, int64_t qmax,
                                 float network_absmax);

// A lowered integer layer's outputs kept inside qr, as a narrower type would
// keep them (a `bits` width inside the storage type): the activation bounds
// and the activation table (softmax's table holds exp values: left alone).
void narrow_outputs(ref::layer& l, int_range qr);

// Affine: [lo, hi] (containing 0) maps onto [q.lo, q.hi]:
// scale = (hi - lo) / (q.hi - q.lo), zero_point = q.lo - round(lo / scale),
// so real 0 is exactly representable (zero padding stays exact).
ref::quant_params affine_params(value_range r, int_range q);

}  // namespace nnvp::quant
