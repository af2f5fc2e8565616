// One generic check of every block's register list (arch/regs/<block>_regs.h)
// against the real model, through bus accesses: the model's bank holds
// exactly the listed registers (built from the list), every register
// decodes, reads its reset value, honours its access kind (RO ignores
// writes, W1C clears the ones written, WO reads 0, RW keeps the write_mask
// bits), warns once for a write the declaration ignores (to a RO register,
// setting reserved bits) and never for a legal one, and reads its reset
// value again after reset().
//
// The exceptions are by register name, per block, and few:
//   derived  - the value is not storage: set from the instance's
//              configuration or computed from time or state when read
//              (its reset value and read-back are not compared; a write must
//              still leave the stored value of a RO register alone);
//   commands - a write starts something (a DMA run, a stream, a transition)
//              or has a documented side effect on the value: not written.
#include "arch/regs/dma_regs.h"
#include "arch/regs/intc_regs.h"
#include "arch/regs/nncore_regs.h"
#include "arch/regs/power_regs.h"
#include "arch/regs/timer_regs.h"
#include "ip/dma/dma.h"
#include "ip/intc/intc.h"
#include "ip/nncore/nncore.h"
#include "ip/power/power_controller.h"
#include "ip/timer/timer.h"
#include "tests/support/sc_harness.h"

#include <tlm_utils/simple_target_socket.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace nnvp;
using namespace sc_core;

