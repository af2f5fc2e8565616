// Command encode/decode round trips, the header and its checksum, and the
// stream writer / parser.
#include "arch/nncore/stream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <stdexcept>

using namespace nnvp;
using namespace nnvp::nncore_cmd;
using namespace nnvp::nncore_cmd;

namespace {

uint32_t le32(const std::vector<uint8_t>& b, std::size_t at) {
    return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
           uint32_t{b[at + 3]} << 24;
}

command sample_compute() {
    command c;
    c.op = opcode::conv2d;
    c.prec = ref::precision::int8;
    c.act = ref::act_kind::relu6;
    c.df = cost::dataflow::weight_stationary;
    c.flags = flag::has_bias | flag::per_channel;
    compute_cmd& k = c.compute;
    k.in = {0x100, 1, 7, 9, 3};
    k.in2 = {0x2000, 1, 1, 9, 3};
    k.out_offset = 0x30000;
    k.weight_offset = 0x10000;
    k.bias_offset = 0x10400;
    k.table_offset = 0x10800;
    k.out_channels = 300;
    k.kernel_h = 3;
    k.kernel_w = 5;
    k.stride_h = 2;
    k.stride_w = 1;
    k.dilation_h = 1;
    k.dilation_w = 2;
    k.pad_top = 1;
    k.pad_bottom = 2;
    k.pad_left = 3;
    k.pad_right = 4;
    k.groups = 3;
    k.in_zero_point = -128;
    k.in2_zero_point = 7;
    k.out_zero_point = -5;
    k.act_min = -100;
    k.act_max = 100;
    k.out_mult = 1 << 30;
    k.out_shift = 37;
    k.in_mult = 0x7fffffff;
    k.in_shift = 1;
    k.in2_mult = 12345;
    k.in2_shift = 63;
    k.add_shift = 20;
    k.clip_lo = -0.5f;
    k.clip_hi = 6.0f;
    k.alpha = 0.1f;
    return c;
}

}  // namespace

TEST(command_stream, compute_command_bytes_follow_the_struct_layout) {
    const command c = sample_compute();
    uint8_t b[command_bytes];
    encode(c, b);
    EXPECT_EQ(b[0], 16);  // opcode
    EXPECT_EQ(b[1], static_cast<uint8_t>(ref::precision::int8));
    EXPECT_EQ(b[2], static_cast<uint8_t>(ref::act_kind::relu6));
    EXPECT_EQ(b[3], 1);
    EXPECT_EQ(b[4] | b[5] << 8, flag::has_bias | flag::per_channel);
    const std::vector<uint8_t> v(b, b + command_bytes);
    const std::size_t body = offsetof(command, compute);
    EXPECT_EQ(le32(v, body + offsetof(compute_cmd, in)), 0x100u);
    EXPECT_EQ(v[body + offsetof(compute_cmd, out_channels)], 300 & 0xff);
    EXPECT_EQ(v[body + offsetof(compute_cmd, out_channels) + 1], 300 >> 8);
    EXPECT_EQ(le32(v, body + offsetof(compute_cmd, in_zero_point)), 0xffffff80u);
    EXPECT_EQ(le32(v, body + offsetof(compute_cmd, out_shift)), 37u);
    float alpha;
    std::memcpy(&alpha, b + body + offsetof(compute_cmd, alpha), 4);
    EXPECT_EQ(alpha, 0.1f);
    // The encoding equals the in-memory struct on this (little-endian) host,
    // except the padding, which encode() zeroes.
    command z;  // all-zero raw bytes, then the fields assigned one by one
    z = decode(b);
    EXPECT_EQ(std::memcmp(&z, b, command_bytes), 0);
}

TEST(command_stream, every_kind_round_trips) {
    std::vector<command> cmds{sample_compute(), make_barrier(0xa5a5), make_end()};
    move_cmd m{0x1'0000'0040ull, 0x80, 100, 3, 128, 112, 2, 4096, 400};
    cmds.push_back(make_load(m, 15));
    cmds.push_back(make_store(m, 3));
    for (const command& c : cmds) {
        uint8_t a[command_bytes], b[command_bytes];
        encode(c, a);
        encode(decode(a), b);
        EXPECT_EQ(std::memcmp(a, b, command_bytes), 0) << to_string(c.op);
    }
    uint8_t a[command_bytes];
    encode(cmds[3], a);
    const command l = decode(a);
    EXPECT_EQ(l.op, opcode::load);
    EXPECT_EQ(l.tag, 15);
    EXPECT_EQ(l.move.dram_addr, 0x1'0000'0040ull);
    EXPECT_EQ(l.move.local_stride2, 400u);
    encode(cmds[1], a);
    EXPECT_EQ(a[8] | a[9] << 8, 0xa5a5);
    for (std::size_t i = 10; i < command_bytes; ++i)
        EXPECT_EQ(a[i], 0) << i;
}

