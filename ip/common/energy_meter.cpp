#include "ip/common/energy_meter.h"

namespace nnvp {

double leakage_factors::of(power_state s) const {
    switch (s) {
    case power_state::on: return on;
    case power_state::idle: return idle;
    case power_state::retention: return retention;
    case power_state::off: return off;
    }
    return on;
}

energy_meter::energy_meter(std::string component, clock_domain& domain, double leakage_w_at_vnom,
                           leakage_factors factors)
    : m_component(std::move(component)), m_domain(domain), m_leak_w_vnom(leakage_w_at_vnom),
      m_factors(factors) {
    m_settled_at = sc_core::sc_time_stamp();
    m_domain.attach(this);
}

void energy_meter::add_dynamic(double joules_at_vnom) {
    const double ratio = m_domain.voltage() / m_domain.v_nominal();
    m_dynamic_j += joules_at_vnom * ratio * ratio;
}

double energy_meter::leakage_power_w() const {
    return m_leak_w_vnom * m_domain.leakage_scale() * m_factors.of(m_domain.state());
}

double energy_meter::leakage_j() const {
    const double dt = (sc_core::sc_time_stamp() - m_settled_at).to_seconds();
    return m_leak_j + leakage_power_w() * dt;
}

double energy_meter::running_j() const {
    if (m_running_j_per_cycle == 0.0)
        return 0.0;
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (now <= m_running_since)
        return 0.0;
    const double ratio = m_domain.voltage() / m_domain.v_nominal();
    return static_cast<double>(m_domain.cycles_in(now - m_running_since)) *
           m_running_j_per_cycle * ratio * ratio;
}

void energy_meter::set_running(double joules_at_vnom_per_cycle) {
    m_dynamic_j += running_j();
    m_running_since = sc_core::sc_time_stamp();
    m_running_j_per_cycle = joules_at_vnom_per_cycle;
}

void energy_meter::settle() {
    m_leak_j = leakage_j();
    m_settled_at = sc_core::sc_time_stamp();
    m_dynamic_j += running_j();
    m_running_since = m_settled_at;
}

}  // namespace nnvp
