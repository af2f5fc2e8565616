// The compute-command codec: the one mapping between a reference layer
// (nn/ref/layer.h) and a compute command (command.h), used by every side:
//   encode_layer   layer -> command + table image (compiler, tests)
//   check_compute  what a command reads and writes, with the error code the
//                  core reports (core model, host interpreter, validator)
//   decode_layer   a checked command -> the reference layer it runs
// The mapping is field by field. No SystemC.
//
// Table image (placed in local memory at compute_cmd::table_offset), in this
// order, each part present only when the command needs it:
//   1. binary precision, fp32 scale       out_channels x fp32 bin_alpha
//      (no flag::binary_fixed_scale);
//      else flag::per_channel (conv2d /   out_channels x {int32 multiplier, int32 shift}
//      fully_connected):
//   2. integer epilogue with a table      2^bits(T) x int32 act_lut, T = the activation
//      activation (leaky ReLU, sigmoid,   type (int8 for binary), entry q - min(T)
//      tanh; not fp32/fp16, not binary
//      fp32 scale):
// All little-endian. Without per-channel data the per-tensor out_mult /
// out_shift fields are used.
//
// Zero points: in_q, in2_q, out_q and (table activations) act_q zero points
// go to in_/in2_/out_/act_zero_point. Float quantization scales are not part
// of the command (the core consumes the lowered integer fields only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "arch/nncore/command.h"
#include "arch/nncore/command_check.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::nncore_cmd {

// What a valid compute command reads and writes.
struct compute_plan {
    nn::shape4 in_shape, in2_shape, w_shape, out_shape;  // w_shape: OHWI / [O,1,1,K]
    nn::dtype in_type = nn::dtype::fp32, in2_type = nn::dtype::fp32;
    nn::dtype w_type = nn::dtype::fp32, bias_type = nn::dtype::fp32;
    nn::dtype out_type = nn::dtype::fp32;
    nn::dtype partials_type = nn::dtype::int32;  // flag::partial_in: ref::accumulator_type
    span in, in2, weights, bias, table, out;  // bytes == 0: operand unused
    span partials;                            // flag::partial_in: at in2.offset
    bool has_second = false;                  // add / mul
    bool has_weights = false;                 // conv2d / fully_connected
    uint32_t per_channel_entries = 0;         // {mult, shift} pairs at table.offset
    uint32_t alpha_entries = 0;               // binary fp32 scales at table.offset
    uint32_t lut_entries = 0;                 // int32 activation table after them
};

// A compute command: enum values and flags, the precision / op combination,
// dimensions, quantization fields, every operand and the table inside a local
// memory of `local_bytes` bytes. Fills `plan` when valid.
check_result check_compute(const command& c, uint64_t local_bytes, compute_plan& plan);

// The reference layer of a command check_compute accepted: every field of the
// command, and the per-channel and activation tables read from `table`
// (plan.table.bytes bytes).
ref::layer decode_layer(const command& c, const compute_plan& plan, const uint8_t* table);

// Local-memory byte offsets of a compute command's operands.
struct operand_offsets {
    uint32_t in = 0;
    uint32_t in2 = 0;  // add / mul; partial sums (ref::layer::partial_in)
    uint32_t out = 0;
    uint32_t weights = 0;
    uint32_t bias = 0;
    uint32_t table = 0;
};

struct encoded_layer {
    command cmd;
    std::vector<uint8_t> table;  // table image for table_offset (may be empty)
};

// The compute command of `l` on an input of shape `in` (and `in2` for add /
// mul). Throws std::invalid_argument "layer '<name>': <field>: expected ..."
// for anything the command cannot express or the reference would reject.
encoded_layer encode_layer(const ref::layer& l, const nn::shape4& in, const operand_offsets& at,
                           cost::dataflow df = cost::dataflow::automatic,
                           const nn::shape4& in2 = {});

// For hosts holding a command and its table image apart (packages, the
// runtime's CPU steps): check_compute with no local-memory bound, then
// decode_layer. Throws std::invalid_argument "<op> command: <what>" for an
// invalid command or a table of another size than the command needs.
struct decoded_layer {
    ref::layer layer;
    compute_plan plan;
};
decoded_layer decode(const command& c, const uint8_t* table, std::size_t table_size);
// Bytes of the table image a compute command needs (0 when it is invalid).
std::size_t table_bytes(const command& c);

opcode to_opcode(ref::op_kind k);
ref::op_kind to_op_kind(opcode op);  // throws std::invalid_argument for a non-compute opcode

}  // namespace nnvp::nncore_cmd
