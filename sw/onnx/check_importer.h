// ONNX model -> compiler::network that reproduces the model's nodes exactly,
// at the precision their ONNX types dictate: float nodes become fp32 core
// layers or fp32 CPU ops, QuantizeLinear / DequantizeLinear become CPU
// converts, integer nodes become integer layers where the core's arithmetic
// matches ONNX's. This is what `nnvp check` runs on the virtual SoC.
//
// Graph inputs that feed only parameter slots (Conv weights and bias, Gemm
// B and C, BatchNormalization statistics, Reshape shape, Pad pads, Clip
// bounds, quantization scales and zero points, ...) are compile-time
// constants, as initializers are: their values come from `bound` (the
// test case's input_*.pb); the other graph inputs are the network's runtime
// inputs. Every tensor is mapped onto nnvp's 4-D tensors by the rule of
// sw/onnx/layout.h. ONNX uint8 tensors are stored as int8 holding value -
// 128 (zero points shifted alike), which is exact.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sw/onnx/layout.h"
#include "sw/onnx/tensor_pb.h"
#include "sw/compiler/builder.h"

namespace nnvp::onnx_import {

// A runtime input or the output of the network, as ONNX sees it.
struct port {
    std::string name;
    int32_t elem_type = 0;             // ONNX element type
    std::vector<int64_t> dims;         // ONNX shape
    layout lay = layout::plain;        // how the package tensor stores it
    int tensor = 0;                    // package tensor index
    int32_t offset = 0;                // stored value = ONNX value - offset (uint8: 128)
    nn::dtype type = nn::dtype::fp32;  // stored element type
};

struct check_network {
    compiler::network net;
    std::vector<port> inputs;  // tensor 0 first, then net.extra_inputs in order
    port output;               // graph output 0: the package output (net.output)
    // Graph outputs 1.. in ONNX order; their tensors are net.extra_outputs
    // (which the package orders by tensor index: match by port::tensor).
    std::vector<port> extra_outputs;
    // Decomposed layers fused before translation (sw/onnx/fuse_patterns.h),
    // e.g. "GELU 'ffn/gelu' from 5 nodes (Div, Erf, Add, Mul, Mul)".
    std::vector<std::string> fused;
};

// Throws onnx_error ("<file>: node 'n' (Op): ...") for an op, attribute or
// type nnvp does not support, or a missing bound value.
check_network import_for_check(const onnx::ModelProto& model,
                               const std::map<std::string, onnx_tensor>& bound,
                               const std::string& file);

// The package tensor of input `p` from its ONNX value (layout, offset,
// type), and the ONNX value (plain layout, tensor_pb storage type) of an
// output tensor. Throw onnx_error on a shape or type mismatch.
nn::tensor to_package(const port& p, const onnx_tensor& value);
onnx_tensor from_package(const port& p, const nn::tensor& t);

}  // namespace nnvp::onnx_import
