// The load-based governors: ondemand, conservative, schedutil and devfreq's
// simple_ondemand (after the Linux kernel's; see governors.h).
#include <algorithm>

#include "firmware/power/governors.h"

namespace nnvp::fw::pm {

unsigned ondemand_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned last = top(t, s.opp_max);
    if (s.util > m_up)
        return last;
    const double f_min = t.front().freq_hz;
    const double f_max = t[last].freq_hz;
    return closest(t, f_min + s.util * (f_max - f_min), last);  // CPUFREQ_RELATION_C
}

unsigned conservative_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned last = top(t, s.opp_max);
    const double f_min = t.front().freq_hz;
    const double f_max = t[last].freq_hz;
    if (m_target_hz < 0)
        m_target_hz = t[std::min(s.cur, last)].freq_hz;
    m_target_hz = std::clamp(m_target_hz, f_min, f_max);
    const double step = m_step * t.back().freq_hz;
    if (s.util > m_up) {
        m_target_hz = std::min(f_max, m_target_hz + step);
        return highest_at_most(t, m_target_hz, last);  // CPUFREQ_RELATION_H
    }
    if (s.util < m_down) {
        m_target_hz = std::max(f_min, m_target_hz - step);
        return lowest_at_least(t, m_target_hz, last);  // CPUFREQ_RELATION_L
    }
    return std::min(s.cur, last);
}

unsigned schedutil_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned last = top(t, s.opp_max);
    const unsigned cur = std::min(s.cur, last);
    if (m_changed_once && static_cast<double>(s.now_ns - m_last_change_ns) < m_rate_limit_ns)
        return cur;
    const unsigned next = lowest_at_least(t, m_headroom * t[cur].freq_hz * s.util, last);
    if (next != cur) {
        m_changed_once = true;
        m_last_change_ns = s.now_ns;
    }
    return next;
}

unsigned simple_ondemand_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned last = top(t, s.opp_max);
    const unsigned cur = std::min(s.cur, last);
    const double pct = s.util * 100.0;
    if (pct > m_up)
        return last;
    if (pct > static_cast<double>(m_up) - m_diff)
        return cur;
    const double target = t[cur].freq_hz * pct / (m_up - m_diff / 2.0);
    return lowest_at_least(t, target, last);
}

}  // namespace nnvp::fw::pm
