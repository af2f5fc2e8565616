// The interrupt-output helper and its one timing rule, on a small block with
// STATUS (W1C) and ENABLE registers: a register access moves the line at its
// access time (decoupling offset included), anything else at the current
// time, one delta after the cause; input lines are followed at once.
#include "ip/common/bus_access.h"
#include "ip/common/peripheral.h"
#include "tests/support/sc_harness.h"

#include <tlm_utils/simple_initiator_socket.h>

using namespace nnvp;
using namespace sc_core;

namespace {

constexpr regs::reg_def STATUS = regs::w1c("STATUS", 0x0);
constexpr regs::reg_def ENABLE = regs::rw("ENABLE", 0x4);
constexpr std::array<regs::reg_def, 2> block_regs{STATUS, ENABLE};

// irq = STATUS & ENABLE, or the input line when `gate` is bound high.
struct irq_block : peripheral {
    sc_out<bool> irq{"irq"};
    sc_in<bool> gate{"gate"};

    irq_block(sc_module_name name, clock_domain& clk) : peripheral(name, clk, 0x10) {
        m_regs.add_all(block_regs);
        m_regs.on_write(STATUS, [this](uint32_t, uint32_t) { update_irq(); });
        m_regs.on_write(ENABLE, [this](uint32_t, uint32_t) { update_irq(); });
        add_irq(
            irq,
            [this] { return (m_regs.get(STATUS) & m_regs.get(ENABLE)) != 0 || gate.read(); },
            {&gate});
    }
    // An event of the block's own (a thread or method of it): no access.
    void latch(uint32_t bits) {
        m_regs.set(STATUS, m_regs.get(STATUS) | bits);
        update_irq();
    }
};

struct master : sc_module {
    tlm_utils::simple_initiator_socket<master> socket{"socket"};
    explicit master(sc_module_name name) : sc_module(name) {}
    // A write `offset` ahead of simulated time, as a decoupled CPU issues it;
    // the master does not wait (it keeps its local time).
    void write_ahead(const regs::reg_def& r, uint32_t value, const sc_time& offset) {
        sc_time delay = offset;
        EXPECT_TRUE(bus_access(socket, tlm::TLM_WRITE_COMMAND, r.offset, &value, 4, delay).ok());
    }
};

struct bench {
    clock_domain clk{"clk", {{1e9, 0.9}}, 0, 0.9};
    irq_block block{"block", clk};
    master cpu{"cpu"};
    sc_signal<bool> line{"line"};
    sc_signal<bool> gate{"gate"};
    test::irq_probe probe{"probe"};
    bench() {
        cpu.socket.bind(block.target);
        block.irq(line);
        block.gate(gate);
        probe.in(line);
    }
};

const sc_time ns(double n) { return sc_time(n, SC_NS); }

}  // namespace

TEST(irq_output, a_register_access_moves_the_line_at_its_access_time) {
    bench b;
    test::run_thread([&] {
        wait(ns(100));
        b.block.latch(0x1);  // pending but not enabled
        wait(ns(100));
        b.cpu.write_ahead(ENABLE, 0x1, ns(30));  // at 230 ns in the CPU's time
        wait(ns(100));
        b.cpu.write_ahead(STATUS, 0x1, ns(45));  // cleared at 345 ns
        wait(ns(100));
    });
    ASSERT_EQ(b.probe.edges().size(), 2u);
    EXPECT_EQ(b.probe.edges()[0].at, ns(230));
    EXPECT_TRUE(b.probe.edges()[0].level);
    EXPECT_EQ(b.probe.edges()[1].at, ns(345));
    EXPECT_FALSE(b.probe.edges()[1].level);
}

TEST(irq_output, a_blocks_own_event_moves_the_line_now_one_delta_later) {
    bench b;
    test::run_thread([&] {
        b.cpu.write_ahead(ENABLE, 0x2, SC_ZERO_TIME);
        wait(ns(50));
        b.block.latch(0x2);
        EXPECT_FALSE(b.line.read()) << "the line follows a delta after the cause";
        wait(SC_ZERO_TIME);  // the helper's method writes the port
        wait(SC_ZERO_TIME);  // the signal updates
        EXPECT_TRUE(b.line.read());
        EXPECT_EQ(sc_time_stamp(), ns(50));
    });
    ASSERT_EQ(b.probe.edges().size(), 1u);
    EXPECT_EQ(b.probe.edges()[0].at, ns(50));
}

TEST(irq_output, input_lines_are_followed_in_the_same_time_step) {
    bench b;
    test::run_thread([&] {
        EXPECT_FALSE(b.line.read()) << "driven from time 0";
        wait(ns(70));
        b.gate.write(true);
        wait(ns(10));
        b.gate.write(false);
        wait(ns(10));
    });
    ASSERT_EQ(b.probe.edges().size(), 2u);
    EXPECT_EQ(b.probe.edges()[0].at, ns(70));
    EXPECT_EQ(b.probe.edges()[1].at, ns(80));
}
