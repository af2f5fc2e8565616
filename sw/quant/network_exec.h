// Host-side execution of a compiler::network (the quantizer's output): every
// tensor, numbered as in sw/compiler/builder.h (0 = input, i + 1 = output of
// op i, then constants). Layers run through the NN core's fast kernels,
// which are bit-exact with ref::execute (nn/kernels/kernels.h), CPU
// ops through cpuops::execute: the same results the lead's
// compiler::reference_run gives, fast enough for ResNet-50 error reports.
#pragma once

#include <vector>

#include "nn/cpuops/cpu_op.h"
#include "sw/compiler/builder.h"
#include "nn/tensor/tensor.h"

namespace nnvp::quant {

// Shape, type and quantization of every tensor, without data. Throws
// std::invalid_argument "network 'n': op i 'name': ..." for a bad operand
// index, a layer the reference rejects, or extra inputs (not supported).
std::vector<cpuops::tensor_info> tensor_infos(const compiler::network& net);

// Runs the network on `input` (already in net.input_type: see
// quantize_input) and returns every tensor.
std::vector<nn::tensor> run_network(const compiler::network& net, const nn::tensor& input,
                                    unsigned threads = 1);

}  // namespace nnvp::quant
