#include "platform/residency.h"

#include <cmath>

namespace nnvp {

void residency_tracker::settle(entry& e) {
    const double dt = (sc_core::sc_time_stamp() - e.since).to_seconds();
    e.at_freq_s[e.last_freq_hz] += dt;
    e.in_state_s[e.last_state] += dt;
    e.since = sc_core::sc_time_stamp();
    e.last_freq_hz = e.domain->freq_hz();
    e.last_state = e.domain->state();
}

void residency_tracker::watch(clock_domain& d) {
    auto e = std::make_unique<entry>(
        entry{&d, d.freq_hz(), d.state(), sc_core::sc_time_stamp(), {}, {}});
    entry* raw = e.get();
    d.on_change([raw] { settle(*raw); });
    m_entries.push_back(std::move(e));
}

namespace {
std::string mhz_label(double hz) {
    return std::to_string(static_cast<long long>(std::llround(hz / 1e6))) + "MHz";
}
}  // namespace

nlohmann::json residency_tracker::opp_residency() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& e : m_entries) {
        entry copy = *e;
        settle(copy);
        nlohmann::json d = nlohmann::json::object();
        for (const auto& [hz, s] : copy.at_freq_s)
            if (s > 0)
                d[mhz_label(hz)] = s;
        out[e->domain->name()] = d;
    }
    return out;
}

nlohmann::json residency_tracker::state_residency() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& e : m_entries) {
        entry copy = *e;
        settle(copy);
        nlohmann::json d = nlohmann::json::object();
        for (const auto& [st, s] : copy.in_state_s)
            d[to_string(st)] = s;
        out[e->domain->name()] = d;
    }
    return out;
}

}  // namespace nnvp
