#include "ip/common/clock_domain.h"

#include "ip/common/energy_meter.h"

#include <cmath>
#include <stdexcept>

namespace nnvp {

const char* to_string(power_state s) {
    switch (s) {
    case power_state::on: return "on";
    case power_state::idle: return "idle";
    case power_state::retention: return "retention";
    case power_state::off: return "off";
    }
    return "?";
}

clock_domain::clock_domain(std::string name, std::vector<operating_point> opps,
                           std::size_t initial_opp, double v_nominal)
    : m_name(std::move(name)), m_opps(std::move(opps)), m_opp(initial_opp),
      m_v_nominal(v_nominal) {
    if (m_opps.empty() || initial_opp >= m_opps.size())
        throw std::invalid_argument("clock domain " + m_name + ": bad operating point table");
    m_freq_hz = m_opps[m_opp].freq_hz;
    m_voltage = m_opps[m_opp].voltage_v;
}

sc_core::sc_time clock_domain::cycles(uint64_t n) const {
    const double seconds = static_cast<double>(n) / m_freq_hz;
    const double res = sc_core::sc_get_time_resolution().to_seconds();
    return sc_core::sc_get_time_resolution() * std::llround(seconds / res);
}

uint64_t clock_domain::cycles_in(const sc_core::sc_time& t) const {
    // A small epsilon absorbs the rounding of cycles() so that
    // cycles_in(cycles(n)) == n.
    return static_cast<uint64_t>(std::floor(t.to_seconds() * m_freq_hz + 1e-6));
}

bool clock_domain::wait_until_clocked(sc_core::sc_time& delay) const {
    using namespace sc_core;
    if (clocked())
        return true;
    if (m_state == power_state::off)
        return false;
    wait(delay);
    delay = SC_ZERO_TIME;
    const sc_time give_up = sc_time_stamp() + sc_time(1, SC_SEC);
    while (!clocked() && m_state != power_state::off && sc_time_stamp() < give_up)
        wait(give_up - sc_time_stamp(), m_changed);
    return clocked();
}

void clock_domain::settle_meters() {
    for (energy_meter* m : m_meters)
        m->settle();
}

void clock_domain::notify() {
    m_changed.notify(sc_core::SC_ZERO_TIME);
    for (auto& listener : m_listeners)
        listener();
}

void clock_domain::set_opp(std::size_t index) {
    if (index >= m_opps.size())
        throw std::out_of_range("clock domain " + m_name + ": no operating point " +
                                std::to_string(index));
    settle_meters();
    m_opp = index;
    m_freq_hz = m_opps[index].freq_hz;
    m_voltage = m_opps[index].voltage_v;
    notify();
}

void clock_domain::set_opp_index(std::size_t index) {
    if (index >= m_opps.size())
        throw std::out_of_range("clock domain " + m_name + ": no operating point " +
                                std::to_string(index));
    m_opp = index;
}

void clock_domain::set_frequency(double hz) {
    settle_meters();
    m_freq_hz = hz;
    notify();
}

void clock_domain::set_voltage(double v) {
    settle_meters();
    m_voltage = v;
    notify();
}

void clock_domain::set_state(power_state s) {
    settle_meters();
    m_state = s;
    notify();
}

}  // namespace nnvp
