// Interrupt controller model: register semantics from intc_regs.h, claim and
// complete, priorities, threshold, masking, exact edge times, bad programming.
#include "ip/intc/intc.h"
#include "tests/support/sc_harness.h"

#include <memory>
#include <random>

using namespace nnvp;
using namespace sc_core;
namespace r = nnvp::intc_regs;

namespace {

// Lines 1..7 are wired; the other ids stay unbound (they read as low).
struct bench {
    clock_domain clk{"soc", {{100e6, 0.9}, {50e6, 0.8}}, 0, 0.9};
    intc dut;
    test::bus_master bus;
    test::irq_probe probe;
    sc_vector<sc_signal<bool>> lines{"line", 8};
    sc_signal<bool> irq{"cpu_irq"};

    explicit bench(const intc_config& cfg = {}) : dut("intc", clk, cfg) {
        for (unsigned id = 1; id < lines.size(); ++id)
            dut.sources[id].bind(lines[id]);
        bus.socket.bind(dut.target);
        dut.cpu_irq.bind(irq);
        probe.in.bind(irq);
    }
    uint32_t rd(const regs::reg_def& reg) { return bus.read32(reg.offset); }
    void wr(const regs::reg_def& reg, uint32_t v) { bus.write32_ok(reg.offset, v); }
    void raise(unsigned id, bool level = true) {
        lines[id].write(level);
        wait(SC_ZERO_TIME);  // signal update
        wait(SC_ZERO_TIME);  // controller reacts
        wait(SC_ZERO_TIME);  // cpu_irq update
    }
    void enable(std::initializer_list<unsigned> ids) {
        uint32_t v = 0;
        for (unsigned id : ids)
            v |= r::bit_of(id);
        wr(r::ENABLE0, v);
    }
};

}  // namespace

