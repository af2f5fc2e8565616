// The NN core's command stream, version 1: shared by the core model, the
// firmware and the host compiler. No SystemC here.
//
// A stream is a 32-byte header followed by `command_count` commands of 128
// bytes each, little-endian, in memory (DRAM) at CMD_BASE. The command
// processor fetches and validates one command at a time; a stream must end
// with an END command within command_count commands.
//
// Local memory: the core's local buffers form one byte-addressed space of
// input_kb + weight_kb + output_kb KiB (in that order), mapped on the bus as
// the "nncore_buf" region so the system DMA engine can fill and drain it.
// Every operand of a compute command is a byte offset into that space; an
// operand that does not fit inside the local memory is a buffer overrun.
//
// Data movement (LOAD: DRAM -> local, STORE: local -> DRAM) is executed by
// the system DMA engine: the command processor programs one of its DMA
// channels and goes on; the transfer carries a tag (0..15). BARRIER waits
// until every outstanding transfer whose tag is in its mask has completed, so
// a compiler double-buffers with: LOAD tile i+1 (tag b), COMPUTE tile i,
// BARRIER (tag b), ... Compute commands run one at a time, in order.
//
// Compute commands carry the fields of the reference executor's layer
// (nn/ref/layer.h): the mapping is field by field, in one codec
// (layer_codec.h: encode_layer, check_compute, decode_layer). Tensors are NHWC, packed by precision (docs/numerics.md): int4 two
// per byte, binary eight per byte. Per-channel tables (fixed-point
// multipliers, binary scales, activation look-up tables) live in local
// memory too, at the offsets the command gives.
//
// Semantics the core checks (command_check.h and layer_codec.h have the code):
// - Header: magic, version, header_size == 32, command_size == 128,
//   1 <= command_count <= the core's max_commands, header + commands fit in
//   CMD_BYTES, CMD_BASE 8-byte aligned, checksum of all commands. The core
//   verifies the checksum in a first pass over the stream (real bus reads)
//   before it executes anything, then fetches the commands again in bursts.
// - Every command: reserved0 == 0; head fields a command does not use
//   (prec, act, df, flags, tag) are 0; body bytes past the command's struct
//   are 0 (else bad_field).
// - LOAD/STORE: tag < 16, len > 0, len * count1 * count2 <= local memory
//   size and DRAM range not past 2^64 (else bad_dims), the local block inside
//   the local memory (else buffer_overrun).
// - Table at table_offset, in this order:
//     1. flag::per_channel (conv2d / fully_connected, integer or fixed-scale
//        binary): out_channels x {int32 multiplier, int32 shift};
//        binary without binary_fixed_scale: out_channels fp32 alphas
//        (ref::layer::bin_alpha) instead;
//     2. integer paths with a table activation (leaky_relu and every kind
//        after it: sigmoid, tanh, exp, ..., reciprocal):
//        2^bits int32 entries (16 / 256 / 65536; binary fixed scale: 256).
//   Without per-channel data the per-tensor out_mult/out_shift are used.
// - Quantization: in_zero_point -> in_q.zero_point, in2_zero_point ->
//   in2_q.zero_point, out_zero_point -> out_q.zero_point, act_zero_point ->
//   act_q.zero_point; scales are not needed by the core (all folded into the
//   fixed multipliers). Integer pools need in_zero_point == out_zero_point.
// - flag::has_bias / per_channel only for conv2d / fully_connected;
//   binary_* flags only at binary precision; count_include_pad only for
//   avg_pool. Binary precision exists for conv2d / fully_connected only
//   (else unsupported).
// - END waits for every outstanding transfer, then sets DONE. A stream whose
//   command_count commands hold no END is the no_end error.
//
// LOAD_COMPRESSED (opcode 4, added to version 1: the version stays 1, since
// no existing command changed; a core without it answers unknown_opcode).
// Compressed weight storage cuts DRAM bytes (issue 3): the DMA engine moves
// a compressed blob from DRAM into a local staging area (a 1D LOAD with the
// LOAD's tag rules), and the core's decompressor expands it into the dense
// tensor at dest_offset when a BARRIER (or END) whose mask holds the tag has
// seen the transfer complete: the expansion is part of that BARRIER, in issue
// order, and takes ceil(elements / decompress_elements_per_cycle) nncore
// cycles (stall time of the BARRIER). Until then the destination keeps its
// old bytes. Elements are raw little-endian bit patterns of elem_bits (8, 16
// or 32) bits; an element is zero when all its bits are (fp32 -0.0 is not).
// int4 and binary weights stay uncompressed (plain LOAD): at 4 or 1 bit per
// weight a presence bit or a 16-bit index costs about as much as the value.
// Blob layouts (little-endian, no padding; the blob is exactly len bytes, so
// it is self-delimiting and a length that disagrees is an error):
//   bitmap (format 1): ceil(elements / 8) bytes of presence bits, element i
//     at bit i % 8 of byte i / 8 (LSB first), bits past `elements` 0; then
//     the values of the set bits in element order, elem_bits / 8 bytes each.
//     len = ceil(elements / 8) + popcount * elem_bits / 8.
//   csr (format 2): rows = elements / row_len rows of row_len elements
//     (1 <= row_len <= 65536, elements % row_len == 0): uint32
//     row_ptr[rows + 1] (row_ptr[0] = 0, non-decreasing, at most row_len per
//     row, nnz = row_ptr[rows]); then uint16 col[nnz] (strictly increasing
//     inside a row, < row_len); then the nnz values, elem_bits / 8 bytes each.
//     len = 4 * (rows + 1) + nnz * (2 + elem_bits / 8).
//   A stored value may be zero (it is written as such); rows may be empty.
// Checks at the command (bad_compressed unless said): tag < 16 and reserved
// == 0 (bad_field); len > 0, count1 and count2 <= 1, the DRAM range below
// 2^64; elem_bits, format, elements >= 1, row_len (0 for bitmap); staging
// [blob.local_offset, +len) and destination [dest_offset, +elements *
// elem_bits / 8) inside the local memory and not overlapping. At the
// expansion the blob is checked against every rule above (sizes, padding
// bits, pointers, indices); a bad blob is bad_compressed with ERROR_CMD = the
// LOAD_COMPRESSED's index, and nothing is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "nn/cost/mapping.h"
#include "nn/ref/layer.h"

