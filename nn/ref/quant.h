// Integer arithmetic of the quantized paths: rounding, fixed-point
// requantization (the gemmlowp / TFLite scheme of an int32 mantissa and a
// right shift, arXiv:1712.05877 section 2.2) and float <-> integer tensor
// conversion. docs/numerics.md section "Requantization" is the contract.
#pragma once

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

#include <cstdint>
#include <vector>

namespace nnvp::ref {

// Round to nearest, ties away from zero (std::round semantics), saturated to
// the int64 range; NaN gives 0.
int64_t round_half_away(double x);

// x / 2^shift rounded to nearest, ties away from zero; shift in [0, 126].
__int128 rounding_rshift(__int128 x, int shift);

// round_half_away(acc * m.multiplier / 2^m.shift), computed exactly in 128-bit
// arithmetic (a single rounding, no double rounding), saturated to int64.
int64_t requantize(int64_t acc, fixed_multiplier m);

// The fixed multiplier closest to `scale`: scale = f * 2^e with f in [0.5, 1),
// multiplier = round_half_away(f * 2^31) (renormalised if it reaches 2^31),
// shift = 31 - e. Scales below 2^-32 lose mantissa bits (shift capped at 63;
// below 2^-63 the multiplier is 0). Throws std::invalid_argument for scales
// that are not finite, negative, or >= 2^31.
fixed_multiplier quantize_multiplier(double scale);
double multiplier_value(fixed_multiplier m);

int64_t saturate(int64_t v, nn::dtype t);

// q = saturate(round_half_away(double(x) / double(q.scale)) + zero_point).
int64_t quantize_value(float x, quant_params q, nn::dtype t);
// real = float(q.scale * float(v - zero_point)), one fp32 multiply.
float dequantize_value(int64_t v, quant_params q);

// Whole tensors. quantize: fp32/fp16 in, integer type out. dequantize: fp32 out.
nn::tensor quantize(const nn::tensor& real, quant_params q, nn::dtype t);
nn::tensor dequantize(const nn::tensor& q, quant_params p);
// Symmetric weights (zero point 0): `scales` has one entry (per tensor) or one
// per output channel (the tensor's n dimension).
nn::tensor quantize_weights(const nn::tensor& real, const std::vector<float>& scales,
                            nn::dtype t);
nn::tensor dequantize_weights(const nn::tensor& q, const std::vector<float>& scales);
// Bias in accumulator units: q = round_half_away(b / (in_scale * w_scale[c])).
nn::tensor quantize_bias(const nn::tensor& real, float in_scale,
                         const std::vector<float>& w_scales, nn::dtype t);

// The scale whose real value is 1: symmetric per-tensor choice for a range
// [-absmax, absmax] onto type t (absmax / max_of(t)).
float symmetric_scale(float absmax, nn::dtype t);

// Fills out_mult, in_mult, in2_mult, add_shift, act_min, act_max and act_lut
// of an integer (or fixed-scale binary) layer from its float description.
// Float layers and fp32-scaled binary layers are left unchanged. Throws
// std::invalid_argument for an inconsistent description.
void lower_quantization(layer& l);

}  // namespace nnvp::ref