TEST(intc, reset_values_and_access_kinds_follow_the_header) {
    bench b;
    test::run_thread([&] {
        const uint32_t id = b.rd(r::ID);
        EXPECT_EQ(r::ID_SOURCES.get(id), 32u);
        EXPECT_EQ(r::ID_MAX_PRIORITY.get(id), r::max_priority);
        EXPECT_EQ(r::ID_VERSION.get(id), r::version);
        EXPECT_EQ(b.bus.last_delay(), b.clk.cycles(1));  // access_cycles default
        for (const auto& reg : {r::THRESHOLD, r::STATUS, r::LEVEL0, r::LEVEL1, r::PENDING0,
                                r::PENDING1, r::IN_SERVICE0, r::IN_SERVICE1, r::ENABLE0,
                                r::ENABLE1})
            EXPECT_EQ(b.rd(reg), reg.reset) << reg.name;
        EXPECT_EQ(b.rd(r::CLAIM), 0u);
        EXPECT_EQ(b.rd(r::COMPLETE), 0u);  // write-only reads 0
        EXPECT_EQ(b.rd(r::PRIORITY0), 0u);  // id 0 is reserved, hard-wired 0
        for (unsigned id = 1; id < 32; ++id)
            EXPECT_EQ(b.rd(r::priority_reg(id)), r::PRIORITY.reset) << id;

        // Read-only registers ignore writes; RW registers keep only their
        // mask. Each such write warns once.
        const auto warns = [&](const regs::reg_def& reg, uint32_t v) {
            return test::warnings_during([&] { b.wr(reg, v); });
        };
        EXPECT_EQ(warns(r::ID, 0xffffffff), 1);
        EXPECT_EQ(b.rd(r::ID), id);
        EXPECT_EQ(warns(r::PENDING0, 0xffffffff), 1);
        EXPECT_EQ(b.rd(r::PENDING0), 0u);
        EXPECT_EQ(warns(r::PRIORITY0, 7), 1);
        EXPECT_EQ(b.rd(r::PRIORITY0), 0u);
        EXPECT_EQ(warns(r::THRESHOLD, 0xffffffff), 1);
        EXPECT_EQ(b.rd(r::THRESHOLD), r::THRESHOLD.write_mask);
        EXPECT_EQ(warns(r::priority_reg(3), 0xffffffff), 1);
        EXPECT_EQ(b.rd(r::priority_reg(3)), r::PRIORITY_VALUE.mask());
        // Enable bits exist only for ids 1..sources-1.
        EXPECT_EQ(warns(r::ENABLE0, 0xffffffff), 1);
        EXPECT_EQ(b.rd(r::ENABLE0), 0xfffffffeu);
        EXPECT_EQ(warns(r::ENABLE1, 0xffffffff), 1);
        EXPECT_EQ(b.rd(r::ENABLE1), 0u);
        EXPECT_EQ(warns(r::ENABLE0, 0xfffffffe), 0) << "read back and written: legal";

        // Priorities of ids beyond `sources` are not decoded.
        test::allow_warnings(true);
        uint32_t v = 0;
        EXPECT_EQ(b.bus.read32(r::priority_reg(40).offset, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.bus.read32(r::window_bytes, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.bus.read32(r::ID.offset + 2, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        test::allow_warnings(false);
    });
    EXPECT_FALSE(b.irq.read());
}

TEST(intc, cpu_irq_follows_an_enabled_source_in_the_same_time_step) {
    bench b;
    test::run_thread([&] {
        b.enable({3});
        wait(sc_time(100, SC_NS) - sc_time_stamp());
        b.raise(3);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::LEVEL0), r::bit_of(3));
        EXPECT_EQ(b.rd(r::PENDING0), r::bit_of(3));
        wait(sc_time(250, SC_NS) - sc_time_stamp());
        b.raise(3, false);
        EXPECT_FALSE(b.irq.read());
        wait(sc_time(300, SC_NS) - sc_time_stamp());
        b.raise(3);
        wait(sc_time(400, SC_NS) - sc_time_stamp());
    });
    ASSERT_EQ(b.probe.edges().size(), 3u);
    EXPECT_EQ(b.probe.edges()[0].at, sc_time(100, SC_NS));
    EXPECT_EQ(b.probe.edges()[1].at, sc_time(250, SC_NS));
    EXPECT_FALSE(b.probe.edges()[1].level);
    EXPECT_EQ(b.probe.edges()[2].at, sc_time(300, SC_NS));
}

TEST(intc, claims_follow_priority_then_id_and_complete_rearms_high_lines) {
    bench b;
    test::run_thread([&] {
        b.wr(r::priority_reg(2), 1);
        b.wr(r::priority_reg(5), 3);
        b.wr(r::priority_reg(7), 3);
        b.enable({2, 5, 7});
        b.raise(2);
        b.raise(7);
        b.raise(5);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::CLAIM), 5u);  // priority 3, lower id than 7
        EXPECT_EQ(b.rd(r::IN_SERVICE0), r::bit_of(5));
        EXPECT_EQ(b.rd(r::PENDING0), r::bit_of(2) | r::bit_of(7));
        EXPECT_EQ(b.rd(r::CLAIM), 7u);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::CLAIM), 2u);
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq.read());  // all in service
        EXPECT_EQ(b.rd(r::CLAIM), 0u);

        // Line 7 dropped while in service: completing it leaves it idle.
        b.raise(7, false);
        b.wr(r::COMPLETE, 7);
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq.read());
        // Line 5 is still high: completing makes it pending again.
        b.wr(r::COMPLETE, 5);
        wait(SC_ZERO_TIME);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::PENDING0), r::bit_of(5));
        EXPECT_EQ(b.rd(r::CLAIM), 5u);
        b.wr(r::COMPLETE, 2);
        EXPECT_EQ(b.rd(r::CLAIM), 2u);
        EXPECT_EQ(b.rd(r::STATUS), 0u);
    });
    EXPECT_EQ(b.dut.claims(), 5u);
}

TEST(intc, masking_threshold_and_priority_zero_silence_sources) {
    bench b;
    test::run_thread([&] {
        b.raise(4);
        EXPECT_FALSE(b.irq.read());  // not enabled
        EXPECT_EQ(b.rd(r::PENDING0), r::bit_of(4));  // but visible
        EXPECT_EQ(b.rd(r::CLAIM), 0u);
        b.wr(r::priority_reg(4), 2);
        b.wr(r::THRESHOLD, 2);
        b.enable({4});
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq.read());  // priority must exceed the threshold
        EXPECT_EQ(b.rd(r::CLAIM), 0u);
        b.wr(r::THRESHOLD, 1);
        wait(SC_ZERO_TIME);
        EXPECT_TRUE(b.irq.read());
        b.wr(r::priority_reg(4), 0);
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq.read());
        b.wr(r::THRESHOLD, 0);
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq.read());  // priority 0 never interrupts
        b.wr(r::priority_reg(4), 1);
        wait(SC_ZERO_TIME);
        EXPECT_TRUE(b.irq.read());
        b.enable({});
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq.read());
    });
}

TEST(intc, a_line_dropped_before_its_claim_is_forgotten) {
    bench b;
    test::run_thread([&] {
        b.enable({1, 6});
        b.raise(6);
        EXPECT_TRUE(b.irq.read());
        b.raise(6, false);
        EXPECT_FALSE(b.irq.read());
        EXPECT_EQ(b.rd(r::PENDING0), 0u);
        EXPECT_EQ(b.rd(r::CLAIM), 0u);
        EXPECT_EQ(b.rd(r::IN_SERVICE0), 0u);
    });
    EXPECT_EQ(b.dut.claims(), 0u);
}

