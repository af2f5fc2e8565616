// Post-training quantization of a float compiler::network: the general ONNX
// importer's networks (any graph `nnvp check` reads), where quantize()
// (quantizer.h) takes the zoo's net::graph. One importer then serves every
// precision.
//
// Every fp32 core layer with an integer path (conv, fully connected, pools,
// element-wise add / sub / mul / max / min, activations and unary functions
// through the layer's table, channel reductions, softmax and normalize)
// becomes a layer of the
// requested precision: weights per output channel (per_channel) or per layer
// (the fixed-point schemes), activations per tensor from ranges measured on
// the float network (compiler::reference_run over the calibration inputs),
// table activations fused after a layer from its measured pre-activation
// range. What has no integer path keeps its own type: the float-only div
// command, float CPU ops (matmul, unary, binary,
// reduce, resize, ...), integer layers the model already had. A convert op
// (CPU, "<tensor>/to_<type>") goes where a reader wants another
// representation than its producer wrote; constants are converted at compile
// time instead. Data-movement CPU ops (reshape, transpose, slice, gather,
// expand, tile, zero padding, ConvTranspose's zero spreading at zero point 0)
// pass integer tensors through at their scale, a concat of integer tensors
// requantizes them to its own. A layer reads an integer tensor of its type at
// the scale it was written with.
//
// A float network input read only by quantized layers (or data movement into
// them) becomes an integer input that the host quantizes (quantize_inputs);
// every output keeps the representation of the op that writes it
// (real_values gives the fp32 values). Ops keep their names.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "nn/tensor/tensor.h"
#include "sw/compiler/builder.h"
#include "sw/quant/calibration.h"
#include "sw/quant/quant_options.h"

namespace nnvp::quant {

struct network_calibration {
    std::vector<value_range> tensors;  // by tensor index of the float network (empty: [-1, 1])
    // By op index: the range before a table activation fused into the layer.
    std::map<std::size_t, value_range> pre_activations;
};

// Runs the float network on every sample (one tensor per network input, in
// its types) and merges the per-sample ranges. Throws quant_error without
// samples, std::invalid_argument for samples that do not fit.
network_calibration calibrate_network(const compiler::network& net,
                                      const std::vector<std::vector<nn::tensor>>& samples,
                                      range_method m, double percentile);

// Quantizes `net` under `o` (precision int8 or int16; overrides name ops).
// At fp16 every fp32 core layer runs at fp16 instead (weights rounded, no
// scales), with the same converts around CPU steps.
// Throws quant_error naming the network, the op and the field at fault.
compiler::network quantize_network(const compiler::network& net, const quant_options& o,
                                   const network_calibration& cal);

// The float network's input values in the quantized network's input types.
std::vector<nn::tensor> quantize_inputs(const compiler::network& q,
                                        const std::vector<nn::tensor>& values);

// A tensor of the quantized network in fp32: integer tensors dequantized with
// their recorded quantization (plan_tensors), float ones widened.
nn::tensor real_values(const compiler::tensor_desc& d, const nn::tensor& t);

namespace detail {
// A table activation fused after the layer reads its pre-activation domain,
// which calibration measures apart.
bool needs_pre_activation(const ref::layer& l);
}  // namespace detail

}  // namespace nnvp::quant
