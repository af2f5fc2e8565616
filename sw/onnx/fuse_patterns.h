// Import-time fusion of the decomposed forms exporters write for layers the
// NN core runs as one command or one ONNX op: GELU (x/√2 -> Erf -> +1 -> ·x
// -> ·½, as torch.onnx writes it before opset 20), HardSwish (x·HardSigmoid(x)
// with α = 1/6, β = ½, or x·Clip(x + 3, 0, 6)/6) and LayerNorm over the last
// axis (ReduceMean, Sub, Pow 2, ReduceMean, Add ε, Sqrt, Div, Mul γ, Add β,
// before opset 17). Each becomes one Gelu / HardSwish / LayerNormalization
// node, only when its intermediate values have no other reader and are not
// graph outputs; anything else stays as written.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace nnvp::onnx_import {

struct fusion {
    std::string pattern;             // "GELU", "HardSwish", "LayerNorm"
    std::string node;                // the fused node's name
    std::vector<std::string> nodes;  // the nodes it replaced, in graph order
};

// Rewrites `m`'s graph in place; returns what it fused, in graph order.
std::vector<fusion> fuse_patterns(onnx::ModelProto& m);

// "GELU 'enc/gelu' from 5 nodes (Div, Erf, Add, Mul, Mul)".
std::string to_string(const fusion& f);

}  // namespace nnvp::onnx_import
