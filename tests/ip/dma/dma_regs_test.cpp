// DMA register interface: reset values and access kinds from dma_regs.h,
// write masks, absent channels, and the CTRL commands.
#include "tests/ip/dma/dma_bench.h"

using namespace nnvp;
using namespace nnvp::dma_regs;
using namespace sc_core;

TEST(dma_regs, reset_values_come_from_the_register_header) {
    test::dma_bench b;
    test::run_thread([&] {
        EXPECT_EQ(b.read_global(ID), ID.reset);
        const uint32_t cfg = b.read_global(CONFIG);
        EXPECT_EQ(CONFIG_CHANNELS.get(cfg), 4u);
        EXPECT_EQ(1u << CONFIG_BURST_LOG2.get(cfg), 256u);
        EXPECT_EQ(b.read_global(MAX_DESC), 4096u);
        EXPECT_EQ(b.read_global(IRQ_STATUS), IRQ_STATUS.reset);
        EXPECT_EQ(b.read_global(IRQ_ENABLE), IRQ_ENABLE.reset);
        for (unsigned ch = 0; ch < 4; ++ch)
            for (const reg_def& r : channel_regs)
                EXPECT_EQ(b.read(r, ch), r.reset) << r.name << " of channel " << ch;
    });
    EXPECT_FALSE(b.irq_line.read());
}

TEST(dma_regs, access_kinds_and_write_masks) {
    test::dma_bench b;
    test::run_thread([&] {
        // Read-only registers ignore writes, with a warning each.
        EXPECT_EQ(test::warnings_during([&] { b.write_global(ID, 0); }), 1);
        EXPECT_EQ(b.read_global(ID), ID.reset);
        EXPECT_EQ(test::warnings_during([&] { b.write_global(CONFIG, 0); }), 1);
        EXPECT_NE(b.read_global(CONFIG), 0u);
        for (const reg_def& r : channel_regs)
            if (r.kind == regs::access::ro) {
                EXPECT_EQ(test::warnings_during([&] { b.write(r, 1, 0xffffffffu); }), 1)
                    << r.name;
                EXPECT_EQ(b.read(r, 1), r.reset) << r.name;
            }
        // Read/write geometry registers keep what is written.
        for (const reg_def& r : channel_regs)
            if (r.kind == regs::access::rw && r.offset != CTRL.offset) {
                const uint32_t v = 0xa5a50000u ^ (r.offset * 0x01010101u);
                b.write(r, 2, v);
                EXPECT_EQ(b.read(r, 2), v & r.write_mask) << r.name;
                EXPECT_EQ(b.read(r, 3), r.reset) << r.name << " leaked into channel 3";
            }
        // CTRL keeps its mode bits; START/ABORT are commands that read as 0
        // (ABORT on an idle channel does nothing).
        const uint32_t mode = CTRL_USE_DESC.make(1) | CTRL_IRQ_DONE.make(1) |
                              CTRL_IRQ_ERR.make(1);
        // (the reserved bits above them are ignored, with a warning).
        EXPECT_EQ(test::warnings_during(
                      [&] { b.write(CTRL, 0, mode | CTRL_ABORT.make(1) | 0xffffff00u); }),
                  1);
        EXPECT_EQ(b.read(CTRL, 0), mode);
        EXPECT_EQ(b.read(STATUS, 0), 0u);
        // Only the bits of the 4 existing channels exist in the IRQ registers.
        // The others are reserved: setting them warns.
        EXPECT_EQ(test::warnings_during([&] { b.write_global(IRQ_ENABLE, 0xffffffffu); }), 1);
        EXPECT_EQ(b.read_global(IRQ_ENABLE), irq_bits(0xfu));
        // W1C with nothing pending.
        EXPECT_EQ(test::warnings_during([&] { b.write_global(IRQ_STATUS, 0xffffffffu); }), 1);
        EXPECT_EQ(b.read_global(IRQ_STATUS), 0u);
        EXPECT_EQ(test::warnings_during([&] { b.write_global(IRQ_STATUS, irq_bits(0xfu)); }), 0);
    });
    EXPECT_FALSE(b.irq_line.read());
    EXPECT_TRUE(b.runs.empty());
}

TEST(dma_regs, absent_channels_and_holes_answer_with_address_errors) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        uint32_t v = 0;
        const int before = test::warnings_seen();
        EXPECT_EQ(b.cpu.read32(channel_reg(SRC_LO, 4).offset, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.cpu.write32(channel_reg(CTRL, 15).offset, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.cpu.read32(0x0c, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.cpu.read32(channel_offset(0) + 0x4c, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.cpu.read32(window_bytes, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(test::warnings_seen() - before, 5);
        // 64-bit accesses reach two consecutive registers.
        uint64_t src = 0x0000001280004000ull;
        EXPECT_EQ(b.cpu.access(tlm::TLM_WRITE_COMMAND, channel_reg(SRC_LO, 1).offset, &src, 8),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(b.read(SRC_LO, 1), 0x80004000u);
        EXPECT_EQ(b.read(SRC_HI, 1), 0x12u);
    });
}

TEST(dma_regs, sixteen_channels_fill_the_window) {
    dma_config cfg = test::bench_config();
    cfg.channels = 16;
    cfg.burst_bytes = 4096;
    cfg.max_descriptors = 7;
    test::dma_bench b(cfg);
    test::run_thread([&] {
        const uint32_t c = b.read_global(CONFIG);
        EXPECT_EQ(CONFIG_CHANNELS.get(c), 16u);
        EXPECT_EQ(CONFIG_BURST_LOG2.get(c), 12u);
        EXPECT_EQ(b.read_global(MAX_DESC), 7u);
        EXPECT_EQ(b.read(COUNT2, 15), COUNT2.reset);
        b.write_global(IRQ_ENABLE, 0xffffffffu);
        EXPECT_EQ(b.read_global(IRQ_ENABLE), 0xffffffffu);
    });
}

TEST(dma_regs, register_access_takes_the_configured_dma_cycles) {
    dma_config cfg = test::bench_config();
    cfg.register_access_cycles = 3;
    test::dma_bench b(cfg);
    test::run_thread([&] {
        b.read_global(ID);
        EXPECT_EQ(b.cpu.last_delay(), b.fabric.cycles(3));
        EXPECT_EQ(b.cpu.last_delay(), sc_time(3, SC_NS));
        b.fabric.set_opp(1);  // 500 MHz
        b.read_global(ID);
        EXPECT_EQ(b.cpu.last_delay(), sc_time(6, SC_NS));
    });
}
