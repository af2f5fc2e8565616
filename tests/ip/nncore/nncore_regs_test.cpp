// The register block: reset values and access kinds from nncore_regs.h,
// 64-bit counters with the LO/HI latch, and seeded random register writes
// (any value at any offset) that must not crash or hang the core.
#include "tests/ip/nncore/layer_job.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

TEST(nncore_regs, reset_values_and_access_kinds) {
    nncore_bench b;
    test::run_thread([&] {
        using namespace nncore_regs;
        const auto& cc = b.core.config().core;
        const auto expected_ro = [&](const regs::reg_def& r) -> uint32_t {
            if (r.offset == ARRAY.offset)
                return ARRAY_ROWS.make(cc.rows) | ARRAY_COLS.make(cc.cols);
            if (r.offset == PRECISIONS.offset)
                return 0x3f;
            if (r.offset == INPUT_KB.offset)
                return cc.input_kb;
            if (r.offset == WEIGHT_KB.offset)
                return cc.weight_kb;
            if (r.offset == OUTPUT_KB.offset)
                return cc.output_kb;
            if (r.offset == CMD_VERSION.offset)
                return nncore_cmd::version;
            return r.reset;
        };
        for (const regs::reg_def& r : control_regs) {
            SCOPED_TRACE(r.name);
            switch (r.kind) {
                case regs::access::ro:
                    EXPECT_EQ(b.reg(r), expected_ro(r));
                    EXPECT_EQ(test::warnings_during([&] { b.set(r, ~expected_ro(r)); }), 1);
                    EXPECT_EQ(b.reg(r), expected_ro(r));
                    break;
                case regs::access::rw:
                    EXPECT_EQ(b.reg(r), r.reset);
                    // Reserved bits (outside the write mask) are ignored, with a warning.
                    EXPECT_EQ(test::warnings_during([&] { b.set(r, 0xffffffffu); }),
                              r.write_mask == 0xffffffffu ? 0 : 1);
                    EXPECT_EQ(b.reg(r), r.write_mask);
                    b.set(r, r.reset);
                    break;
                case regs::access::w1c:
                    EXPECT_EQ(b.reg(r), r.reset);
                    EXPECT_EQ(test::warnings_during([&] { b.set(r, 0xffffffffu); }),
                              r.write_mask == 0xffffffffu ? 0 : 1);
                    EXPECT_EQ(b.reg(r), 0u);
                    break;
                case regs::access::wo:
                    EXPECT_EQ(b.reg(r), 0u);
                    break;
            }
        }
        EXPECT_EQ(b.reg(ID), id_value);
        EXPECT_FALSE(b.nn_irq.read());
        for (uint32_t c = 0; c < static_cast<uint32_t>(counter::count); ++c)
            EXPECT_EQ(b.read_counter(static_cast<counter>(c)), 0u);
        // A hole in the window is an address error.
        test::allow_warnings(true);
        uint32_t v = 0;
        EXPECT_EQ(b.cpu.read32(nn_base + 0x0fc, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
}

// Counters are 64-bit: reading LO latches HI; COUNTERS_CLEAR zeroes them.
TEST(nncore_regs, counters_latch_high_half_and_clear) {
    nncore_bench b;
    test::run_thread([&] {
        using namespace nncore_regs;
        stream s;
        s.load(data_addr, 0, 4096, 0);
        s.store(0, data_addr + 0x10000, 1024, 1);
        s.end();
        ASSERT_EQ(b.run(s), STATUS_DONE.make(1));
        EXPECT_EQ(b.reg(CMDS_DONE), 3u);
        EXPECT_EQ(b.read_counter(counter::bytes_read), 4096u);
        EXPECT_EQ(b.read_counter(counter::bytes_written), 1024u);
        EXPECT_EQ(b.reg(counter_hi(counter::bytes_read)), 0u);
        b.set(COUNTERS_CLEAR, COUNTERS_CLEAR_ALL.make(1));
        EXPECT_EQ(b.read_counter(counter::bytes_read), 0u);
        EXPECT_EQ(b.read_counter(counter::bytes_written), 0u);
    });
}

// Any value to any offset of the window (4000 writes, seeded), doorbells
// included; then the core still runs a good stream. No crash, no hang.
TEST(nncore_regs, random_register_writes_then_a_good_stream) {
    nncore_bench b;
    test::allow_warnings(true);
    std::mt19937 rng(20261122);
    test::run_thread([&] {
        using namespace nncore_regs;
        for (int i = 0; i < 4000; ++i) {
            const uint32_t off = static_cast<uint32_t>(rng() % window_bytes);
            uint32_t value = static_cast<uint32_t>(rng());
            if (rng() % 4 == 0)
                value &= 0x1ff;  // small values hit interesting cases more often
            b.cpu.write32(nn_base + (rng() % 8 ? off & ~3u : off), value);
            if (i % 500 == 0)
                wait(sc_time(1, SC_US));
        }
        // Let whatever stream was started end (each is bounded).
        for (int i = 0; i < 1000 && b.core.busy(); ++i)
            wait(sc_time(10, SC_US));
        ASSERT_FALSE(b.core.busy());
        b.set(DMA_CHANNELS, 0x3);
        stream s;
        s.load(data_addr, 0, 256, 0);
        s.barrier();
        s.end();
        EXPECT_EQ(b.run(s), STATUS_DONE.make(1));
    });
}

// Streams with 1..4 random bytes corrupted (checksum recomputed, so the core
// decodes them), random MODE and DMA_CHANNELS: every one ends, done or with
// an error, and the core stays usable.
TEST(nncore_regs, corrupted_streams_end_with_done_or_an_error) {
    nncore_bench b;
    test::allow_warnings(true);
    std::mt19937 rng(7);
    test::run_thread([&] {
        using namespace nncore_regs;
        ref::layer l;
        l.op = ref::op_kind::conv2d;
        l.prec = ref::precision::int8;
        l.out_channels = 8;
        l.geo.kernel_h = l.geo.kernel_w = 3;
        l.out_mult = {{1 << 30, 36}};
        l.act_min = -128;
        l.act_max = 127;
        stream base;
        base.load(data_addr, 0, 6 * 6 * 8, 0);
        base.load(data_addr + 0x1000, 65536, 8 * 9 * 8, 1);
        base.barrier(3);
        base.add(compute_command(l, {1, 6, 6, 8}, {}, operands(0, 65536, 131072)).cmd);
        base.store(131072, data_addr + 0x2000, 4 * 4 * 8, 2);
        base.end();
        std::size_t errors = 0;
        for (int i = 0; i < 300; ++i) {
            stream s = base;
            auto* raw = reinterpret_cast<unsigned char*>(s.cmds.data());
            const std::size_t n = s.cmds.size() * sizeof(command);
            for (unsigned k = 0, flips = 1 + rng() % 4; k < flips; ++k)
                raw[rng() % n] = static_cast<unsigned char>(rng());
            b.set(DMA_CHANNELS, rng() % 4 == 0 ? static_cast<uint32_t>(rng()) : 0x3u);
            const uint32_t mode = rng() % 4 == 0 ? static_cast<uint32_t>(rng() & 0xf)
                                                 : static_cast<uint32_t>(rng() & 1);
            const uint32_t st = b.run(s, mode, sc_time(100, SC_MS));
            ASSERT_FALSE(b.core.busy()) << "stream " << i << " did not end";
            errors += (st & STATUS_ERROR.mask()) != 0;
        }
        EXPECT_GT(errors, 0u);
        EXPECT_LT(errors, 300u);
        b.set(DMA_CHANNELS, 0x3);
        EXPECT_EQ(b.run(base), STATUS_DONE.make(1));
    });
}
