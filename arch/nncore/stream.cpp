#include "arch/nncore/stream.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace nnvp::nncore_cmd {



namespace {

// Little-endian store / load of an integer or float of any width.
template <typename T>
void put(uint8_t* p, T v) {
    using U = std::conditional_t<
        sizeof(T) == 8, uint64_t,
        std::conditional_t<sizeof(T) == 4, uint32_t,
                           std::conditional_t<sizeof(T) == 2, uint16_t, uint8_t>>>;
    U u;
    std::memcpy(&u, &v, sizeof(T));
    for (std::size_t i = 0; i < sizeof(T); ++i)
        p[i] = static_cast<uint8_t>(u >> (8 * i));
}

template <typename T>
T get(const uint8_t* p) {
    using U = std::conditional_t<
        sizeof(T) == 8, uint64_t,
        std::conditional_t<sizeof(T) == 4, uint32_t,
                           std::conditional_t<sizeof(T) == 2, uint16_t, uint8_t>>>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        u = static_cast<U>(u | (static_cast<U>(p[i]) << (8 * i)));
    T v;
    std::memcpy(&v, &u, sizeof(T));
    return v;
}

// Calls f(byte offset inside the body, member) for every field of a body.
// One list serves encode and decode, so the two cannot disagree.
template <typename Ref, typename F>
void visit_tensor(Ref& t, std::size_t at, F&& f) {
    f(at + offsetof(tensor_ref, offset), t.offset);
    f(at + offsetof(tensor_ref, n), t.n);
    f(at + offsetof(tensor_ref, h), t.h);
    f(at + offsetof(tensor_ref, w), t.w);
    f(at + offsetof(tensor_ref, c), t.c);
}

template <typename Move, typename F>
void visit_move(Move& m, F&& f) {
#define NNVP_FIELD(x) f(offsetof(move_cmd, x), m.x)
    NNVP_FIELD(dram_addr);
    NNVP_FIELD(local_offset);
    NNVP_FIELD(len);
    NNVP_FIELD(count1);
    NNVP_FIELD(dram_stride1);
    NNVP_FIELD(local_stride1);
    NNVP_FIELD(count2);
    NNVP_FIELD(dram_stride2);
    NNVP_FIELD(local_stride2);
#undef NNVP_FIELD
}

template <typename Compressed, typename F>
void visit_compressed(Compressed& z, F&& f) {
    visit_move(z.blob, f);  // the blob's move_cmd is the body's first 40 bytes
#define NNVP_FIELD(x) f(offsetof(compressed_cmd, x), z.x)
    NNVP_FIELD(dest_offset);
    NNVP_FIELD(elements);
    NNVP_FIELD(elem_bits);
    NNVP_FIELD(format);
    NNVP_FIELD(reserved);
    NNVP_FIELD(row_len);
#undef NNVP_FIELD
}

template <typename Compute, typename F>
void visit_compute(Compute& c, F&& f) {
    visit_tensor(c.in, offsetof(compute_cmd, in), f);
    visit_tensor(c.in2, offsetof(compute_cmd, in2), f);
#define NNVP_FIELD(x) f(offsetof(compute_cmd, x), c.x)
    NNVP_FIELD(out_offset);
    NNVP_FIELD(weight_offset);
    NNVP_FIELD(bias_offset);
    NNVP_FIELD(table_offset);
    NNVP_FIELD(out_channels);
    NNVP_FIELD(kernel_h);
    NNVP_FIELD(kernel_w);
    NNVP_FIELD(stride_h);
    NNVP_FIELD(stride_w);
    NNVP_FIELD(dilation_h);
    NNVP_FIELD(dilation_w);
    NNVP_FIELD(pad_top);
    NNVP_FIELD(pad_bottom);
    NNVP_FIELD(pad_left);
    NNVP_FIELD(pad_right);
    NNVP_FIELD(groups);
    NNVP_FIELD(in_zero_point);
    NNVP_FIELD(in2_zero_point);
    NNVP_FIELD(out_zero_point);
    NNVP_FIELD(act_min);
    NNVP_FIELD(act_max);
    NNVP_FIELD(out_mult);
    NNVP_FIELD(out_shift);
    NNVP_FIELD(in_mult);
    NNVP_FIELD(in_shift);
    NNVP_FIELD(in2_mult);
    NNVP_FIELD(in2_shift);
    NNVP_FIELD(add_shift);
    NNVP_FIELD(clip_lo);
    NNVP_FIELD(clip_hi);
    NNVP_FIELD(alpha);
    NNVP_FIELD(act_zero_point);
#undef NNVP_FIELD
}

constexpr std::size_t body = offsetof(command, move);

}  // namespace

