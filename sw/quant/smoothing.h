// SmoothQuant-style scale migration (Xiao et al., "SmoothQuant",
// arXiv:2211.10438) on a float compiler::network, before calibration and
// quantization. Per-tensor activation scales suffer from a few channels with
// large values (LayerNorm outputs of transformers); per-channel weight
// scales do not. So for a tensor X that
//   - is made by a per-channel affine op: a mul by a constant γ [C]
//     (RMSNorm's, or LayerNorm's scale), optionally followed by an add of a
//     constant β [C] that alone reads it, and
//   - is read only by fully connected layers over its C channels (directly
//     or through reshapes that keep C innermost), whose weights have values,
// channel j is divided by s_j = max|X_j|^α / max|W_j|^(1-α) (max|X_j| over
// the calibration samples, max|W_j| over every reader's weights for input
// j): γ and β become γ/s and β/s (new constants), each reader's weights W[n, j]
// become W[n, j] · s_j. The float network computes the same function (up to
// float rounding); only where the quantization error goes changes. A channel
// whose maxima are 0 keeps s_j = 1.
#pragma once

#include <string>
#include <vector>

#include "nn/tensor/tensor.h"
#include "sw/compiler/builder.h"

namespace nnvp::quant {

struct smoothing_result {
    compiler::network net;
    // The affine ops whose outputs were smoothed (γ's mul op names), in order.
    std::vector<std::string> smoothed;
};

// `alpha` in (0, 1]: how much of the activation range moves into the
// weights (0.5 in the paper for most models). `samples` as for
// calibrate_network. Throws quant_error for an alpha out of range or no samples.
smoothing_result smooth_network(const compiler::network& net,
                                const std::vector<std::vector<nn::tensor>>& samples,
                                double alpha);

}  // namespace nnvp::quant
