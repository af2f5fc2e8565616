// Host side: a sequential network -> a package image (package_format.h).
//
// Tensors: tensor 0 is the network input, tensor i + 1 the output of op i;
// op i reads tensor i (and, for add / mul, a second operand `in2`: any
// earlier tensor, e.g. a residual). Every tensor gets its own 64-byte
// aligned buffer in the arena (no reuse: networks here are small).
//
// Core ops are compiled with cmdgen::single_layer_program, which lays out its
// own DRAM image (input, in2, weights, bias, table, output, stream). The
// builder links that image into the package: weights, bias and table go to
// the constants section, the stream to the streams section, and every LOAD /
// STORE address of the stream is relocated from the program's scratch image
// to where the data really lies (constants in the package at load_address,
// activations in the arena). The package is therefore built for one load
// address and one arena; the runtime checks it is loaded there.
//
// placement::automatic puts an op on the core when the core supports its
// precision (options.core_precisions) and cmdgen can tile it (weights fit
// the weight buffer), else on the CPU.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ip/nncore/nncore_cmd.h"
#include "sw/cmdgen/program.h"
#include "sw/package/package_format.h"
#include "sw/ref/layer.h"
#include "sw/tensor/tensor.h"

namespace nnvp::package {

enum class placement : uint8_t { automatic, core, cpu };

enum class op_type : uint8_t { layer, softmax, reshape };

struct net_op {
    op_type type = op_type::layer;
    std::string name;                   // defaults to layer.name / "softmax" / "reshape"
    ref::layer layer;                   // op_type::layer
    std::optional<sw::tensor> weights;  // conv2d / fully_connected
    std::optional<sw::tensor> bias;     // layer.has_bias
    int in2 = -1;                       // add / mul: tensor index of the second operand
    placement where = placement::automatic;
    sw::shape4 shape;  // op_type::reshape: the output shape
};

net_op layer_op(const ref::layer& l, std::optional<sw::tensor> weights = std::nullopt,
                std::optional<sw::tensor> bias = std::nullopt,
                placement where = placement::automatic);
net_op softmax_op(const std::string& name = "softmax");
net_op reshape_op(const sw::shape4& shape, const std::string& name = "reshape");

struct network {
    std::string name;
    sw::dtype input_type = sw::dtype::int8;
    sw::shape4 input_shape;
    ref::quant_params input_q;  // recorded in the input tensor record
    std::vector<net_op> ops;
};

struct build_options {
    uint64_t load_address = 0;     // where the package will lie (64-byte aligned)
    uint64_t arena_base = 0;       // first byte of the activation arena (64-byte aligned)
    cmdgen::buffer_sizes buffers;  // the core's INPUT_KB / WEIGHT_KB / OUTPUT_KB
    nncore_cmd::dataflow df = nncore_cmd::dataflow::automatic;
    uint32_t core_precisions = 0x3f;  // bit p: the core runs ref::precision p
};

struct tensor_desc {
    uint64_t address = 0;
    sw::shape4 shape;
    sw::dtype type = sw::dtype::fp32;
    ref::quant_params q;
};

struct built_package {
    std::vector<uint8_t> image;  // the package (load at options.load_address)
    uint64_t arena_size = 0;
    std::vector<tensor_desc> tensors;  // as numbered above
    std::vector<step_kind> kinds;      // per op: where it ended up
};

// Throws std::invalid_argument "network '<name>': op <i> '<op>': ..." for an
// op the reference executor or the command format rejects, a missing or
// mismatched operand, misaligned addresses, or a package over 4 GiB.
built_package build(const network& net, const build_options& opt);

}  // namespace nnvp::package