void encode(const command& c, uint8_t* out) {
    std::memset(out, 0, command_bytes);
    out[offsetof(command, op)] = static_cast<uint8_t>(c.op);
    out[offsetof(command, prec)] = static_cast<uint8_t>(c.prec);
    out[offsetof(command, act)] = static_cast<uint8_t>(c.act);
    out[offsetof(command, df)] = static_cast<uint8_t>(c.df);
    put(out + offsetof(command, flags), c.flags);
    out[offsetof(command, tag)] = c.tag;
    out[offsetof(command, reserved0)] = c.reserved0;
    uint8_t* b = out + body;
    if (c.op == opcode::load || c.op == opcode::store)
        visit_move(c.move, [&](std::size_t at, auto v) { put(b + at, v); });
    else if (c.op == opcode::load_compressed)
        visit_compressed(c.compressed, [&](std::size_t at, auto v) { put(b + at, v); });
    else if (c.op == opcode::barrier)
        put(b, c.barrier_mask);
    else if (is_compute(c.op))
        visit_compute(c.compute, [&](std::size_t at, auto v) { put(b + at, v); });
    else
        std::memcpy(b, c.raw, sizeof c.raw);  // END / unknown opcodes: raw body
}

command decode(const uint8_t* in) {
    command c;
    c.op = static_cast<opcode>(in[offsetof(command, op)]);
    c.prec = static_cast<ref::precision>(in[offsetof(command, prec)]);
    c.act = static_cast<ref::act_kind>(in[offsetof(command, act)]);
    c.df = static_cast<cost::dataflow>(in[offsetof(command, df)]);
    c.flags = get<uint16_t>(in + offsetof(command, flags));
    c.tag = in[offsetof(command, tag)];
    c.reserved0 = in[offsetof(command, reserved0)];
    const uint8_t* b = in + body;
    if (c.op == opcode::load || c.op == opcode::store) {
        visit_move(c.move, [&](std::size_t at, auto& v) {
            v = get<std::remove_reference_t<decltype(v)>>(b + at);
        });
    } else if (c.op == opcode::load_compressed) {
        visit_compressed(c.compressed, [&](std::size_t at, auto& v) {
            v = get<std::remove_reference_t<decltype(v)>>(b + at);
        });
    } else if (c.op == opcode::barrier) {
        c.barrier_mask = get<uint16_t>(b);
    } else if (is_compute(c.op)) {
        visit_compute(c.compute, [&](std::size_t at, auto& v) {
            v = get<std::remove_reference_t<decltype(v)>>(b + at);
        });
    } else {
        std::memcpy(c.raw, b, sizeof c.raw);
    }
    return c;
}

void encode(const stream_header& h, uint8_t* out) {
    std::memset(out, 0, header_bytes);
    put(out + offsetof(stream_header, magic), h.magic);
    put(out + offsetof(stream_header, version), h.version);
    put(out + offsetof(stream_header, header_size), h.header_size);
    put(out + offsetof(stream_header, command_count), h.command_count);
    put(out + offsetof(stream_header, command_size), h.command_size);
    put(out + offsetof(stream_header, checksum), h.checksum);
    for (int i = 0; i < 3; ++i)
        put(out + offsetof(stream_header, reserved) + 4 * i, h.reserved[i]);
}

stream_header decode_header(const uint8_t* in) {
    stream_header h;
    h.magic = get<uint32_t>(in + offsetof(stream_header, magic));
    h.version = get<uint16_t>(in + offsetof(stream_header, version));
    h.header_size = get<uint16_t>(in + offsetof(stream_header, header_size));
    h.command_count = get<uint32_t>(in + offsetof(stream_header, command_count));
    h.command_size = get<uint32_t>(in + offsetof(stream_header, command_size));
    h.checksum = get<uint32_t>(in + offsetof(stream_header, checksum));
    for (int i = 0; i < 3; ++i)
        h.reserved[i] = get<uint32_t>(in + offsetof(stream_header, reserved) + 4 * i);
    return h;
}

uint32_t checksum(const uint8_t* commands, std::size_t bytes) {
    uint32_t sum = 0;
    for (std::size_t i = 0; i + 4 <= bytes; i += 4)
        sum += get<uint32_t>(commands + i);
    return sum;
}

command make_load(const move_cmd& m, uint8_t tag) {
    command c;
    c.op = opcode::load;
    c.tag = tag;
    c.move = m;
    return c;
}

