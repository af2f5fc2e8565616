// Decoding of NN-core commands against the local memory: validation with the
// exact error code (nncore_regs::error_code), the mapping of a compute command
// onto the reference executor's layer (to_layer, field by field), and the
// operand tensors as they lie in local memory. No SystemC: unit-testable, and
// the same rules hold in functional and timing mode.
#pragma once

#include <cstdint>
#include <string>

#include "arch/nncore/command.h"
#include "arch/regs/nncore_regs.h"
#include "arch/nncore/weight_codec.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::nncore {

// A byte range of the local memory.
struct span {
    uint32_t offset = 0;
    uint64_t bytes = 0;
};

// What a valid compute command reads and writes.
struct compute_plan {
    nn::shape4 in_shape, in2_shape, w_shape, out_shape;
    nn::dtype in_type = nn::dtype::fp32, in2_type = nn::dtype::fp32;
    nn::dtype w_type = nn::dtype::fp32, bias_type = nn::dtype::fp32;
    nn::dtype out_type = nn::dtype::fp32;
    span in, in2, weights, bias, table, out;  // bytes == 0: operand unused
    bool has_second = false;                  // add / mul
    bool has_weights = false;                 // conv2d / fully_connected
    uint32_t per_channel_entries = 0;         // {mult, shift} pairs at table.offset
    uint32_t alpha_entries = 0;               // binary fp32 scales at table.offset
    uint32_t lut_entries = 0;                 // int32 activation table after them
};

struct check_result {
    nncore_regs::error_code code = nncore_regs::error_code::none;
    std::string what;  // why, for the warning
    bool ok() const { return code == nncore_regs::error_code::none; }
};

// Head and reserved-byte rules of every command, then the opcode.
check_result check_common(const nncore_cmd::command& c);
// LOAD / STORE: tag, len, local range (buffer_overrun), DRAM range (bad_dims).
check_result check_move(const nncore_cmd::command& c, uint64_t local_bytes);
// LOAD_COMPRESSED: tag and reserved (bad_field), then the blob move (1D,
// len > 0, DRAM range), the shape (weight_codec.h check_shape) and staging /
// destination inside the local memory and apart (bad_compressed). Fills
// `shape` when valid. The blob's content is checked when it is expanded.
check_result check_compressed(const nncore_cmd::command& c, uint64_t local_bytes,
                              blob_shape& shape);
// A compute command: flags, precision/op combination, dimensions, every
// operand and table inside the local memory. Fills `plan` when valid.
check_result check_compute(const nncore_cmd::command& c, uint64_t local_bytes, compute_plan& plan);

// The reference layer of a checked compute command: every field of the
// command, per-channel tables and the activation table read from `local`.
ref::layer to_layer(const nncore_cmd::command& c, const compute_plan& plan, const uint8_t* local);

// A tensor copied out of / into the local memory (packed NHWC bytes).
nn::tensor read_tensor(const uint8_t* local, span at, nn::dtype t, nn::shape4 s);
void write_tensor(uint8_t* local, uint32_t offset, const nn::tensor& t);

// Fraction of elements that are real zeros (float 0, integer q == zero point;
// binary never): the measured sparsity of functional mode.
double zero_fraction(const nn::tensor& t, int32_t zero_point);

const char* to_string(nncore_regs::error_code e);

}  // namespace nnvp::nncore
