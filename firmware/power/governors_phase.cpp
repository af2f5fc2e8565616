// The LLM-serving governors: phase-aware and power cap.
#include <algorithm>

#include "firmware/power/governors.h"

namespace nnvp::fw::pm {

const char* to_string(phase p) {
    switch (p) {
    case phase::idle: return "idle";
    case phase::prefill: return "prefill";
    case phase::decode: return "decode";
    case phase::none: break;
    }
    return "none";
}

unsigned phase_aware_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned cap = top(t, s.opp_max);
    switch (m_phase) {
    case phase::prefill: return std::min(m_prefill, cap);
    case phase::decode:
    case phase::idle: return std::min(m_decode, cap);
    case phase::none: break;
    }
    return cap;
}

double power_cap_governor::window_power_w() const {
    double j = 0, ns = 0;
    for (const window_sample& w : m_window) {
        j += w.energy_j;
        ns += static_cast<double>(w.period_ns);
    }
    return ns > 0 ? j / (ns * 1e-9) : 0.0;
}

unsigned power_cap_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned cap = top(t, s.opp_max);
    const unsigned cur = std::min(s.cur, cap);
    if (s.period_ns == 0)
        return cur;
    m_window.push_back({s.energy_j, s.period_ns});
    double span = 0;
    for (const window_sample& w : m_window)
        span += static_cast<double>(w.period_ns);
    while (m_window.size() > 1 && span - static_cast<double>(m_window.front().period_ns) >= m_window_ns) {
        span -= static_cast<double>(m_window.front().period_ns);
        m_window.erase(m_window.begin());
    }
    const double p = window_power_w();
    if (p > m_cap_w)
        return cur > 0 ? cur - 1 : 0;
    if (cur + 1 <= cap) {
        const opp_point& a = t[cur];
        const opp_point& b = t[cur + 1];
        const double scale =
            (b.freq_hz * b.volt_v * b.volt_v) / (a.freq_hz * a.volt_v * a.volt_v);
        if (p * scale <= m_cap_w)
            return cur + 1;
    }
    return cur;
}

}  // namespace nnvp::fw::pm
