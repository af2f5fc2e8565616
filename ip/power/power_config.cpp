#include "ip/power/power_config.h"

namespace nnvp {

power_config parse_power_config(const config_node& node) {
    power_config c;
    c.slew_mv_per_us = node.number_in("slew_mv_per_us", 1e-3, 1e6, c.slew_mv_per_us);
    c.slew_step_mv = node.number_in("slew_step_mv", 0.1, 5000.0, c.slew_step_mv);
    c.pll_relock_us = node.number_in("pll_relock_us", 0.0, 1e6, c.pll_relock_us);
    c.transition_energy_uj = node.number_in("transition_energy_uj", 0.0, 1e6,
                                            c.transition_energy_uj);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, c.leakage_mw);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
