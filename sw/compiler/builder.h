// Host side: a network (a DAG of ops over numbered tensors) -> a package
// image (package_format.h). This is the network compiler's back end.
//
// Tensors are numbered: tensor 0 is the (first) network input, tensor i + 1
// the output of op i, then the further inputs (network::extra_inputs), then
// the constants (network::constants, e.g. an ONNX initializer used as the
// second operand of an Add). An op reads any earlier-numbered tensor, any
// input or any constant (net_op::in; empty means "the previous tensor", the
// sequential form). Ops are listed in execution order.
//
// Core ops are compiled with single_layer_program (program.h: tiled,
// double-buffered programs); a layer whose weights exceed the weight buffer
// is split over output
// channels into several programs whose STOREs write their channel slice of
// the output. Every LOAD / STORE address is relocated to where the data
// really lies (constants inside the package at load_address, activations in
// the arena). Activation buffers in the arena are reused once their last
// reader has run (liveness), so the arena is the peak of live tensors, not
// their sum; a concat whose inputs are all produced by core ops is free:
// the producers store straight into their slice of the concat output.
// The package is therefore built for one load address and one arena; the
// runtime checks it is loaded there.
//
// placement::automatic puts an op on the core when the core supports its
// precision (options.core_precisions) and single_layer_program can tile it, else on the
// CPU. CPU ops (softmax, LRN, concat, reshape, ... : nn/cpuops) always run
// on the CPU.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sw/compiler/package_image.h"
#include "arch/nncore/command.h"
#include "sw/compiler/program.h"
#include "nn/cpuops/cpu_op.h"
#include "arch/package/package_format.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::compiler {

enum class placement : uint8_t { automatic, core, cpu };

enum class op_type : uint8_t { layer, cpu };

struct net_op {
    op_type type = op_type::layer;
    std::string name;                   // defaults to layer.name / the cpu op's kind
    ref::layer layer;                   // op_type::layer
    std::optional<nn::tensor> weights;  // conv2d / fully_connected
    std::optional<nn::tensor> bias;     // layer.has_bias
    // Operand tensor indices. layer: {input} or {input, second} for add /
    // mul; cpu: as many as the op takes. Empty: {the previous tensor} (plus
    // in2 for add / mul).
    std::vector<int> in;
    int in2 = -1;  // add / mul with `in` empty: tensor index of the second operand
    // A matrix product of two activations (Q·Kᵀ, P·V: activation_gemm.h): a
    // fully_connected layer whose weights are operand 1, read at run time,
    // `batch` independent products (heads) over consecutive slices.
    bool weights_operand = false;
    int batch = 1;
    placement where = placement::automatic;
    cpuops::op cpu;  // op_type::cpu
};

net_op layer_op(const ref::layer& l, std::optional<nn::tensor> weights = std::nullopt,
                std::optional<nn::tensor> bias = std::nullopt,
                placement where = placement::automatic);
net_op cpu_op(const cpuops::op& o, std::vector<int> in = {}, const std::string& name = "");
net_op softmax_op(const std::string& name = "softmax");
net_op reshape_op(const nn::shape4& shape, const std::string& name = "reshape");

struct tensor_spec {
    std::string name;
    nn::shape4 shape;
    nn::dtype type = nn::dtype::fp32;
    ref::quant_params q;
};

struct constant {
    std::string name;
    nn::tensor value;
    ref::quant_params q;
};

struct network {
    std::string name;
    nn::dtype input_type = nn::dtype::int8;  // tensor 0
    nn::shape4 input_shape;
    ref::quant_params input_q;  // recorded in the input tensor record
    std::vector<net_op> ops;    // op i writes tensor i + 1
    std::vector<tensor_spec> extra_inputs;
    std::vector<constant> constants;
    int output = -1;  // the network output's tensor index (-1: the last op's)
    // Further outputs: op outputs (tensor indices) the host also reads after
    // every inference, in ascending order (the package's order: after
    // `output`, the flagged tensors by index).
    std::vector<int> extra_outputs;

