// SystemC-free parts of the DMA: configuration parsing, descriptor layout.
#include "ip/dma/dma_config.h"
#include "arch/regs/dma_descriptor.h"
#include "arch/regs/dma_regs.h"

#include <gtest/gtest.h>

using namespace nnvp;
using namespace nnvp::dma_regs;

namespace {
dma_config parse(const std::string& text) {
    return parse_dma_config(parse_config_text(text, "platform.json"));
}
std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(dma_config, defaults) {
    const dma_config c = parse("{}");
    EXPECT_EQ(c.channels, 4u);
    EXPECT_EQ(c.burst_bytes, 256u);
    EXPECT_EQ(c.max_descriptors, 4096u);
    EXPECT_EQ(c.setup_cycles, 16u);
    EXPECT_EQ(c.descriptor_fetch_cycles, 4u);
    EXPECT_EQ(c.register_access_cycles, 1u);
    EXPECT_DOUBLE_EQ(c.energy_pj_per_byte, 2.5);
    EXPECT_DOUBLE_EQ(c.leakage_mw, 0.2);
}

TEST(dma_config, every_key) {
    const dma_config c = parse(R"({"channels": 16, "burst_bytes": 4096, "train_bytes": 65536,
        "max_descriptors": 8,
        "setup_cycles": 0, "descriptor_fetch_cycles": 2, "register_access_cycles": 3,
        "energy_pj_per_byte": 1.5, "leakage_mw": 0})");
    EXPECT_EQ(c.channels, 16u);
    EXPECT_EQ(c.burst_bytes, 4096u);
    EXPECT_EQ(c.train_bytes, 65536u);
    EXPECT_EQ(c.max_descriptors, 8u);
    EXPECT_EQ(c.setup_cycles, 0u);
    EXPECT_EQ(c.descriptor_fetch_cycles, 2u);
    EXPECT_EQ(c.register_access_cycles, 3u);
    EXPECT_DOUBLE_EQ(c.energy_pj_per_byte, 1.5);
    EXPECT_DOUBLE_EQ(c.leakage_mw, 0.0);
}

TEST(dma_config, errors_name_the_file_the_field_and_the_expectation) {
    EXPECT_EQ(error_of(R"({"channels": 3})"),
              "platform.json: channels: expected an integer in [4, 16], got 3");
    EXPECT_EQ(error_of(R"({"channels": 17})"),
              "platform.json: channels: expected an integer in [4, 16], got 17");
    EXPECT_EQ(error_of(R"({"burst_bytes": 96})"),
              "platform.json: burst_bytes: expected a power of two in [4, 4096], got 96");
    EXPECT_EQ(error_of(R"({"burst_bytes": 8192})"),
              "platform.json: burst_bytes: expected an integer in [4, 4096], got 8192");
    EXPECT_EQ(error_of(R"({"train_bytes": 1000})"),
              "platform.json: train_bytes: expected 0 (off) or a multiple of burst_bytes (256), "
              "got 1000");
    EXPECT_EQ(error_of(R"({"train_bytes": 2097152})"),
              "platform.json: train_bytes: expected an integer in [0, 1048576], got 2097152");
    EXPECT_EQ(error_of(R"({"max_descriptors": 0})"),
              "platform.json: max_descriptors: expected an integer in [1, 1048576], got 0");
    EXPECT_NE(error_of(R"({"leakage_mw": -1})").find("leakage_mw"), std::string::npos);
    EXPECT_NE(error_of(R"({"setup_cycle": 4})").find("setup_cycle"), std::string::npos);
}

TEST(dma_descriptor, encodes_little_endian_at_the_documented_offsets) {
    descriptor d;
    d.src = 0x0102030405060708ull;
    d.dst = 0x1112131415161718ull;
    d.len = 0x21222324;
    d.count1 = 5;
    d.src_stride1 = 6;
    d.dst_stride1 = 7;
    d.count2 = 8;
    d.src_stride2 = 9;
    d.dst_stride2 = 10;
    d.flags = desc_flag_irq;
    d.next = 0x8000000000001040ull;
    unsigned char raw[descriptor_bytes];
    encode(d, raw);
    EXPECT_EQ(raw[0], 0x08);
    EXPECT_EQ(raw[7], 0x01);
    EXPECT_EQ(raw[8], 0x18);
    EXPECT_EQ(raw[16], 0x24);
    EXPECT_EQ(raw[19], 0x21);
    EXPECT_EQ(raw[20], 5);
    EXPECT_EQ(raw[24], 6);
    EXPECT_EQ(raw[28], 7);
    EXPECT_EQ(raw[32], 8);
    EXPECT_EQ(raw[36], 9);
    EXPECT_EQ(raw[40], 10);
    EXPECT_EQ(raw[44], 1);
    EXPECT_EQ(raw[48], 0x40);
    EXPECT_EQ(raw[55], 0x80);
    EXPECT_EQ(raw[56], 0);
    const descriptor back = decode(raw);
    EXPECT_EQ(back.src, d.src);
    EXPECT_EQ(back.dst, d.dst);
    EXPECT_EQ(back.len, d.len);
    EXPECT_EQ(back.dst_stride2, d.dst_stride2);
    EXPECT_EQ(back.next, d.next);
    EXPECT_EQ(back.reserved, 0u);
}

TEST(dma_regs_header, channel_blocks_are_placed_by_stride) {
    static_assert(channel_reg(SRC_LO, 0).offset == 0x100);
    static_assert(channel_reg(CTRL, 15).offset == 0x100 + 15 * 0x80 + 0x34);
    static_assert(irq_error_bit(15) == 0x80000000u);
    EXPECT_EQ(all_regs().size(), 5u + 16u * 19u);
    EXPECT_EQ(STATUS_CODE.get(STATUS_CODE.make(7)), 7u);
}
