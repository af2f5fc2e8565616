// ref::layer <-> compute command (arch/nncore/command.h), the host side of
// the core's to_layer(): every field of nncore_cmd::compute_cmd is mapped.
//
// Table image (placed in local memory at compute_cmd::table_offset), in this
// order, each part present only when the command needs it (the same rules as
// the core's check_compute in arch/nncore/command_check.cpp):
//   1. binary precision, fp32 scale       out_channels x fp32 bin_alpha
//      (no flag::binary_fixed_scale);
//      else flag::per_channel (conv2d /   out_channels x {int32 multiplier, int32 shift}
//      fully_connected):
//   2. integer epilogue with a table      2^bits(T) x int32 act_lut, T = the activation
//      activation (leaky ReLU, sigmoid,   type (int8 for binary), entry q - min(T)
//      tanh; not fp32/fp16, not binary
//      fp32 scale):
// All little-endian; the image is table_bytes(command) long (0: no table).
// Without per-channel data the per-tensor out_mult/out_shift fields are used.
//
// Zero points: in_q, in2_q, out_q and (table activations) act_q zero points
// go to in_/in2_/out_/act_zero_point. Float quantization scales are not part
// of the command (the core consumes the lowered integer fields only);
// to_layer() sets them to 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "arch/nncore/command.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::nncore_cmd {

// Local-memory byte offsets of a compute command's operands.
struct operand_offsets {
    uint32_t in = 0;
    uint32_t in2 = 0;  // add / mul
    uint32_t out = 0;
    uint32_t weights = 0;
    uint32_t bias = 0;
    uint32_t table = 0;
};

struct encoded_layer {
    nncore_cmd::command cmd;
    std::vector<uint8_t> table;  // table image for table_offset (may be empty)
};

// The compute command of `l` on an input of shape `in` (and `in2` for add /
// mul). Throws std::invalid_argument "layer '<name>': <field>: expected ..."
// for anything the command cannot express or the reference would reject.
encoded_layer from_layer(const ref::layer& l, const nn::shape4& in, const operand_offsets& at,
                         cost::dataflow df = cost::dataflow::automatic,
                         const nn::shape4& in2 = {});

// Size of the table image a command refers to (see the layout above).
std::size_t table_bytes(const nncore_cmd::command& c);

// Everything the reference executor needs to run a compute command.
struct decoded_layer {
    ref::layer layer;
    nn::shape4 in, in2, out, weights;  // weights: OHWI (conv) / [O,1,1,K] (fc)
    nn::dtype in_type{}, in2_type{}, out_type{}, weight_type{}, bias_type{};
    bool has_in2 = false;
    bool has_weights = false;
};

// The inverse of from_layer(): `table` points at table_bytes(c) bytes (may
// be null when that is 0). Throws std::invalid_argument for a command that
// is not a valid compute command (unknown enum values, flags, dims).
decoded_layer to_layer(const nncore_cmd::command& c, const uint8_t* table, std::size_t table_size);

// Packed byte sizes of the operands of a decoded layer.
std::size_t in_bytes(const decoded_layer& d);
std::size_t in2_bytes(const decoded_layer& d);
std::size_t out_bytes(const decoded_layer& d);
std::size_t weight_bytes(const decoded_layer& d);
std::size_t bias_bytes(const decoded_layer& d);

nncore_cmd::opcode to_opcode(ref::op_kind k);
ref::op_kind to_op_kind(nncore_cmd::opcode op);  // throws for a non-compute opcode

}  // namespace nnvp::nncore_cmd
