// Test bench of the power controller: an always-on domain, a cpu domain and
// the default nncore domain (starting at 600 MHz / 0.70 V), a bus master, the
// IRQ line with a probe, and a tiny register block inside the nncore domain
// to observe stalls. Build it inside the TEST body, before run_thread().
#pragma once

#include "ip/common/energy_meter.h"
#include "ip/power/domain_config.h"
#include "ip/power/power_controller.h"
#include "arch/regs/power_regs.h"
#include "tests/support/sc_harness.h"

#include <memory>
#include <vector>

namespace nnvp::test {

namespace pr = power_regs;

// One RW register in a given domain: accesses stall while the domain is gated.
class tiny_block : public peripheral {
public:
    tiny_block(sc_core::sc_module_name name, clock_domain& clk) : peripheral(name, clk, 0x10) {
        m_regs.add(regs::rw("R", 0x0));
    }
};

inline std::unique_ptr<clock_domain> nncore_at(std::size_t initial) {
    domain_desc d;
    default_domain("nncore", d);
    d.initial = initial;
    return make_clock_domain(d);
}

struct domain_sample {
    sc_core::sc_time at;
    double freq_hz;
    double voltage;
    power_state state;
};

struct power_bench {
    static constexpr unsigned cpu = 0;
    static constexpr unsigned nn = 1;

    explicit power_bench(std::size_t nn_initial = 3, const power_config& cfg = {})
        : aon("aon", {{100e6, 0.9}}, 0, 0.9),
          cpu_dom("cpu", {{500e6, 0.8}, {1000e6, 0.9}}, 1, 0.9),
          nncore(nncore_at(nn_initial)),
          pc("pc", aon, {&cpu_dom, nncore.get()}, cfg),
          bus("bus"),
          nn_bus("nn_bus"),
          block("block", *nncore),
          irq("irq"),
          probe("probe") {
        bus.socket.bind(pc.target);
        nn_bus.socket.bind(block.target);
        pc.irq(irq);
        probe.in(irq);
        nncore->on_change([this] {
            trace.push_back({sc_core::sc_time_stamp(), nncore->freq_hz(), nncore->voltage(),
                             nncore->state()});
        });
    }

    static uint64_t at(unsigned d, const regs::reg_def& r) {
        return pr::domain_offset(d) + r.offset;
    }
    uint32_t rd(unsigned d, const regs::reg_def& r) { return bus.read32(at(d, r)); }
    void wr(unsigned d, const regs::reg_def& r, uint32_t v) { bus.write32_ok(at(d, r), v); }
    uint32_t rd(const regs::reg_def& r) { return bus.read32(r.offset); }
    void wr(const regs::reg_def& r, uint32_t v) { bus.write32_ok(r.offset, v); }
    // Waits until simulated time `t` (absolute).
    static void wait_until(const sc_core::sc_time& t) {
        ASSERT_GE(t, sc_core::sc_time_stamp()) << "the bench is already past " << t;
        sc_core::wait(t - sc_core::sc_time_stamp());
    }

    clock_domain aon;
    clock_domain cpu_dom;
    std::unique_ptr<clock_domain> nncore;
    power_controller pc;
    bus_master bus;
    bus_master nn_bus;
    tiny_block block;
    sc_core::sc_signal<bool> irq;
    irq_probe probe;
    std::vector<domain_sample> trace;
};

}  // namespace nnvp::test