    // Final indices: they depend on ops.size(), so take them once every op is in.
    int extra_input_index(std::size_t j) const { return static_cast<int>(ops.size() + 1 + j); }
    int constant_index(std::size_t j) const {
        return static_cast<int>(ops.size() + 1 + extra_inputs.size() + j);
    }
    int tensor_count() const { return constant_index(constants.size()); }
    int output_index() const { return output >= 0 ? output : static_cast<int>(ops.size()); }
    // Every output tensor: output_index(), then extra_outputs.
    std::vector<int> output_indices() const {
        std::vector<int> r = {output_index()};
        r.insert(r.end(), extra_outputs.begin(), extra_outputs.end());
        return r;
    }
    bool is_output(int t) const {
        for (int o : output_indices())
            if (o == t)
                return true;
        return false;
    }
};

// When the compiler runs a conv2d / fully_connected layer in passes over its
// input channels (sw/compiler/channel_split.h): never; only when it fits
// neither whole nor in output-channel groups; or also when the mapper
// estimates the passes cheaper than output-channel groups (the default).
enum class channel_split_policy : uint8_t { off, fallback, mapper };

struct build_options {
    uint64_t load_address = 0;     // where the package will lie (64-byte aligned)
    uint64_t arena_base = 0;       // first byte of the activation arena (64-byte aligned)
    // An arena larger than `arena_capacity` bytes goes to
    // `overflow_arena_base` instead (an on-chip SRAM first, DRAM when the
    // network's activations do not fit it); 0: no limit.
    uint64_t arena_capacity = 0;
    uint64_t overflow_arena_base = 0;
    compiler::buffer_sizes buffers;  // the core's INPUT_KB / WEIGHT_KB / OUTPUT_KB
    cost::dataflow df = cost::dataflow::automatic;
    // Storage of every core layer's weights (8/16/32-bit ones; others stay
    // dense): automatic picks the smallest of dense, bitmap and CSR per
    // program and keeps dense where the blob has no staging room.
    cost::weight_format weight_format = cost::weight_format::dense;
    // The mapper's cost model (program_options): the core's parameters and
    // DRAM bandwidth (bytes per core cycle) and energy; absent: largest tiles.
    std::optional<cost::core_params> core;
    double dram_bytes_per_cycle = 0.0;
    double dram_pj_per_byte = 0.0;
    uint32_t dram_burst_bytes = 256;  // program_options: short rows are latency-bound
    double dram_burst_cycles = 0.0;
    uint32_t core_precisions = 0x3f;  // bit p: the core runs ref::precision p
    channel_split_policy channel_split = channel_split_policy::mapper;
    bool reuse_arena = true;          // false: every tensor its own buffer (debugging)
};

struct tensor_desc {
    uint64_t address = 0;
    nn::shape4 shape;
    nn::dtype type = nn::dtype::fp32;
    ref::quant_params q;
};

struct built_package {
    package_image image;  // the package (load at options.load_address)
    uint64_t arena_base = 0;  // where the arena went (options.arena_base or the overflow)
    uint64_t arena_size = 0;
    std::vector<tensor_desc> tensors;  // as numbered above
    std::vector<package::step_kind> kinds;      // per op: where it ended up
    // Per op: its single-layer programs (output-channel groups), 0 on the CPU.
    std::vector<unsigned> core_programs;
    // Per op: how each of its programs was tiled (mapper.h), empty on the CPU.
    std::vector<std::vector<mapping_choice>> mappings;
    // Per op: why it runs on the CPU ("op unsupported: ...", "precision ...",
    // "shape does not fit the core: ...", "placed on the CPU ..."); empty on the core.
    std::vector<std::string> cpu_reasons;
};

// Throws std::invalid_argument "network '<name>': op <i> '<op>': ..." for an
// op the reference executor or the command format rejects, a missing or
// mismatched operand, misaligned addresses, or a package over 4 GiB.
built_package build(const network& net, const build_options& opt);

// The operand tensor indices of op i (the sequential defaults resolved).
std::vector<int> operands(const network& net, std::size_t i);

// The shapes and types of every tensor of `net` (numbered as above), without
// building anything. Throws like build().
std::vector<tensor_desc> plan_tensors(const network& net);

}  // namespace nnvp::compiler
