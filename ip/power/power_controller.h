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
//
// Power states (power_states.cpp): STATE_REQ moves a domain between ON, IDLE
// (clock-gated), RETENTION and OFF through the same sequencer (so OPP and
// state transitions of one domain never overlap). Leaving a low state costs
// its exit latency and energy (the domain stays in the low state meanwhile),
// entering one its entry latency and energy (the domain stays ON meanwhile);
// a move between two low states passes through ON. Energies go to the
// "<domain>_dvfs" meter. Accesses to an IDLE/RETENTION block stall (or wake
// the domain when auto_wake is set); to an OFF block they fail with
// TLM_GENERIC_ERROR_RESPONSE and a warning (peripheral rule); OFF loses the
// blocks' state (clock_domain::contexts_lost(), CONTEXT_LOST; peripherals
// reset at power-up). Hardware-initiated moves (auto-idle, auto-wake, thermal
// cap, hardware governor) raise no interrupt.
//
// Autonomous parts (power_autonomous.cpp): the RC thermal model (temperature
// into every domain's leakage, OPP cap with hysteresis) and the hardware
// governor (HWGOV_*).
#pragma once

#include "ip/common/clock_domain.h"
#include "ip/common/energy_meter.h"
#include "ip/common/peripheral.h"
#include "ip/power/domain_config.h"
#include "ip/power/power_config.h"
#include "arch/regs/power_regs.h"

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

    // Power states and their statistics.
    uint64_t state_transitions(std::size_t d) const;
    // Entries into state st (power_regs::state) of domain d.
    uint64_t state_entries(std::size_t d, uint32_t st) const;
    // Seconds domain d spent in state st up to now.
    double state_residency_s(std::size_t d, uint32_t st) const;
    // Energy of domain d's transitions (relocks and state entries/exits), J.
    double transition_energy_j(std::size_t d) const;
    // The fastest OPP domain d may use now (thermal cap).
    std::size_t opp_max(std::size_t d) const;
    double temperature_c() const { return m_temp_c; }
    double peak_temperature_c() const { return m_peak_temp_c; }
    uint32_t thermal_episodes() const { return m_episodes; }
    // Requests the hardware itself issues (tests, platform): start a
    // transition of domain d unless one runs; false when one runs.
    bool request_state(std::size_t d, uint32_t st) { return start(d, kind_state, st, false); }

private:
    struct dom;
    enum request_kind { kind_opp, kind_state };

    void add_dvfs_behaviour(std::size_t d);
    void add_state_behaviour(std::size_t d);
    void add_global_behaviour();
    void load_hw_governor_config();
    void on_request(std::size_t d, uint32_t value, uint32_t before);
    void on_state_request(std::size_t d, uint32_t value);
    bool start(std::size_t d, request_kind kind, uint32_t value, bool from_firmware);
    void reject(std::size_t d, power_regs::error_code code, const std::string& why);
    void sequencer(std::size_t d);
    void run_opp(dom& s);
    void run_state(dom& s);
    void slew(dom& s, double to_v);
    void relock(dom& s, double to_hz);
    void complete(std::size_t d);
    void follow_up(std::size_t d);
    void wake(std::size_t d);
    void auto_idle(std::size_t d);
    void thermal_thread();
    void hw_governor_thread();
    void apply_cap(bool capped);
    void settle_residency(dom& s);
    uint32_t status_of(const dom& s) const;
    uint64_t energy_nj(dom& s) const;
    uint64_t residency_ns(const dom& s, uint32_t st) const;
    double total_energy_j() const;

    power_config m_cfg;
    std::unique_ptr<energy_meter> m_meter;
    std::vector<std::unique_ptr<dom>> m_doms;
    sc_core::sc_event m_done_event;
    clock_domain& m_aon;
    double m_temp_c = 25.0;
    double m_peak_temp_c = 25.0;
    bool m_capped = false;
    uint32_t m_episodes = 0;
    sc_core::sc_event m_hwgov_changed;
    std::vector<uint64_t> m_hwgov_busy, m_hwgov_clocked;  // per domain, at the last period
};

}  // namespace nnvp
