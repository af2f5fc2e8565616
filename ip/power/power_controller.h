// Power controller (DVFS): moves each controlled clock/voltage domain between
// the operating points of its table on firmware request, sequenced as real
// DVFS hardware does, and exposes per-domain energy counters.
//
// Transition sequencing (voltage must never be too low for the frequency the
// logic runs at; Burd & Brodersen, "Design issues for dynamic voltage
// scaling", ISLPED 2000; ARM IEM / Intel EIST work the same way):
//   going up:   slew the voltage up, then relock the PLL at the new frequency;
//   going down: relock the PLL at the lower frequency, then slew the voltage
//               down;
//   same voltage: relock only; same operating point: done at once.
// Slew time = |dV| / slew_mv_per_us; the voltage moves in equal steps of at
// most slew_step_mv, each step's level applied at the end of the step (a
// staircase: energy integrates within one step of the true ramp, and the cost
// is bounded by the swing, not by cycles). During the relock (pll_relock_us)
// the domain's power_state is set to idle so every block in it stalls its
// accesses (peripheral rule), then back to on with the new frequency; a domain
// not on at the relock keeps its state. Each relock adds transition_energy_uj
// to a per-domain meter ("<ctrl>.<domain>_dvfs") attached to the domain, so
// the domain's ENERGY counter includes it.
//
// Requests: a write to OPP_REQ takes effect at the access time (including the
// initiator's temporal-decoupling offset). An index beyond OPP_COUNT, or any
// request while the domain is BUSY, is rejected (not queued): STATUS.ERROR +
// ERR_CODE, IRQ_STATUS.ERROR, and a warning. Completion sets the domain's
// IRQ_STATUS bit at the exact completion time. Domains transition
// independently (one sequencer thread each).
#pragma once

#include "ip/common/clock_domain.h"
#include "ip/common/energy_meter.h"
#include "ip/common/peripheral.h"
#include "ip/power/domain_config.h"
#include "ip/power/power_config.h"

#include <systemc>

#include <cstdint>
#include <memory>
#include <vector>

namespace nnvp {

// The clock_domain a parsed domain description stands for (MHz/mV converted
// to Hz/V). A description not made by parse_domain()/default_domain() may
// throw std::invalid_argument (bad table or initial index).
std::unique_ptr<clock_domain> make_clock_domain(const domain_desc& desc);

class power_controller : public peripheral {
public:
    sc_core::sc_out<bool> irq;

    // `always_on`: the controller's own domain (registers, leakage).
    // `domains`: the controlled domains in register-block order (at most
    // power_regs::max_domains, each with at most 256 operating points);
    // std::invalid_argument otherwise (a platform bug, not guest input).
    power_controller(sc_core::sc_module_name name, clock_domain& always_on,
                     std::vector<clock_domain*> domains, const power_config& cfg = {});
    ~power_controller() override;

    void reset() override;

    std::size_t domain_count() const { return m_doms.size(); }
    clock_domain& domain(std::size_t d) const;
    bool busy(std::size_t d) const;
    // The operating point domain d last settled at.
    std::size_t current_opp(std::size_t d) const;
    uint64_t transitions(std::size_t d) const;
    // Total energy of domain d now (the sum of every meter attached to it).
    double domain_energy_j(std::size_t d) const;
    // The controller's own leakage meter (in the always-on domain).
    energy_meter& meter() { return *m_meter; }
    const power_config& config() const { return m_cfg; }
    // Notified at the completion of every transition of any domain.
    const sc_core::sc_event& transition_done_event() const { return m_done_event; }

private:
    struct dom;

    void add_registers(std::size_t d);
    void on_request(std::size_t d, uint32_t value, uint32_t before);
    void reject(std::size_t d, uint32_t code, const std::string& why);
    void sequencer(std::size_t d);
    void slew(dom& s, double to_v);
    void relock(dom& s, double to_hz);
    void complete(std::size_t d);
    uint32_t status_of(const dom& s) const;
    uint64_t energy_nj(dom& s) const;
    void update_irq();
    void drive_irq();

    power_config m_cfg;
    std::unique_ptr<energy_meter> m_meter;
    std::vector<std::unique_ptr<dom>> m_doms;
    sc_core::sc_event m_done_event;
    // The line is written by one process only (sc_signal allows one writer),
    // while register accesses and the sequencers both change the status.
    sc_core::sc_event m_irq_event;
    bool m_irq_level = false;
};

}  // namespace nnvp