namespace {

// The real model with its bank in reach of the test (peripheral::m_regs is
// protected): the test reads the bank's registers and, for W1C registers,
// latches bits the way the hardware does.
template <class Model>
struct exposed : Model {
    using Model::Model;
    register_bank& bank() { return this->m_regs; }
};

struct exceptions {
    std::set<std::string> derived;
    std::set<std::string> commands;
};

// Every register of one instance, at its offset in the window.
using reg_list = std::vector<regs::reg_def>;

template <std::size_t N>
void append(reg_list& out, const std::array<regs::reg_def, N>& list, uint32_t base = 0) {
    for (const regs::reg_def& r : list)
        out.push_back(r.at(base));
}

// Answers every access with an address error: the far end of a master's
// socket the check never uses.
struct null_target : sc_module {
    tlm_utils::simple_target_socket<null_target> socket{"socket"};
    explicit null_target(sc_module_name name) : sc_module(name) {
        socket.register_b_transport(this, &null_target::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_time&) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
};

void expect_reset_values(test::bus_master& bus, const reg_list& list, const exceptions& ex) {
    for (const regs::reg_def& r : list) {
        uint32_t v = 0;
        ASSERT_EQ(bus.read32(r.offset, v), tlm::TLM_OK_RESPONSE) << r.name << " does not decode";
        if (!ex.derived.count(r.name)) {
            EXPECT_EQ(v, r.kind == regs::access::wo ? 0u : r.reset) << r.name;
        }
    }
}

// `write` made exactly `expected` warnings (a write the declaration says is
// ignored warns; a legal one never does).
void expect_warnings(const std::function<void()>& write, int expected, const char* what) {
    EXPECT_EQ(test::warnings_during(write), expected) << what;
}

void expect_access_kind(test::bus_master& bus, register_bank& bank, const regs::reg_def& r,
                        const exceptions& ex) {
    SCOPED_TRACE(r.name);
    const bool derived = ex.derived.count(r.name) != 0;
    switch (r.kind) {
        case regs::access::ro: {
            const uint32_t stored = bank.get(r);
            const uint32_t before = bus.read32(r.offset);
            expect_warnings([&] { bus.write32_ok(r.offset, ~before); }, 1,
                            "a write to a read-only register warns");
            EXPECT_EQ(bank.get(r), stored) << "a write changed a read-only register";
            if (!derived) {
                EXPECT_EQ(bus.read32(r.offset), before);
            }
            break;
        }
        case regs::access::wo:
            expect_warnings([&] { bus.write32_ok(r.offset, r.write_mask); }, 0, "legal write");
            EXPECT_EQ(bus.read32(r.offset), 0u) << "a write-only register reads 0";
            break;
        case regs::access::rw: {
            const uint32_t before = bus.read32(r.offset);
            // Every writable bit flipped, the reserved ones written as read.
            const uint32_t flipped = (before & ~r.write_mask) | (~before & r.write_mask);
            expect_warnings([&] { bus.write32_ok(r.offset, flipped); }, 0, "legal write");
            if (!derived) {
                EXPECT_EQ(bus.read32(r.offset), flipped);
            }
            bus.write32_ok(r.offset, before);
            if (!derived) {
                EXPECT_EQ(bus.read32(r.offset), before);
            }
            const uint32_t reserved = ~r.write_mask & ~bank.get(r);
            if (reserved != 0) {
                expect_warnings([&] { bus.write32_ok(r.offset, before | reserved); }, 1,
                                "setting reserved bits warns");
                if (!derived) {
                    EXPECT_EQ(bus.read32(r.offset), before) << "reserved bits were stored";
                }
            }
            break;
        }
        case regs::access::w1c:
            expect_warnings([&] { bus.write32_ok(r.offset, r.write_mask); }, 0, "legal write");
            EXPECT_EQ(bus.read32(r.offset), 0u) << "writing ones never sets a W1C bit";
            bank.set(r, r.write_mask);  // the hardware latches events
            EXPECT_EQ(bus.read32(r.offset), r.write_mask);
            bus.write32_ok(r.offset, r.write_mask);
            EXPECT_EQ(bus.read32(r.offset), 0u) << "writing ones clears them";
            if (r.write_mask != 0xffffffffu) {
                expect_warnings([&] { bus.write32_ok(r.offset, ~r.write_mask); }, 1,
                                "setting reserved bits warns");
            }
            break;
    }
}

// The whole check on one instance; `reset` is the model's reset().
void check_map(test::bus_master& bus, register_bank& bank, const reg_list& list,
               const exceptions& ex, const std::function<void()>& reset) {
    EXPECT_EQ(bank.size(), list.size()) << "the bank is not the register list";
    for (const regs::reg_def& r : list) {
        const regs::reg_def* in_bank = bank.find(r.offset);
        ASSERT_NE(in_bank, nullptr) << r.name;
        EXPECT_STREQ(in_bank->name, r.name);
        EXPECT_EQ(in_bank->kind, r.kind) << r.name;
        EXPECT_EQ(in_bank->reset, r.reset) << r.name;
        EXPECT_EQ(in_bank->write_mask, r.write_mask) << r.name;
    }
    expect_reset_values(bus, list, ex);
    for (const regs::reg_def& r : list)
        if (!ex.commands.count(r.name))
            expect_access_kind(bus, bank, r, ex);
    reset();
    expect_reset_values(bus, list, ex);
}

}  // namespace

// A maximal DMA instance (16 channels), so every IRQ bit is writable.
TEST(register_map, dma) {
    clock_domain clk{"fabric", {{1e9, 0.9}}, 0, 0.9};
    dma_config cfg;
    cfg.channels = dma_regs::max_channels;
    exposed<dma> dut("dma", clk, cfg);
    null_target mem("mem");
    test::bus_master bus;
    sc_signal<bool> irq{"irq"};
    dut.initiator.bind(mem.socket);
    bus.socket.bind(dut.target);
    dut.irq(irq);
    reg_list list;
    append(list, dma_regs::global_regs);
    for (unsigned ch = 0; ch < dma_regs::max_channels; ++ch)
        append(list, dma_regs::channel_regs, dma_regs::channel_offset(ch));
    // CONFIG, MAX_DESC: the instance; CTRL.START starts a run.
    const exceptions ex{{"CONFIG", "MAX_DESC"}, {"CTRL"}};
    test::run_thread([&] { check_map(bus, dut.bank(), list, ex, [&] { dut.reset(); }); });
}

// A maximal interrupt controller (64 sources), every source line unbound.
TEST(register_map, intc) {
    clock_domain clk{"soc", {{100e6, 0.9}}, 0, 0.9};
    intc_config cfg;
    cfg.sources = intc_regs::max_sources;
    exposed<intc> dut("intc", clk, cfg);
    test::bus_master bus;
    sc_signal<bool> irq{"cpu_irq"};
    bus.socket.bind(dut.target);
    dut.cpu_irq.bind(irq);
    reg_list list;
    append(list, intc_regs::global_regs);
    for (uint32_t id = 1; id < intc_regs::max_sources; ++id)
        append(list, intc_regs::source_regs, intc_regs::source_offset(id));
    // ID: the instance's parameters. COMPLETE of an id not in service sets
    // STATUS.BAD_COMPLETE (and warns).
    const exceptions ex{{"ID"}, {"COMPLETE"}};
    test::run_thread([&] { check_map(bus, dut.bank(), list, ex, [&] { dut.reset(); }); });
}

TEST(register_map, timer) {
    clock_domain clk{"ref", {{100e6, 0.9}}, 0, 0.9};
    exposed<timer> dut("timer", clk);
    test::bus_master bus;
    sc_signal<bool> irq{"irq"};
    bus.socket.bind(dut.target);
    dut.irq(irq);
    reg_list list;
    append(list, timer_regs::global_regs);
    for (uint32_t ch = 0; ch < timer_regs::channels; ++ch)
        append(list, timer_regs::channel_regs, timer_regs::channel_offset(ch));
    // ID, FREQ: the instance; COUNT_LO: time; CMP_LO reads the live compare,
    // not the staged half. CTRL.RESET_COUNT reads 0; CH_CTRL.ENABLE arms the
    // channel's compare.
    const exceptions ex{{"ID", "FREQ", "COUNT_LO", "CMP_LO"}, {"CTRL", "CH_CTRL"}};
    test::run_thread([&] { check_map(bus, dut.bank(), list, ex, [&] { dut.reset(); }); });
}

// A maximal power controller (16 domains; none named in the default
// hardware-governor configuration, so HWGOV_CTRL resets to its listed 0).
TEST(register_map, power) {
    clock_domain aon{"aon", {{100e6, 0.9}}, 0, 0.9};
    std::vector<std::unique_ptr<clock_domain>> doms;
    std::vector<clock_domain*> controlled;
    for (uint32_t d = 0; d < power_regs::max_domains; ++d) {
        doms.push_back(std::make_unique<clock_domain>(
            "d" + std::to_string(d), std::vector<operating_point>{{500e6, 0.8}, {1e9, 0.9}}, 0,
            0.9));
        controlled.push_back(doms.back().get());
    }
    exposed<power_controller> dut("power", aon, controlled);
    test::bus_master bus;
    sc_signal<bool> irq{"irq"};
    bus.socket.bind(dut.target);
    dut.irq(irq);
    reg_list list;
    append(list, power_regs::global_regs);
    for (uint32_t d = 0; d < power_regs::max_domains; ++d)
        append(list, power_regs::domain_regs, power_regs::domain_offset(d));
    // The domain's description (name, OPP table, the operating point now)
    // and the telemetry that runs with time (temperature, residency in ON,
    // idle cycles) are computed when read. OPP_REQ and STATE_REQ start
    // transitions.
    const exceptions ex{{"ID", "TEMP_MC", "NAME", "OPP_COUNT", "FREQ_MHZ", "VOLT_MV",
                         "OPP_FREQ_KHZ", "OPP_VOLT_MV", "OPP_MAX", "RES_ON_LO", "IDLE_CYC_LO"},
                        {"OPP_REQ", "STATE_REQ"}};
    test::run_thread([&] { check_map(bus, dut.bank(), list, ex, [&] { dut.reset(); }); });
}

TEST(register_map, nncore) {
    clock_domain clk{"nncore", {{1e9, 0.9}}, 0, 0.9};
    clock_domain fabric{"fabric", {{1e9, 0.9}}, 0, 0.9};
    dma engine("dma", fabric);
    nncore_config cfg;
    exposed<nncore::core> dut("nncore", clk, cfg, 0x40002000u, 0x20000000u);
    null_target bus_end("bus_end"), dma_end("dma_end");
    test::bus_master bus, buffer_master("buffer_master"), dma_master("dma_master");
    sc_signal<bool> irq{"irq"}, dma_irq{"dma_irq"};
    dut.initiator.bind(bus_end.socket);
    engine.initiator.bind(dma_end.socket);
    bus.socket.bind(dut.target);
    buffer_master.socket.bind(dut.buffer);
    dma_master.socket.bind(engine.target);
    dut.irq(irq);
    dut.dma_channels.bind(engine);
    engine.irq(dma_irq);
    reg_list list;
    append(list, nncore_regs::control_regs);
    for (uint32_t c = 0; c < static_cast<uint32_t>(nncore_regs::counter::count); ++c)
        append(list, nncore_regs::counter_regs,
               nncore_regs::counter_offset(static_cast<nncore_regs::counter>(c)));
    // The array, buffers and command version are the instance's; DOORBELL
    // starts a stream.
    const exceptions ex{
        {"ARRAY", "PRECISIONS", "INPUT_KB", "WEIGHT_KB", "OUTPUT_KB", "CMD_VERSION"},
        {"DOORBELL"}};
    test::run_thread([&] { check_map(bus, dut.bank(), list, ex, [&] { dut.reset(); }); });
}