command make_store(const move_cmd& m, uint8_t tag) {
    command c = make_load(m, tag);
    c.op = opcode::store;
    return c;
}

command make_load_compressed(const compressed_cmd& z, uint8_t tag) {
    command c;
    c.op = opcode::load_compressed;
    c.tag = tag;
    c.compressed = z;
    return c;
}

command make_barrier(uint16_t tag_mask) {
    command c;
    c.op = opcode::barrier;
    c.barrier_mask = tag_mask;
    return c;
}

command make_end() {
    return command{};
}

move_cmd contiguous(uint64_t dram_addr, uint32_t local_offset, uint32_t bytes) {
    move_cmd m{};
    m.dram_addr = dram_addr;
    m.local_offset = local_offset;
    m.len = bytes;
    m.count1 = 1;
    m.dram_stride1 = bytes;
    m.local_stride1 = bytes;
    m.count2 = 1;
    m.dram_stride2 = bytes;
    m.local_stride2 = bytes;
    return m;
}

std::size_t stream_writer::append(const command& c) {
    if (m_ended)
        throw std::invalid_argument("stream_writer: command appended after END");
    m_cmds.push_back(c);
    if (c.op == opcode::end)
        m_ended = true;
    return m_cmds.size() - 1;
}

std::size_t stream_writer::load(const move_cmd& m, uint8_t tag) {
    if (tag > max_tag)
        throw std::invalid_argument("stream_writer: load tag " + std::to_string(tag) +
                                    ": expected 0.." + std::to_string(max_tag));
    return append(make_load(m, tag));
}

std::size_t stream_writer::store(const move_cmd& m, uint8_t tag) {
    if (tag > max_tag)
        throw std::invalid_argument("stream_writer: store tag " + std::to_string(tag) +
                                    ": expected 0.." + std::to_string(max_tag));
    return append(make_store(m, tag));
}

std::size_t stream_writer::load_compressed(const compressed_cmd& z, uint8_t tag) {
    if (tag > max_tag)
        throw std::invalid_argument("stream_writer: load_compressed tag " + std::to_string(tag) +
                                    ": expected 0.." + std::to_string(max_tag));
    return append(make_load_compressed(z, tag));
}

std::size_t stream_writer::barrier(uint16_t tag_mask) {
    return append(make_barrier(tag_mask));
}

std::size_t stream_writer::compute(const command& c) {
    if (!is_compute(c.op))
        throw std::invalid_argument(std::string("stream_writer: compute: opcode ") +
                                    to_string(c.op) + " is not a compute opcode");
    return append(c);
}

std::size_t stream_writer::end() {
    return append(make_end());
}

stream_header stream_writer::header() const {
    const std::vector<uint8_t> image = bytes();
    return decode_header(image.data());
}

std::vector<uint8_t> stream_writer::bytes() const {
    std::vector<uint8_t> out(header_bytes + m_cmds.size() * command_bytes);
    for (std::size_t i = 0; i < m_cmds.size(); ++i)
        encode(m_cmds[i], out.data() + header_bytes + i * command_bytes);
    stream_header h;
    h.command_count = static_cast<uint32_t>(m_cmds.size());
    h.checksum = checksum(out.data() + header_bytes, m_cmds.size() * command_bytes);
    encode(h, out.data());
    return out;
}

parsed_stream parse_stream(const uint8_t* bytes, std::size_t size) {
    auto fail = [](const std::string& what) {
        throw std::invalid_argument("command stream: " + what);
    };
    if (size < header_bytes)
        fail("size " + std::to_string(size) + ": expected at least the 32-byte header");
    parsed_stream s;
    s.header = decode_header(bytes);
    const stream_header& h = s.header;
    if (h.magic != magic)
        fail("header.magic: expected 0x53434e4e (\"NNCS\")");
    if (h.version != version)
        fail("header.version " + std::to_string(h.version) + ": expected " +
             std::to_string(version));
    if (h.header_size != header_bytes || h.command_size != command_bytes)
        fail("header.header_size/command_size: expected 32/128");
    if (uint64_t{h.command_count} * command_bytes != size - header_bytes)
        fail("header.command_count " + std::to_string(h.command_count) + ": expected " +
             std::to_string((size - header_bytes) / command_bytes) + " for " +
             std::to_string(size) + " bytes");
    if (checksum(bytes + header_bytes, size - header_bytes) != h.checksum)
        fail("header.checksum does not match the commands");
    for (uint32_t i = 0; i < h.command_count; ++i)
        s.commands.push_back(decode(bytes + header_bytes + std::size_t{i} * command_bytes));
    return s;
}


}  // namespace nnvp::nncore_cmd