namespace nnvp::nncore_cmd {

constexpr uint32_t magic = 0x53434e4eu;  // "NNCS"
constexpr uint16_t version = 1;
constexpr std::size_t header_bytes = 32;
constexpr std::size_t command_bytes = 128;

struct stream_header {
    uint32_t magic = nncore_cmd::magic;
    uint16_t version = nncore_cmd::version;
    uint16_t header_size = header_bytes;
    uint32_t command_count = 0;
    uint32_t command_size = command_bytes;
    uint32_t checksum = 0;  // sum of the command bytes as uint32 words, mod 2^32
    uint32_t reserved[3] = {0, 0, 0};
};
static_assert(sizeof(stream_header) == header_bytes);

enum class opcode : uint8_t {
    end = 0,
    barrier = 1,
    load = 2,
    store = 3,
    load_compressed = 4,
    conv2d = 16,
    fully_connected = 17,
    max_pool = 18,
    avg_pool = 19,
    global_avg_pool = 20,
    global_max_pool = 21,
    add = 22,
    mul = 23,
    activation = 24,
    // The vector unit's further ops (issue 13): element-wise with the second
    // operand broadcast like add's, and row reductions over channels.
    sub = 25,
    div = 26,
    max = 27,
    min = 28,
    reduce_sum = 29,
    reduce_max = 30,
    reduce_mean = 31,
    softmax = 32,     // float only
    normalize = 33,   // float only; epsilon in `alpha`
};

// A compute command's precision, activation and dataflow are the enums of
// the reference layer (ref::precision, ref::act_kind) and of the mapping
// (cost::dataflow; automatic lets the core pick); these are their wire values.
static_assert(static_cast<uint8_t>(ref::precision::fp32) == 0 &&
              static_cast<uint8_t>(ref::precision::fp16) == 1 &&
              static_cast<uint8_t>(ref::precision::int16) == 2 &&
              static_cast<uint8_t>(ref::precision::int8) == 3 &&
              static_cast<uint8_t>(ref::precision::int4) == 4 &&
              static_cast<uint8_t>(ref::precision::binary) == 5);
constexpr uint8_t max_precision = 5;
static_assert(static_cast<uint8_t>(ref::act_kind::none) == 0 &&
              static_cast<uint8_t>(ref::act_kind::relu) == 1 &&
              static_cast<uint8_t>(ref::act_kind::relu6) == 2 &&
              static_cast<uint8_t>(ref::act_kind::clip) == 3 &&
              static_cast<uint8_t>(ref::act_kind::leaky_relu) == 4 &&
              static_cast<uint8_t>(ref::act_kind::sigmoid) == 5 &&
              static_cast<uint8_t>(ref::act_kind::tanh) == 6 &&
              static_cast<uint8_t>(ref::act_kind::exp) == 7 &&
              static_cast<uint8_t>(ref::act_kind::log) == 8 &&
              static_cast<uint8_t>(ref::act_kind::sqrt) == 9 &&
              static_cast<uint8_t>(ref::act_kind::rsqrt) == 10 &&
              static_cast<uint8_t>(ref::act_kind::erf) == 11 &&
              static_cast<uint8_t>(ref::act_kind::gelu) == 12 &&
              static_cast<uint8_t>(ref::act_kind::gelu_tanh) == 13 &&
              static_cast<uint8_t>(ref::act_kind::hard_sigmoid) == 14 &&
              static_cast<uint8_t>(ref::act_kind::hard_swish) == 15 &&
              static_cast<uint8_t>(ref::act_kind::silu) == 16 &&
              static_cast<uint8_t>(ref::act_kind::abs) == 17 &&
              static_cast<uint8_t>(ref::act_kind::neg) == 18 &&
              static_cast<uint8_t>(ref::act_kind::reciprocal) == 19);
constexpr uint8_t max_act_kind = static_cast<uint8_t>(ref::act_kind::last);
static_assert(static_cast<uint8_t>(cost::dataflow::output_stationary) == 0 &&
              static_cast<uint8_t>(cost::dataflow::weight_stationary) == 1 &&
              static_cast<uint8_t>(cost::dataflow::input_stationary) == 2 &&
              static_cast<uint8_t>(cost::dataflow::automatic) == 3);
constexpr uint8_t max_dataflow = 3;

// Compute-command flags.
namespace flag {
constexpr uint16_t has_bias = 1u << 0;
constexpr uint16_t per_channel = 1u << 1;        // out_mult table has one entry per channel
constexpr uint16_t count_include_pad = 1u << 2;  // avg_pool divisor counts padded taps
constexpr uint16_t binary_input = 1u << 3;
constexpr uint16_t binary_output = 1u << 4;
constexpr uint16_t binary_fixed_scale = 1u << 5; // else fp32 scales (bin_alpha)
// Input-channel passes of an integer conv2d / fully_connected (added to
// version 1; a core without them answers bad_field): partial_in starts the
// sums from the partial sums at in2.offset (in2's shape = the output shape,
// elements of ref::accumulator_type); partial_out writes the raw sums at
// accumulator width to out_offset: no bias, per_channel, table, activation
// or binary_output then. in2 and the output may be the same bytes (the core
// reads every partial sum before it writes).
constexpr uint16_t partial_in = 1u << 6;
constexpr uint16_t partial_out = 1u << 7;
constexpr uint16_t known = (1u << 8) - 1;
}  // namespace flag

// An NHWC tensor in local memory.
struct tensor_ref {
    uint32_t offset;
    uint16_t n, h, w, c;
};
static_assert(sizeof(tensor_ref) == 12);

// LOAD / STORE: a 3D strided block, as the DMA engine moves it: count2 planes
// of count1 rows of len bytes (counts of 0 are taken as 1).
struct move_cmd {
    uint64_t dram_addr;
    uint32_t local_offset;
    uint32_t len;
    uint32_t count1;
    uint32_t dram_stride1;
    uint32_t local_stride1;
    uint32_t count2;
    uint32_t dram_stride2;
    uint32_t local_stride2;
};
static_assert(sizeof(move_cmd) == 40);

// LOAD_COMPRESSED: the blob's 1D move (DRAM -> staging at blob.local_offset)
// and what the decompressor makes of it. Its format is bitmap (1) or csr (2);
// dense and automatic are invalid on the wire.
static_assert(static_cast<uint8_t>(cost::weight_format::bitmap) == 1 &&
              static_cast<uint8_t>(cost::weight_format::csr) == 2);
struct compressed_cmd {
    move_cmd blob;         // dram_addr, local_offset = staging, len = blob bytes
    uint32_t dest_offset;  // the dense tensor in local memory
    uint32_t elements;     // dense elements (>= 1)
    uint8_t elem_bits;     // 8, 16 or 32
    cost::weight_format format;
    uint16_t reserved;  // 0
    uint32_t row_len;   // csr: elements per row (1..65536); bitmap: 0
};
static_assert(sizeof(compressed_cmd) == 56);

// Compute commands (conv2d ... activation).
struct compute_cmd {
    tensor_ref in;           // first input
    tensor_ref in2;          // element-wise ops: second input (broadcast where dims are 1)
    uint32_t out_offset;     // output tensor (shape follows from the op)
    uint32_t weight_offset;  // conv2d / fully_connected: OHWI weights
    uint32_t bias_offset;    // flag::has_bias: bias (type per docs/numerics.md)
    uint32_t table_offset;   // per-channel fixed multipliers {int32 mult, int32 shift}
                             // (or binary fp32 scales), then, for table activations,
                             // the activation look-up table (int32 entries)
    uint16_t out_channels;
    uint8_t kernel_h, kernel_w;
    uint8_t stride_h, stride_w;
    uint8_t dilation_h, dilation_w;
    uint8_t pad_top, pad_bottom, pad_left, pad_right;
    uint16_t groups;
    int32_t in_zero_point;
    int32_t in2_zero_point;
    int32_t out_zero_point;
    int32_t act_min, act_max;     // output clamp (integer paths)
    int32_t out_mult, out_shift;  // per-tensor requantization (when not per_channel)
    int32_t in_mult, in_shift;    // add, sub, max, min: input 1 to the common scale
    int32_t in2_mult, in2_shift;  // add, sub, max, min: input 2 to the common scale
    int32_t add_shift;
    float clip_lo, clip_hi, alpha;  // float activations (clip bounds, leaky slope;
                                    // hard_sigmoid: alpha, and beta in clip_lo);
                                    // normalize: epsilon in alpha (no activation's)
    int32_t act_zero_point;         // table activations: zero point of the
                                    // pre-activation domain (ref::layer::act_q)
};
static_assert(sizeof(compute_cmd) == command_bytes - 8);

// One 128-byte command: an 8-byte head and the body of its kind.
struct command {
    opcode op = opcode::end;
    ref::precision prec = ref::precision::fp32;              // compute commands
    ref::act_kind act = ref::act_kind::none;                 // compute commands
    cost::dataflow df = cost::dataflow::output_stationary;   // compute commands
    uint16_t flags = 0;                                   // compute commands: flag::*
    uint8_t tag = 0;                                      // LOAD/STORE: tag 0..15
    uint8_t reserved0 = 0;
    union {
        unsigned char raw[command_bytes - 8] = {};  // a new command is all zeros
        move_cmd move;
        compressed_cmd compressed;  // LOAD_COMPRESSED
        compute_cmd compute;
        uint16_t barrier_mask;  // BARRIER: tags to wait for (0xffff: all)
    };
};
static_assert(sizeof(command) == command_bytes);
static_assert(offsetof(command, move) == 8);
static_assert(offsetof(command, compressed) == 8);

inline const char* to_string(opcode op) {
    switch (op) {
    case opcode::end: return "end";
    case opcode::barrier: return "barrier";
    case opcode::load: return "load";
    case opcode::store: return "store";
    case opcode::load_compressed: return "load_compressed";
    case opcode::conv2d: return "conv2d";
    case opcode::fully_connected: return "fully_connected";
    case opcode::max_pool: return "max_pool";
    case opcode::avg_pool: return "avg_pool";
    case opcode::global_avg_pool: return "global_avg_pool";
    case opcode::global_max_pool: return "global_max_pool";
    case opcode::add: return "add";
    case opcode::mul: return "mul";
    case opcode::activation: return "activation";
    case opcode::sub: return "sub";
    case opcode::div: return "div";
    case opcode::max: return "max";
    case opcode::min: return "min";
    case opcode::reduce_sum: return "reduce_sum";
    case opcode::reduce_max: return "reduce_max";
    case opcode::reduce_mean: return "reduce_mean";
    case opcode::softmax: return "softmax";
    case opcode::normalize: return "normalize";
    }
    return "unknown";
}

// Compute opcodes follow ref::op_kind's order from conv2d (layer_codec.h maps them).
constexpr bool follows_op_kind(opcode op, ref::op_kind k) {
    return static_cast<uint8_t>(op) - static_cast<uint8_t>(opcode::conv2d) ==
           static_cast<uint8_t>(k);
}
static_assert(follows_op_kind(opcode::conv2d, ref::op_kind::conv2d) &&
              follows_op_kind(opcode::fully_connected, ref::op_kind::fully_connected) &&
              follows_op_kind(opcode::max_pool, ref::op_kind::max_pool) &&
              follows_op_kind(opcode::avg_pool, ref::op_kind::avg_pool) &&
              follows_op_kind(opcode::global_avg_pool, ref::op_kind::global_avg_pool) &&
              follows_op_kind(opcode::global_max_pool, ref::op_kind::global_max_pool) &&
              follows_op_kind(opcode::add, ref::op_kind::add) &&
              follows_op_kind(opcode::mul, ref::op_kind::mul) &&
              follows_op_kind(opcode::activation, ref::op_kind::activation) &&
              follows_op_kind(opcode::sub, ref::op_kind::sub) &&
              follows_op_kind(opcode::div, ref::op_kind::div) &&
              follows_op_kind(opcode::max, ref::op_kind::max) &&
              follows_op_kind(opcode::min, ref::op_kind::min) &&
              follows_op_kind(opcode::reduce_sum, ref::op_kind::reduce_sum) &&
              follows_op_kind(opcode::reduce_max, ref::op_kind::reduce_max) &&
              follows_op_kind(opcode::reduce_mean, ref::op_kind::reduce_mean) &&
              follows_op_kind(opcode::softmax, ref::op_kind::softmax) &&
              follows_op_kind(opcode::normalize, ref::op_kind::normalize) &&
              follows_op_kind(opcode::normalize, ref::op_kind::last));

inline bool is_compute(opcode op) {
    return op >= opcode::conv2d && op <= opcode::normalize;
}

// An input-channel pass (flag::partial_in / partial_out).
inline bool uses_partials(const command& c) {
    return is_compute(c.op) && (c.flags & (flag::partial_in | flag::partial_out)) != 0;
}

// Checksum of a command array as the header carries it.
inline uint32_t checksum(const command* cmds, uint32_t count) {
    uint32_t sum = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(cmds);
    for (std::size_t i = 0; i + 4 <= std::size_t{count} * command_bytes; i += 4) {
        uint32_t w;
        std::memcpy(&w, bytes + i, 4);
        sum += w;
    }
    return sum;
}

}  // namespace nnvp::nncore_cmd
