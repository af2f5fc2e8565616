// Weight fake-quantization for quantization-aware fine-tuning: the real
// values the SoC's quantizer (sw/quant) will compute from a float weight
// tensor, so the forward pass of training sees the deployed weights.
// Rows are output channels (the first dimension of OHWI / OI weights).
#pragma once

#include <vector>

namespace nnvp::accuracy {

// XNOR-Net weights as sw/quant lowers them: alpha_c sign(w), alpha_c = mean
// |w_c| over the row, sign(0) = +1.
std::vector<float> binarize_rows(const std::vector<float>& w, int rows);

// Symmetric per-channel integer weights as sw/quant's per_channel scheme
// lowers them: s_c = max |w_c| / qmax, q = round(w / s_c) (half away from
// zero), value q s_c. qmax 7 is int4, 127 int8. An all-zero row stays zero.
std::vector<float> quantize_rows(const std::vector<float>& w, int rows, int qmax);

}  // namespace nnvp::accuracy
