// Parameters of the power controller's transition model, read from the
// platform config's "power" object.
#pragma once

#include "ip/common/config_reader.h"

namespace nnvp {

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
};

// Keys (all optional, defaults above): slew_mv_per_us, slew_step_mv,
// pll_relock_us, transition_energy_uj, leakage_mw. Unknown keys are rejected.
power_config parse_power_config(const config_node& node);

}  // namespace nnvp
