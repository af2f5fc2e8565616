// Parameters of the power controller, read from the platform config's "power"
// object: DVFS transitions, power-state costs, leakage model, thermal model,
// hardware governor and the per-OPP energy model. No SystemC here.
#pragma once

#include "ip/common/config_reader.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace nnvp {

// Entering a state costs entry_us and entry_uj; leaving it for ON costs
// exit_us and exit_uj (a transition between two low states leaves the first,
// then enters the second).
struct state_cost {
    double entry_us = 0;
    double exit_us = 0;
    double entry_uj = 0;
    double exit_uj = 0;
};

// The RC thermal model of the die: C dT/dt = P - (T - T_amb) / R, integrated
// exactly over steps of step_us at the power of the previous step. Above
// cap_c each domain listed in cap_opp runs at most at that OPP until the
// temperature falls below release_c.
struct thermal_config {
    bool enabled = false;
    double r_c_per_w = 20.0;   // junction-to-ambient resistance (degC/W), an assumption
    double c_j_per_c = 0.05;   // heat capacity (J/degC): tau = R C = 1 s
    double ambient_c = 25.0;
    double step_us = 1000.0;
    double cap_c = 85.0;
    double release_c = 80.0;
    std::map<std::string, unsigned> cap_opp;
};

// The autonomous (hardware) governor: every period_us, a domain of the mask
// whose utilisation over the period is above up_pct goes to its fastest OPP;
// below down_pct it steps one OPP down (ondemand's rule, in hardware).
struct hw_governor_config {
    bool enabled = false;
    std::vector<std::string> domains = {"nncore"};
    double period_us = 1000.0;
    unsigned up_pct = 80;
    unsigned down_pct = 30;
};

struct power_config {
    // Regulator slew rate. 12.5 mV/us is in the range of on-chip/PMIC buck
    // regulators' DVS ramps (e.g. 10..25 mV/us); an assumption, overridable.
    double slew_mv_per_us = 12.5;
    // The voltage is updated in steps of at most this many mV during a slew,
    // so simulation cost depends on the voltage swing, never on cycles.
    double slew_step_mv = 12.5;
    // PLL relock time; the domain's clock is gated while the PLL relocks.
    double pll_relock_us = 40.0;
    // Energy of one relock (PLL restart, clock tree re-enable). An assumption
    // (order of magnitude of a PLL's lock-time power x lock time), overridable.
    double transition_energy_uj = 1.0;
    // Leakage of the controller itself at its domain's nominal voltage.
    double leakage_mw = 0.05;

    // Power states, indexed by power_state (0 on, 1 idle, 2 retention, 3 off;
    // the ON entry is unused). Defaults are assumptions of the right order:
    // clock gating takes a few cycles; retention lowers the rail (a slew) and
    // isolates; power gating ramps a header switch slowly to limit in-rush
    // current, then resets the block.
    std::array<state_cost, 4> states{
        state_cost{}, state_cost{0.05, 0.05, 0.0005, 0.0005}, state_cost{5, 10, 0.5, 0.5},
        state_cost{10, 50, 2.0, 5.0}};
    // Domains that must stay ON (the CPU runs the firmware, "ref" hosts the
    // controller, the interrupt controller and the timer).
    std::vector<std::string> always_on = {"cpu", "ref"};
    // An access to a clock-gated (IDLE/RETENTION) block wakes its domain
    // (hardware wake-on-access) instead of stalling until firmware does.
    bool auto_wake = false;
    // Reset values of the domains' AUTO_IDLE registers: clock-gate the domain
    // after this many idle cycles (absent or 0: never). Only for domains whose
    // blocks report activity (the platform reports the NN core's): others
    // look idle all the time.
    std::map<std::string, uint32_t> auto_idle_cycles;
    // Leakage exponents applied to every domain (clock_domain.h); 0 and 0
    // keep leakage linear in V and independent of temperature.
    double leak_k_v_per_v = 0.0;
    double leak_k_t_per_c = 0.0;
    double leak_t_ref_c = 25.0;
    thermal_config thermal;
    hw_governor_config hw_governor;
    // Energy model: effective switched capacitance of each domain at full
    // activity (pF), P_dyn = Ceff V^2 f. Defaults: cpu 25 pJ/cycle at 0.9 V;
    // nncore 256 PEs x 4 INT8 MACs x ~0.25 pJ plus buffer traffic, ~0.3 nJ
    // per cycle at 0.9 V; fabric and dram: assumptions.
    std::map<std::string, double> ceff_pf = {
        {"cpu", 31.0}, {"fabric", 20.0}, {"nncore", 370.0}, {"dram", 60.0}, {"ref", 1.0}};
};

// Keys (all optional, defaults above): slew_mv_per_us, slew_step_mv,
// pll_relock_us, transition_energy_uj, leakage_mw,
// states {idle|retention|off: {entry_us, exit_us, entry_uj, exit_uj}},
// always_on [names], auto_wake, auto_idle_cycles {domain: cycles},
// leakage {k_v_per_v, k_t_per_c, t_ref_c},
// thermal {enabled, r_c_per_w, c_j_per_c, ambient_c, step_us, cap_c, release_c,
//          cap_opp {domain: index}},
// hw_governor {enabled, domains [names], period_us, up_pct, down_pct},
// ceff_pf {domain: pF}. Unknown keys are rejected.
power_config parse_power_config(const config_node& node);

}  // namespace nnvp
