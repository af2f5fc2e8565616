// Activations and the per-element epilogue every compute op shares (bias,
// activation, requantization, saturation, binarisation). Float paths apply the
// activation in fp32 before rounding to the output type. Integer paths clamp
// ReLU / ReLU6 / clip in the output's quantized domain and map leaky ReLU,
// sigmoid and tanh through a table built on the host (build_activation_table):
// the table is part of the layer command, so the core never evaluates exp().
#pragma once

#include "nn/ref/layer.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace nnvp::ref {

// fp32 activation. sigmoid = 1 / (1 + expf(-x)), tanh = tanhf(x): libm
// results, so the core matches these within a few ulp (docs/numerics.md).
// The functions after tanh (exp ... reciprocal) are apply_real_activation
// rounded once to fp32, the way the CPU ops evaluate them.
float apply_float_activation(const activation& a, float x);

// Same function in double precision (used to build integer tables).
double apply_real_activation(const activation& a, double x);

// Output clamp [lo, hi] in q units of `out` for type t: ReLU lo = zp; ReLU6
// hi = zp + round_half_away(6 / scale); clip from its real bounds; table kinds
// and none: the whole type range. Always within the type range.
std::pair<int64_t, int64_t> int_activation_bounds(const activation& a, quant_params out,
                                                  nn::dtype t);

// table[q - min_of(t)] = quantize_value(f(dequantize(q, src)), out) for every q
// of type t, with f evaluated in double (apply_real_activation).
std::vector<int32_t> build_activation_table(const activation& a, quant_params src,
                                            quant_params out, nn::dtype t);

// Integer epilogue of conv2d / fully_connected / add / mul: `acc` (bias
// included) is requantized with out_mult[ch]; table activations add act_q's
// zero point, saturate to t and look up act_lut; the others add out_q's zero
// point and clamp to [act_min, act_max].
int64_t finish_int(const layer& l, int64_t acc, int ch, nn::dtype t);

// Integer epilogue of pools and the activation op: `q` is in the input's
// quantized domain. Table kinds: act_lut[q - min]. Activation op: requantize
// (q - in zp) by out_mult[0] then clamp. Pools: clamp only.
int64_t finish_pooled(const layer& l, int64_t q, nn::dtype t);

// Float epilogue: activation in fp32, then the value the output type stores
// (fp16: rounded to nearest even).
float finish_float(const layer& l, float acc, nn::dtype t);

}  // namespace nnvp::ref
