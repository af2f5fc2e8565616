// Power-management sections of report.json, built from the SoC after a run:
// the per-OPP energy model (power.energy_model) and the power-state,
// utilisation and thermal statistics (power.power_states). soc::power_stats()
// includes both.
#pragma once

#include <nlohmann/json.hpp>

namespace nnvp {

class soc;

// {domain: {ceff_pf, leakage_w_at_vnom, temperature_c, opps: [{mhz, mv,
// dynamic_w, leakage_w, power_w, cost_w, energy_per_cycle_j, dominated}],
// dominated: ["300MHz", ...]}} (ip/power/energy_model.h).
nlohmann::json power_energy_model(const soc& chip);

// {domain: {state_transitions, entries: {state: n}, transition_energy_j,
// contexts_lost, busy_cycles, idle_cycles, utilization}, thermal:
// {temperature_c, peak_c, cap_episodes}}.
nlohmann::json power_state_stats(const soc& chip);

}  // namespace nnvp
