// The 2-D window of Conv / MaxPool / AveragePool from the ONNX attributes
// kernel_shape, strides, dilations, pads and auto_pad (SAME_UPPER puts the
// odd padding row at the end, SAME_LOWER at the start), for an NCHW input.
#pragma once

#include <cstdint>
#include <vector>

#include "sw/onnx/model.h"
#include "nn/ref/layer.h"

namespace nnvp::onnx_import {

// kh, kw: the kernel (from the weights or kernel_shape). ceil_mode: adds the
// bottom / right padding that gives ceil mode's output size. Fails through
// `a` (naming the node) for bad attribute values.
ref::geometry window(const attributes& a, const std::vector<int64_t>& in_dims, int kh, int kw,
                     bool ceil_mode);

}  // namespace nnvp::onnx_import
