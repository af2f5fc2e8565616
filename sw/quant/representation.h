// How a tensor is stored (element type and, for integers, quantization), and
// the convert step that changes it: shared by both lowerings, the zoo
// graph's (quantizer.h) and the imported network's (network_quantizer.h).
#pragma once

#include <string>

#include "nn/ref/layer.h"
#include "nn/tensor/dtype.h"
#include "sw/compiler/builder.h"

namespace nnvp::quant {

struct repr {
    nn::dtype type = nn::dtype::fp32;
    ref::quant_params q;  // integer types only
};

// Same type, and for integers the same scale and zero point.
bool same_repr(const repr& a, const repr& b);

// A key naming `tensor` in representation `r` (caches of converted copies).
std::string repr_key(const std::string& tensor, const repr& r);

// Float values in another float type (fp16 rounds to nearest even).
nn::tensor as_float_type(const nn::tensor& v, nn::dtype t);

// The CPU convert op "<tensor>/to_<type>" reading tensor index `in`.
compiler::net_op convert_op(const std::string& tensor, int in, const repr& want);

}  // namespace nnvp::quant
