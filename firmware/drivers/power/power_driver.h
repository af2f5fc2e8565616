// Firmware driver of the power controller (DVFS). Built on the HAL and the
// register header only; owns no timing (waits go through the HAL).
//
// Domains are addressed by index, in the order the platform passes them to
// the controller (the platform's order is cpu, fabric, nncore, dram, ref);
// find_domain() looks one up by the NAME register (first four characters).
//
// Completion: after enable_interrupts(true) the driver expects on_irq() to be
// attached to the interrupt controller's line of the power controller and
// waits with hal::wait_irq(); otherwise it polls STATUS.BUSY every
// poll_interval_ns (hal::delay_ns).
#pragma once

#include "arch/hal/hal.h"

#include <cstdint>
#include <string>

namespace nnvp::fw {

enum class power_status : uint8_t {
    ok = 0,
    bus_error,   // an MMIO access failed
    bad_domain,  // domain index >= the controller's domain count
    bad_index,   // OPP index >= OPP_COUNT (checked before the request, or by the hardware)
    busy,        // the domain is already in a transition (requests are rejected, not queued)
    timeout,     // the transition did not complete in time
    not_found,   // find_domain(): no domain of that name
    bad_device,  // ID magic does not match a power controller
    bad_state,   // a power state beyond off
    not_allowed, // a low power state for an always-on domain
};

// Power states, the values of STATE_REQ / STATE_CUR.
enum class pstate : uint32_t { on = 0, idle = 1, retention = 2, off = 3 };
const char* to_string(pstate s);

// One read of a domain's telemetry (power_driver::telemetry()).
struct domain_telemetry {
    uint32_t opp = 0;        // OPP_CUR
    uint32_t opp_max = 0;    // thermal cap
    pstate state = pstate::on;
    bool busy = false;       // a transition runs
    uint64_t busy_cycles = 0;
    uint64_t idle_cycles = 0;
    uint64_t energy_nj = 0;
    uint32_t context_lost = 0;
};

// Utilisation between two telemetry reads: busy / (busy + idle) cycles, 0
// when the domain was not clocked at all.
double utilisation(const domain_telemetry& before, const domain_telemetry& after);
const char* to_string(power_status s);

struct opp_info {
    uint32_t freq_khz;
    uint32_t volt_mv;
};

class power_driver {
public:
    power_driver(hal& h, uint64_t base);

    // Reads ID and checks the magic; caches the domain count.
    power_status probe();
    power_status domain_count(uint32_t& n);
    power_status domain_name(unsigned domain, std::string& name);
    // Index of the domain whose NAME matches the first four characters of `name`.
    power_status find_domain(const std::string& name, unsigned& domain);

    power_status opp_count(unsigned domain, uint32_t& n);
    power_status opp(unsigned domain, unsigned index, opp_info& out);
    power_status current_opp(unsigned domain, uint32_t& index);
    // Live frequency/voltage (they move during a transition).
    power_status current_point(unsigned domain, uint32_t& freq_mhz, uint32_t& volt_mv);
    power_status is_busy(unsigned domain, bool& busy);

    // Starts a transition; returns at once (busy / bad_index without a write
    // when the driver can tell beforehand, or as the hardware reports it).
    power_status request_opp(unsigned domain, unsigned index);
    // Waits for the domain's transition to complete; timeout_ns == 0: no bound.
    power_status wait_done(unsigned domain, uint64_t timeout_ns);
    // request_opp + wait_done.
    power_status set_opp(unsigned domain, unsigned index, uint64_t timeout_ns);

    // The domain's energy in nanojoules (one 64-bit read: LO latches HI).
    power_status energy_nj(unsigned domain, uint64_t& nj);
    power_status transitions(unsigned domain, uint32_t& count);

    // ---- power states (power_driver_states.cpp) --------------------------------
    // Starts a power-state transition (hardware rejections map to busy,
    // bad_state, not_allowed).
    power_status request_state(unsigned domain, pstate st);
    // Waits for the domain's state transition (done interrupt or STATUS.BUSY).
    power_status wait_state_done(unsigned domain, uint64_t timeout_ns);
    // request_state + wait_state_done.
    power_status set_state(unsigned domain, pstate st, uint64_t timeout_ns);
    power_status current_state(unsigned domain, pstate& st);
    power_status state_transitions(unsigned domain, uint32_t& count);
    // Nanoseconds the domain spent in `st` (64-bit read).
    power_status residency_ns(unsigned domain, pstate st, uint64_t& ns);
    power_status cycles(unsigned domain, uint64_t& busy, uint64_t& idle);
    // Times the domain lost its state (entered OFF).
    power_status context_lost(unsigned domain, uint32_t& count);
    power_status transition_energy_nj(unsigned domain, uint32_t& nj);
    power_status opp_max(unsigned domain, uint32_t& index);
    // Hardware auto-idle after `cycles` idle cycles (0: off).
    power_status set_auto_idle(unsigned domain, uint32_t cycles);
    power_status telemetry(unsigned domain, domain_telemetry& out);

    // ---- temperature and the hardware governor -------------------------------
    power_status temperature_mc(int32_t& milli_c);
    power_status thermal(bool& capped, uint32_t& episodes);
    // Hands the domains of `domain_mask` (bit d = domain d) to the hardware
    // governor (enable) or takes them back (!enable).
    power_status hw_governor(bool enable, uint32_t domain_mask, uint32_t period_us,
                             uint32_t up_pct, uint32_t down_pct);

    // Enables the done interrupts of every domain and the error interrupt
    // (true) or masks them all and falls back to polling (false).
    power_status enable_interrupts(bool on);
    // Interrupt handler: acknowledges IRQ_STATUS and records what completed.
    void on_irq();
    // Rejected requests reported by the error interrupt since construction.
    uint32_t error_irqs() const { return m_error_irqs; }

    void set_poll_interval_ns(uint64_t ns) { m_poll_ns = ns == 0 ? 1 : ns; }

private:
    uint64_t global(uint32_t offset) const { return m_base + offset; }
    uint64_t reg(unsigned domain, uint32_t offset) const;
    power_status check_domain(unsigned domain);
    power_status rd(uint64_t addr, uint32_t& v);
    power_status wr(uint64_t addr, uint32_t v);
    power_status rd64(uint64_t addr, uint64_t& v);
    power_status wait_bit(unsigned domain, uint32_t bit, uint64_t timeout_ns);
    power_status error_of_status(uint32_t status) const;

    hal& m_hal;
    uint64_t m_base;
    int m_domains = -1;  // cached from ID
    bool m_use_irq = false;
    uint32_t m_done = 0;  // done bits seen by on_irq() not yet consumed
    uint32_t m_error_irqs = 0;
    uint64_t m_poll_ns = 1000;
};

}  // namespace nnvp::fw
