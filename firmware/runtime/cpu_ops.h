// Ops the firmware runs on the CPU when the NN core lacks them (or the
// compiler put them there). Plain C++ on nn::tensor, no HAL: the runtime
// moves the data and charges the cycles.
#pragma once

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::fw {

// Softmax over the channels (innermost NHWC dim) of every (n, h, w):
// y_c = exp(x_c - max) / sum_k exp(x_k - max), the max subtracted for
// range safety (Goodfellow et al., Deep Learning, 4.1). Input fp32, or int8
// dequantized with `q` (real = scale * (q - zero_point)); output fp32.
// Exponentials and the sum in double, one rounding to fp32 at the end
// (nn/cpuops computes it). Throws std::invalid_argument for another input
// type.
nn::tensor softmax(const nn::tensor& in, const ref::quant_params& q);

}  // namespace nnvp::fw
