#include "ip/common/clock_domain.h"

#include "ip/common/energy_meter.h"

#include <algorithm>
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

sc_core::sc_time clock_domain::cycles_computed(uint64_t n) const {
    cycles_memo& memo = m_cycles_memo[n % m_cycles_memo.size()];
    const double seconds = static_cast<double>(n) / m_freq_hz;
    if (m_resolution_s == 0)
        m_resolution_s = sc_core::sc_get_time_resolution().to_seconds();
    // resolution x k, as sc_time's operator* rounds it (the resolution's value is 1).
    const double k = static_cast<double>(std::llround(seconds / m_resolution_s));
    memo = {n, m_freq_hz, sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(k + 0.5))};
    return memo.t;
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
    if (m_wake && !clocked() && m_state != power_state::off)
        m_wake();
    const sc_time give_up = sc_time_stamp() + sc_time(1, SC_SEC);
    while (!clocked() && m_state != power_state::off && sc_time_stamp() < give_up)
        wait(give_up - sc_time_stamp(), m_changed);
    return clocked();
}

void clock_domain::settle_meters() {
    for (energy_meter* m : m_meters)
        m->settle();
    settle_cycles();
}

// ---- leakage -------------------------------------------------------------------

void clock_domain::set_leakage_params(const leakage_params& p) {
    settle_meters();
    m_leak = p;
}

void clock_domain::set_temperature(double celsius) {
    settle_meters();
    m_temp_c = celsius;
}

double clock_domain::leakage_scale() const {
    return (m_voltage / m_v_nominal) * std::exp(m_leak.k_v_per_v * (m_voltage - m_v_nominal)) *
           std::exp(m_leak.k_t_per_c * (m_temp_c - m_leak.t_ref_c));
}

// ---- activity ------------------------------------------------------------------

namespace {
// Same epsilon as cycles_in(): whole cycles despite time-resolution rounding.
uint64_t whole(double cycles) { return static_cast<uint64_t>(std::floor(cycles + 1e-6)); }
}  // namespace

void clock_domain::settle_cycles() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const double n = (now - m_cycles_since).to_seconds() * m_freq_hz;
    if (clocked()) {
        m_clocked_cycles += n;
        if (m_active > 0)
            m_busy_cycles += n;
    }
    m_cycles_since = now;
}

uint64_t clock_domain::clocked_cycles() const {
    const double n = (sc_core::sc_time_stamp() - m_cycles_since).to_seconds() * m_freq_hz;
    return whole(m_clocked_cycles + (clocked() ? n : 0.0));
}

uint64_t clock_domain::busy_cycles() const {
    const double n = (sc_core::sc_time_stamp() - m_cycles_since).to_seconds() * m_freq_hz;
    return std::min(clocked_cycles(), whole(m_busy_cycles + (clocked() && m_active ? n : 0.0)));
}

void clock_domain::begin_activity() {
    settle_cycles();
    ++m_active;
    m_activity_event.notify(sc_core::SC_ZERO_TIME);
}

void clock_domain::end_activity() {
    if (m_active == 0)
        return;
    settle_cycles();
    if (--m_active == 0)
        m_activity_event.notify(sc_core::SC_ZERO_TIME);
}

void clock_domain::add_busy_span(const sc_core::sc_time& from, const sc_core::sc_time& to) {
    if (to <= from)
        return;
    settle_cycles();
    m_busy_cycles = std::min(m_clocked_cycles, m_busy_cycles + (to - from).to_seconds() * m_freq_hz);
    m_activity_event.notify(sc_core::SC_ZERO_TIME);
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
    if (s == power_state::off && m_state != power_state::off)
        ++m_contexts_lost;
    m_state = s;
    notify();
}

}  // namespace nnvp
