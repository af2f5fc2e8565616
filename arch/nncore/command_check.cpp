#include "arch/nncore/command_check.h"

#include <algorithm>
#include <sstream>

namespace nnvp::nncore_cmd {

using nncore_regs::error_code;

namespace {

check_result fail(error_code code, const std::string& what) {
    return {code, what};
}

bool all_zero(const unsigned char* p, std::size_t n) {
    return std::all_of(p, p + n, [](unsigned char b) { return b == 0; });
}

}  // namespace

bool fits(span s, uint64_t local_bytes) {
    return s.bytes <= local_bytes && s.offset <= local_bytes - s.bytes;
}

std::string describe(const char* what, span s) {
    std::ostringstream o;
    o << what << " [0x" << std::hex << s.offset << ", +0x" << s.bytes << ")";
    return o.str();
}

const char* to_string(error_code e) {
    switch (e) {
        case error_code::none:
            return "none";
        case error_code::bad_header:
            return "bad_header";
        case error_code::unknown_opcode:
            return "unknown_opcode";
        case error_code::bad_dims:
            return "bad_dims";
        case error_code::buffer_overrun:
            return "buffer_overrun";
        case error_code::bus_error:
            return "bus_error";
        case error_code::dma_error:
            return "dma_error";
        case error_code::no_end:
            return "no_end";
        case error_code::unsupported:
            return "unsupported";
        case error_code::bad_field:
            return "bad_field";
        case error_code::bad_compressed:
            return "bad_compressed";
    }
    return "?";
}

check_result check_common(const command& c) {
    if (c.reserved0 != 0)
        return fail(error_code::bad_field, "reserved0 is not 0");
    const auto op = static_cast<uint8_t>(c.op);
    const bool known = op <= static_cast<uint8_t>(opcode::load_compressed) ||
                       is_compute(static_cast<opcode>(op));
    if (!known)
        return fail(error_code::unknown_opcode, "unknown opcode " + std::to_string(op));
    if (is_compute(c.op))
        return c.tag == 0 ? check_result{}
                          : fail(error_code::bad_field, "tag on a compute command");
    const bool move =
        c.op == opcode::load || c.op == opcode::store || c.op == opcode::load_compressed;
    if (c.prec != ref::precision::fp32 || c.act != ref::act_kind::none ||
        c.df != cost::dataflow::output_stationary || c.flags != 0 || (!move && c.tag != 0))
        return fail(error_code::bad_field,
                    std::string(to_string(c.op)) + ": compute fields are not 0");
    std::size_t used = 0;
    if (c.op == opcode::load_compressed)
        used = sizeof(compressed_cmd);
    else if (move)
        used = sizeof(move_cmd);
    else if (c.op == opcode::barrier)
        used = sizeof(c.barrier_mask);
    if (!all_zero(c.raw + used, sizeof(c.raw) - used))
        return fail(error_code::bad_field,
                    std::string(to_string(c.op)) + ": reserved body bytes are not 0");
    return {};
}

check_result check_move(const command& c, uint64_t local_bytes) {
    const move_cmd& m = c.move;
    if (c.tag >= 16)
        return fail(error_code::bad_field, "tag " + std::to_string(c.tag) + " is not in 0..15");
    if (m.len == 0)
        return fail(error_code::bad_dims, "len is 0");
    const uint64_t c1 = std::max<uint32_t>(m.count1, 1) - 1;
    const uint64_t c2 = std::max<uint32_t>(m.count2, 1) - 1;
    // Last byte + 1 of each side, computed without overflow (all terms < 2^64).
    const unsigned __int128 local_end = (unsigned __int128)m.local_offset +
                                        (unsigned __int128)c2 * m.local_stride2 +
                                        (unsigned __int128)c1 * m.local_stride1 + m.len;
    const unsigned __int128 dram_end = (unsigned __int128)m.dram_addr +
                                       (unsigned __int128)c2 * m.dram_stride2 +
                                       (unsigned __int128)c1 * m.dram_stride1 + m.len;
    // Rows may overlap in local memory (stride 0), but a block that moves more
    // bytes than the local memory holds is a programming error, and rejecting
    // it bounds every transfer the core starts.
    const unsigned __int128 total = (unsigned __int128)m.len * (c1 + 1) * (c2 + 1);
    if (total > local_bytes)
        return fail(error_code::bad_dims, "block moves more bytes than the local memory holds");
    if (dram_end > ((unsigned __int128)1 << 64))
        return fail(error_code::bad_dims, "DRAM block runs past the end of the address space");
    if (local_end > local_bytes) {
        std::ostringstream o;
        o << "local block ends at 0x" << std::hex << (uint64_t)local_end
          << ", past the local memory (0x" << local_bytes << " bytes)";
        return fail(error_code::buffer_overrun, o.str());
    }
    return {};
}

check_result check_compressed(const command& c, uint64_t local_bytes, blob_shape& shape) {
    const compressed_cmd& z = c.compressed;
    const move_cmd& m = z.blob;
    if (c.tag >= 16)
        return fail(error_code::bad_field, "tag " + std::to_string(c.tag) + " is not in 0..15");
    if (z.reserved != 0)
        return fail(error_code::bad_field, "load_compressed: reserved is not 0");
    const auto bad = [](const std::string& what) { return fail(error_code::bad_compressed, what); };
    if (m.len == 0)
        return bad("blob len is 0");
    if (m.count1 > 1 || m.count2 > 1)
        return bad("blob move is not 1D (count1 " + std::to_string(m.count1) + ", count2 " +
                   std::to_string(m.count2) + ")");
    if (m.dram_addr > UINT64_MAX - m.len + 1)
        return bad("blob runs past the end of the address space");
    shape.elements = z.elements;
    shape.elem_bits = z.elem_bits;
    shape.format = z.format;
    shape.row_len = z.row_len;
    const codec_result sc = check_shape(shape);
    if (!sc.ok)
        return bad(sc.what);
    const span staging{m.local_offset, m.len};
    const span dest{z.dest_offset, shape.dense_bytes()};
    if (!fits(staging, local_bytes))
        return bad(describe("staging", staging) + " is outside the local memory");
    if (!fits(dest, local_bytes))
        return bad(describe("destination", dest) + " is outside the local memory");
    if (staging.offset < dest.offset + dest.bytes && dest.offset < staging.offset + staging.bytes)
        return bad(describe("staging", staging) + " overlaps " + describe("destination", dest));
    return {};
}

}  // namespace nnvp::nncore_cmd
