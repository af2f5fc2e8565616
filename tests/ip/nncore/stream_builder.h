// NN-core command streams for the model's tests (no SystemC): a plain list of
// commands, malformed ones included, made and encoded with the real codec
// (arch/nncore/stream.h for moves and the header, layer_codec.h for compute
// commands), so a test can insert, drop or corrupt any command.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/nncore/command.h"
#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::test {

using nncore_cmd::command;
using nncore_cmd::opcode;
using placement = nncore_cmd::operand_offsets;

struct stream {
    std::vector<command> cmds;

    command& add(const command& c) {
        cmds.push_back(c);
        return cmds.back();
    }
    void load(uint64_t dram, uint32_t local, uint32_t len, uint8_t tag = 0) {
        add(nncore_cmd::make_load(nncore_cmd::contiguous(dram, local, len), tag));
    }
    void store(uint32_t local, uint64_t dram, uint32_t len, uint8_t tag = 0) {
        add(nncore_cmd::make_store(nncore_cmd::contiguous(dram, local, len), tag));
    }
    void barrier(uint16_t mask = 0xffff) { add(nncore_cmd::make_barrier(mask)); }
    void end() { add(nncore_cmd::make_end()); }

    // The header the commands call for (count, checksum).
    nncore_cmd::stream_header header() const {
        nncore_cmd::stream_header h;
        h.command_count = static_cast<uint32_t>(cmds.size());
        h.checksum = nncore_cmd::checksum(cmds.data(), h.command_count);
        return h;
    }
    std::vector<uint8_t> bytes() const { return bytes_with(header()); }
    // The stream image with any header, a corrupt one included.
    std::vector<uint8_t> bytes_with(const nncore_cmd::stream_header& h) const {
        std::vector<uint8_t> out(nncore_cmd::header_bytes + cmds.size() * nncore_cmd::command_bytes);
        nncore_cmd::encode(h, out.data());
        for (std::size_t i = 0; i < cmds.size(); ++i)
            nncore_cmd::encode(cmds[i], out.data() + nncore_cmd::header_bytes +
                                            i * nncore_cmd::command_bytes);
        return out;
    }
};

// Offsets of the input, weights and output (no second operand, bias or table).
inline placement operands(uint32_t in, uint32_t weights, uint32_t out) {
    placement at;
    at.in = in;
    at.weights = weights;
    at.out = out;
    return at;
}

// The compute command of `l` (encode_layer) and its table image.
inline nncore_cmd::encoded_layer compute_command(
    const ref::layer& l, nn::shape4 in, nn::shape4 in2, const placement& at,
    cost::dataflow df = cost::dataflow::output_stationary) {
    return nncore_cmd::encode_layer(l, in, at, df, in2);
}

inline bool has_weights(const ref::layer& l) {
    return l.op == ref::op_kind::conv2d || l.op == ref::op_kind::fully_connected;
}

}  // namespace nnvp::test