TEST(command_stream, random_bytes_round_trip_through_decode) {
    // decode() then encode() reproduces every field byte (padding aside).
    std::mt19937 rng(7);
    for (int iter = 0; iter < 200; ++iter) {
        uint8_t a[command_bytes], b[command_bytes];
        for (auto& x : a)
            x = static_cast<uint8_t>(rng());
        a[0] = static_cast<uint8_t>(iter % 2 ? 16 + iter % 9 : iter % 4);
        const command c = decode(a);
        encode(c, b);
        const command d = decode(b);
        uint8_t e[command_bytes];
        encode(d, e);
        EXPECT_EQ(std::memcmp(b, e, command_bytes), 0);
    }
}

TEST(command_stream, header_count_and_checksum) {
    stream_writer w;
    move_cmd m = contiguous(0x8000'0000, 0, 256);
    EXPECT_EQ(w.load(m, 1), 0u);
    EXPECT_EQ(w.barrier(0x2), 1u);
    EXPECT_EQ(w.compute(sample_compute()), 2u);
    EXPECT_EQ(w.store(m, 3), 3u);
    EXPECT_EQ(w.end(), 4u);
    EXPECT_TRUE(w.ended());
    const std::vector<uint8_t> b = w.bytes();
    ASSERT_EQ(b.size(), header_bytes + 5 * command_bytes);
    EXPECT_EQ(le32(b, 0), magic);
    EXPECT_EQ(b[4] | b[5] << 8, version);
    EXPECT_EQ(b[6] | b[7] << 8, header_bytes);
    EXPECT_EQ(le32(b, 8), 5u);
    EXPECT_EQ(le32(b, 12), command_bytes);
    uint32_t sum = 0;
    for (std::size_t i = header_bytes; i < b.size(); i += 4)
        sum += le32(b, i);
    EXPECT_EQ(le32(b, 16), sum);
    EXPECT_EQ(w.header().checksum, sum);
    EXPECT_EQ(w.header().command_count, 5u);
    // The shared header's checksum() over decoded commands agrees.
    std::vector<command> decoded;
    for (std::size_t i = 0; i < 5; ++i)
        decoded.push_back(decode(b.data() + header_bytes + i * command_bytes));
    EXPECT_EQ(nncore_cmd::checksum(decoded.data(), 5), sum);
    const parsed_stream p = parse_stream(b.data(), b.size());
    ASSERT_EQ(p.commands.size(), 5u);
    EXPECT_EQ(p.commands[2].compute.out_channels, 300);
}

TEST(command_stream, writer_and_parser_reject_bad_input) {
    stream_writer w;
    EXPECT_THROW(w.load(contiguous(0, 0, 4), 16), std::invalid_argument);
    EXPECT_THROW(w.compute(make_barrier(1)), std::invalid_argument);
    w.end();
    EXPECT_THROW(w.barrier(1), std::invalid_argument);
    std::vector<uint8_t> b = w.bytes();
    EXPECT_NO_THROW(parse_stream(b.data(), b.size()));
    auto expect_error = [](std::vector<uint8_t> s, const char* field) {
        try {
            parse_stream(s.data(), s.size());
            ADD_FAILURE() << "accepted, expected an error on " << field;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        }
    };
    expect_error(std::vector<uint8_t>(b.begin(), b.begin() + 16), "size");
    auto bad = b;
    bad[0] ^= 1;
    expect_error(bad, "magic");
    bad = b;
    bad[4] = 2;
    expect_error(bad, "version");
    bad = b;
    bad[8] = 2;
    expect_error(bad, "command_count");
    bad = b;
    bad[header_bytes + 100] = 1;
    expect_error(bad, "checksum");
}
