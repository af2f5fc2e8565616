// The quantizer and graph lowering: a validated net::graph with fp32
// parameters -> a compiler::network (sw/compiler/builder.h) of ref::layers with
// their precision, scales and lowered integer fields, quantized weights and
// biases, and CPU ops, ready for the compiler back end (compiler::build).
//
// Steps: activation nodes are fused into their producers (fuse.h); every
// tensor's range is calibrated on the FP32 reference (calibration.h); each
// core node becomes a ref::layer whose scales the scheme chooses
// (quant_options.h, docs/quantization.md), lowered with
// ref::lower_quantization; CPU nodes become nn/cpuops ops. Where a consumer
// needs another element type or scale than its producer wrote (mixed
// precision, LRN's fp32, softmax's fp32 / int8), a cpuops::kind::convert op is
// inserted, named "<tensor>/to_<type>".
//
// Tensors that must share one quantization share one calibrated range:
// pooling input and output (the integer pools keep the input's scale),
// reshape / flatten input and output, and all inputs of a concat with its
// output, which makes the concat a plain copy (the compiler then makes it
// free). Ops are named after their node; the package's output is the graph's
// (single) output.
#pragma once

#include <vector>

#include "sw/net/graph.h"
#include "sw/compiler/builder.h"
#include "sw/quant/calibration.h"
#include "sw/quant/quant_options.h"
#include "nn/tensor/tensor.h"

namespace nnvp::quant {

// `g` is validated and has its parameters (materialize_weights or an
// importer), one input and one output; `calibration_inputs` are fp32 samples
// of that input (at least one unless the scheme is none). Throws quant_error
// (options, override names, unsupported combinations) or net::graph_error
// (graph problems), naming the network, node and field at fault.
compiler::network quantize(const net::graph& g, const quant_options& o,
                          const std::vector<nn::tensor>& calibration_inputs);

// Same, from ranges measured beforehand (calibrate() on fuse_activations(g),
// or hand-made ranges for structural tests). Tensors missing from `cal` get
// the range [-1, 1].
compiler::network quantize(const net::graph& g, const quant_options& o, const calibration& cal);

// A real (fp32) network input in the package's input type: quantized with
// input_q for integer inputs, rounded for fp16, copied for fp32. Throws
// quant_error for a tensor of the wrong shape or type.
nn::tensor quantize_input(const compiler::network& net, const nn::tensor& real);

// The network's output tensor (as the package computes it) in fp32.
nn::tensor dequantize_output(const compiler::network& net, const nn::tensor& out);

}  // namespace nnvp::quant
