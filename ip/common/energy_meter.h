// Energy of one component: dynamic energy from activity, scaled by
// (V/Vnom)^2 at the moment of the activity, plus leakage integrated over time
// (nominal leakage x the domain's leakage_scale() -- V/Vnom, times exponentials
// in V and temperature when configured -- x the power state's leakage factor).
#pragma once

#include "ip/common/clock_domain.h"

#include <systemc>

#include <string>

namespace nnvp {

struct leakage_factors {
    double on = 1.0;
    double idle = 1.0;        // clock-gated: no clock power, full leakage
    double retention = 0.1;   // reduced supply keeps state
    double off = 0.0;         // power-gated
    double of(power_state s) const;
};

class energy_meter {
public:
    energy_meter(std::string component, clock_domain& domain, double leakage_w_at_vnom,
                 leakage_factors factors = {});
    energy_meter(const energy_meter&) = delete;
    energy_meter& operator=(const energy_meter&) = delete;

    const std::string& component() const { return m_component; }
    clock_domain& domain() const { return m_domain; }

    // Activity energy specified at the domain's nominal voltage.
    void add_dynamic(double joules_at_vnom);
    // Energy already in real joules (e.g. a transition's cost), not rescaled.
    void add_fixed(double joules) { m_fixed_j += joules; }
    // Activity that accrues with every cycle of the domain's clock from now
    // on (a CPU executing), `joules_at_vnom` per cycle, scaled like
    // add_dynamic; 0 stops it. It reaches dynamic_j() as time passes, so a
    // power plot sees a busy CPU's power, not a lump when it next sleeps.
    void set_running(double joules_at_vnom_per_cycle);

    double dynamic_j() const { return m_dynamic_j + running_j(); }
    double fixed_j() const { return m_fixed_j; }
    double leakage_j() const;  // integrated up to the current simulation time
    double total_j() const { return dynamic_j() + m_fixed_j + leakage_j(); }
    double leakage_power_w() const;  // at the present voltage, temperature and state
    double leakage_w_at_vnom() const { return m_leak_w_vnom; }
    const leakage_factors& factors() const { return m_factors; }

    // Folds leakage and running activity up to now into the sums; the
    // domain calls this before every change of voltage, frequency or state.
    void settle();

private:
    double running_j() const;  // accrued since the last settle

    std::string m_component;
    clock_domain& m_domain;
    double m_leak_w_vnom;
    leakage_factors m_factors;
    double m_dynamic_j = 0.0;
    double m_fixed_j = 0.0;
    double m_leak_j = 0.0;
    sc_core::sc_time m_settled_at = sc_core::SC_ZERO_TIME;
    double m_running_j_per_cycle = 0.0;
    sc_core::sc_time m_running_since = sc_core::SC_ZERO_TIME;
};

}  // namespace nnvp
