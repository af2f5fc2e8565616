#include "sw/compiler/interpreter.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "arch/nncore/weight_codec.h"
#include "arch/nncore/stream.h"
#include "nn/tensor/tensor_pack.h"
#include "nn/ref/ops.h"

namespace nnvp::compiler {

using namespace nncore_cmd;

namespace {

[[noreturn]] void fail(std::size_t index, const std::string& what) {
    throw std::runtime_error("command " + std::to_string(index) + ": " + what);
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

stream_interpreter::stream_interpreter(std::vector<uint8_t>& dram, uint64_t dram_base,
                                       std::size_t local_bytes)
    : m_dram(dram), m_dram_base(dram_base), m_local(local_bytes, 0) {}

void stream_interpreter::check_local(std::size_t index, const char* what, std::size_t off,
                                     std::size_t n) const {
    if (off > m_local.size() || n > m_local.size() - off)
        fail(index, std::string(what) + " [" + std::to_string(off) + ", +" + std::to_string(n) +
                        ") overruns the local memory of " + std::to_string(m_local.size()) +
                        " bytes");
}

void stream_interpreter::check_hazard(std::size_t index, const char* what, range r,
                                      bool write) const {
    for (const pending& p : m_pending) {
        if (r.lo >= p.hi || p.lo >= r.hi || r.lo == r.hi)
            continue;
        // Reads conflict with pending loads; writes with any pending transfer.
        if (p.load || write)
            fail(index, std::string(what) + " touches local bytes [" + std::to_string(p.lo) + ", " +
                            std::to_string(p.hi) + ") of a pending " + (p.load ? "LOAD" : "STORE") +
                            " (tag " + std::to_string(p.tag) + ") with no BARRIER in between");
    }
}

void stream_interpreter::move(const command& c, std::size_t index, interpreter_stats& st) {
    const move_cmd& m = c.move;
    const bool load = c.op == opcode::load;
    if (c.tag > max_tag)
        fail(index, "tag " + std::to_string(c.tag) + ": expected 0..15");
    if (m.len == 0)
        fail(index, "move of 0 bytes");
    const uint64_t n1 = m.count1 == 0 ? 1 : m.count1;
    const uint64_t n2 = m.count2 == 0 ? 1 : m.count2;
    std::size_t lo = SIZE_MAX, hi = 0;
    for (uint64_t p = 0; p < n2; ++p)
        for (uint64_t r = 0; r < n1; ++r) {
            const uint64_t dram = m.dram_addr + p * m.dram_stride2 + r * m.dram_stride1;
            const uint64_t local = m.local_offset + p * m.local_stride2 + r * m.local_stride1;
            if (dram < m_dram_base || dram - m_dram_base > m_dram.size() ||
                m.len > m_dram.size() - (dram - m_dram_base))
                fail(index, "DRAM range [" + hex(dram) + ", +" + std::to_string(m.len) +
                                ") outside the DRAM image");
            check_local(index, load ? "LOAD" : "STORE", local, m.len);
            uint8_t* d = m_dram.data() + (dram - m_dram_base);
            uint8_t* l = m_local.data() + local;
            if (load)
                std::memcpy(l, d, m.len);
            else
                std::memcpy(d, l, m.len);
            lo = std::min<std::size_t>(lo, local);
            hi = std::max<std::size_t>(hi, local + m.len);
        }
    // A load writes local memory: no pending transfer may overlap it. A store
    // reads it: pending loads may not overlap.
    check_hazard(index, load ? "LOAD" : "STORE", {lo, hi}, load);
    m_pending.push_back({c.tag, load, lo, hi});
    st.max_pending = std::max(st.max_pending, m_pending.size());
    const uint64_t bytes = n1 * n2 * m.len;
    if (load) {
        ++st.loads;
        st.bytes_loaded += bytes;
    } else {
        ++st.stores;
        st.bytes_stored += bytes;
    }
}

void stream_interpreter::load_compressed(const command& c, std::size_t index,
                                         interpreter_stats& st) {
    const compressed_cmd& z = c.compressed;
    if (c.tag > max_tag)
        fail(index, "tag " + std::to_string(c.tag) + ": expected 0..15");
    if (z.reserved != 0 || z.blob.count1 > 1 || z.blob.count2 > 1 || z.blob.len == 0)
        fail(index, "load_compressed: expected reserved 0, a 1D blob move of len > 0");
    const blob_shape shape{z.elements, z.elem_bits, z.format, z.row_len};
    const codec_result sr = nncore_cmd::check_shape(shape);
    if (!sr.ok)
        fail(index, "load_compressed: " + sr.what);
    const std::size_t stage = z.blob.local_offset, len = z.blob.len;
    const std::size_t dest = z.dest_offset;
    check_local(index, "LOAD_COMPRESSED staging", stage, len);
    check_local(index, "LOAD_COMPRESSED destination", dest, shape.dense_bytes());
    const std::size_t dest_end = dest + shape.dense_bytes();
    if (stage < dest_end && dest < stage + len)
        fail(index, "load_compressed: staging and destination overlap");
    const uint64_t dram = z.blob.dram_addr;
    if (dram < m_dram_base || dram - m_dram_base > m_dram.size() ||
        len > m_dram.size() - (dram - m_dram_base))
        fail(index,
             "DRAM range [" + hex(dram) + ", +" + std::to_string(len) + ") outside the DRAM image");
    check_hazard(index, "LOAD_COMPRESSED staging", {stage, stage + len}, true);
    check_hazard(index, "LOAD_COMPRESSED destination", {dest, dest_end}, true);
    std::memcpy(m_local.data() + stage, m_dram.data() + (dram - m_dram_base), len);
    m_pending.push_back({c.tag, true, stage, stage + len});
    m_pending.push_back({c.tag, true, dest, dest_end});
    m_expansions.push_back({c.tag, index, z});
    st.max_pending = std::max(st.max_pending, m_pending.size());
    ++st.loads;
    ++st.compressed_loads;
    st.bytes_loaded += len;
}

// A BARRIER / END retiring `mask`: expansions first (in issue order), then
// the transfers leave the pending list.
void stream_interpreter::retire(uint16_t mask, interpreter_stats& st) {
    for (auto it = m_expansions.begin(); it != m_expansions.end();) {
        if (!((mask >> it->tag) & 1u)) {
            ++it;
            continue;
        }
        const compressed_cmd& z = it->z;
        const blob_shape shape{z.elements, z.elem_bits, z.format, z.row_len};
        const codec_result r =
            expand(m_local.data() + z.blob.local_offset, z.blob.len, shape,
                           m_local.data() + z.dest_offset);
        if (!r.ok)
            fail(it->index, "load_compressed: bad blob: " + r.what);
        st.bytes_expanded += shape.dense_bytes();
        it = m_expansions.erase(it);
    }
    m_pending.erase(std::remove_if(m_pending.begin(), m_pending.end(),
                                   [&](const pending& p) { return (mask >> p.tag) & 1u; }),
                    m_pending.end());
}

void stream_interpreter::compute(const command& c, std::size_t index) {
    // The core's own rules, then this interpreter's bounds and hazards per operand.
    compute_plan p;
    if (const check_result r = check_compute(c, UINT64_MAX, p); !r.ok())
        fail(index, r.what);
    auto operand = [&](const char* what, span at, bool write) {
        check_local(index, what, at.offset, static_cast<std::size_t>(at.bytes));
        check_hazard(index, what, {at.offset, at.offset + static_cast<std::size_t>(at.bytes)},
                     write);
        return m_local.data() + at.offset;
    };
    const ref::layer l = decode_layer(c, p, operand("table", p.table, false));
    const nn::tensor x = unpack(p.in_type, p.in_shape, operand("input", p.in, false), p.in.bytes);
    nn::tensor second, bias;
    if (p.has_second)
        second = unpack(p.in2_type, p.in2_shape, operand("in2", p.in2, false), p.in2.bytes);
    if (p.has_weights)
        second = unpack(p.w_type, p.w_shape, operand("weights", p.weights, false), p.weights.bytes);
    if (l.has_bias)
        bias = unpack(p.bias_type, {1, 1, 1, l.out_channels}, operand("bias", p.bias, false),
                      p.bias.bytes);
    nn::tensor partials;  // read whole before the output (they may share bytes)
    if (l.partial_in)
        partials = unpack(p.partials_type, p.out_shape, operand("partial sums", p.partials, false),
                          p.partials.bytes);
    uint8_t* out = operand("output", p.out, true);
    nn::tensor y;
    try {
        y = ref::execute(l, x, p.has_second || p.has_weights ? &second : nullptr,
                         l.has_bias ? &bias : nullptr, l.partial_in ? &partials : nullptr);
    } catch (const std::exception& e) {
        fail(index, e.what());
    }
    if (y.bytes().size() != p.out.bytes)
        fail(index, "output size differs from the decoded shape");
    pack_into(y, out);
}

interpreter_stats stream_interpreter::run(const uint8_t* stream, std::size_t bytes) {
    const parsed_stream s = parse_stream(stream, bytes);
    interpreter_stats st;
    m_pending.clear();
    m_expansions.clear();
    for (std::size_t i = 0; i < s.commands.size(); ++i) {
        const command& c = s.commands[i];
        ++st.commands;
        switch (c.op) {
            case opcode::end:
                if (!m_pending.empty())
                    fail(i, "END with " + std::to_string(m_pending.size()) +
                                " transfers outstanding (BARRIER first)");
                return st;
            case opcode::barrier:
                ++st.barriers;
                retire(c.barrier_mask, st);
                break;
            case opcode::load_compressed:
                load_compressed(c, i, st);
                break;
            case opcode::load:
            case opcode::store:
                move(c, i, st);
                break;
            default:
                if (!is_compute(c.op))
                    fail(i, "unknown opcode " + std::to_string(static_cast<unsigned>(c.op)));
                ++st.computes;
                compute(c, i);
        }
    }
    fail(s.commands.size(), "the stream ran out before an END command");
}

}  // namespace nnvp::compiler