TEST(intc, completing_an_id_not_in_service_is_flagged_not_fatal) {
    bench b;
    test::run_thread([&] {
        b.enable({2});
        b.raise(2);
        test::allow_warnings(true);
        const int before = test::warnings_seen();
        b.wr(r::COMPLETE, 2);    // pending but not claimed
        b.wr(r::COMPLETE, 0);    // reserved id
        b.wr(r::COMPLETE, 200);  // beyond the controller
        test::allow_warnings(false);
        EXPECT_EQ(test::warnings_seen() - before, 3);
        EXPECT_EQ(b.rd(r::STATUS), r::STATUS_BAD_COMPLETE.mask());
        b.wr(r::STATUS, r::STATUS_BAD_COMPLETE.mask());
        EXPECT_EQ(b.rd(r::STATUS), 0u);
        // The bad completes changed nothing.
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::CLAIM), 2u);
        b.wr(r::COMPLETE, 2);
        EXPECT_EQ(b.rd(r::STATUS), 0u);
    });
}

TEST(intc, sixty_four_sources_use_the_second_bank) {
    intc_config cfg;
    cfg.sources = 64;
    clock_domain clk("soc", {{100e6, 0.9}}, 0, 0.9);
    intc dut("intc", clk, cfg);
    test::bus_master bus;
    sc_signal<bool> line("line"), irq("irq");
    bus.socket.bind(dut.target);
    dut.sources[63].bind(line);
    dut.cpu_irq.bind(irq);
    test::run_thread([&] {
        EXPECT_EQ(r::ID_SOURCES.get(bus.read32(r::ID.offset)), 64u);
        bus.write32_ok(r::ENABLE1.offset, 0xffffffff);
        EXPECT_EQ(bus.read32(r::ENABLE1.offset), 0xffffffffu);
        bus.write32_ok(r::priority_reg(63).offset, 7);
        line.write(true);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        EXPECT_TRUE(irq.read());
        EXPECT_EQ(bus.read32(r::PENDING1.offset), r::bit_of(63));
        EXPECT_EQ(bus.read32(r::CLAIM.offset), 63u);
        EXPECT_EQ(bus.read32(r::IN_SERVICE1.offset), r::bit_of(63));
    });
}

TEST(intc, config_is_parsed_strictly) {
    auto cfg = parse_intc_config(parse_config_text(R"({"sources": 48, "access_cycles": 2})",
                                                   "p.json"));
    EXPECT_EQ(cfg.sources, 48u);
    EXPECT_EQ(cfg.access_cycles, 2u);
    EXPECT_EQ(parse_intc_config(parse_config_text("{}", "p.json")).sources, 32u);
    EXPECT_THROW(parse_intc_config(parse_config_text(R"({"sources": 65})", "p.json")),
                 config_error);
    EXPECT_THROW(parse_intc_config(parse_config_text(R"({"sourses": 40})", "p.json")),
                 config_error);
}

// Any value at any offset, lines toggling: no crash, no hang, and the block
// still works once firmware reprograms it.
TEST(intc, random_register_writes_never_break_the_block) {
    bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        std::mt19937 rng(20261122);
        for (int i = 0; i < 3000; ++i) {
            const uint32_t off = rng() % (r::window_bytes + 64);
            uint32_t v = rng();
            switch (rng() % 8) {
            case 0: b.lines[1 + rng() % 7].write(rng() & 1); wait(SC_ZERO_TIME); break;
            case 1: b.bus.read32(off & ~3u, v); break;
            case 2: b.bus.read32(off, v); break;
            case 3: {
                uint64_t w = (uint64_t{rng()} << 32) | rng();
                b.bus.access(tlm::TLM_WRITE_COMMAND, off & ~7u, &w, 8);
                break;
            }
            case 4: b.bus.read32(r::CLAIM.offset, v); break;
            case 5: b.bus.write32(r::COMPLETE.offset, v % 40); break;
            default: b.bus.write32(off & ~3u, v); break;
            }
        }
        // Reprogram from scratch and use it.
        for (unsigned id = 1; id < 8; ++id)
            b.lines[id].write(false);
        wait(SC_ZERO_TIME);
        for (unsigned w = 0; w < r::words; ++w) {
            const uint32_t busy = b.rd(r::IN_SERVICE[w]);
            for (unsigned bit = 0; bit < 32; ++bit)
                if (busy & (1u << bit))
                    b.wr(r::COMPLETE, 32 * w + bit);
        }
        EXPECT_EQ(b.rd(r::IN_SERVICE0), 0u);
        b.wr(r::THRESHOLD, 0);
        b.wr(r::priority_reg(1), 1);
        b.enable({1});
        b.raise(1);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::CLAIM), 1u);
    });
}
