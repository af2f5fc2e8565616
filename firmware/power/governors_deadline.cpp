// The deadline-aware governors: pace-to-deadline and per-layer scaling.
#include <algorithm>
#include <cmath>
#include <limits>

#include "firmware/power/governors.h"

namespace nnvp::fw::pm {

double pace_to_deadline_governor::required_hz(uint64_t now_ns) const {
    if (!m_job.active || m_job.remaining_cycles <= 0)
        return 0;
    const double left_ns =
        static_cast<double>(m_job.deadline_ns) - static_cast<double>(now_ns) - m_transition_ns;
    const double usable_s = left_ns * 1e-9 * (1.0 - m_margin);
    if (usable_s <= 0)
        return std::numeric_limits<double>::infinity();
    return m_job.remaining_cycles / usable_s;
}

unsigned pace_to_deadline_governor::decide(const gov_sample& s, const opp_table& t) {
    if (!m_job.active)
        return 0;
    return lowest_at_least(t, required_hz(s.now_ns), top(t, s.opp_max));
}

unsigned per_layer_governor::decide(const gov_sample& s, const opp_table& t) {
    const unsigned compute = top(t, std::min(m_compute_opp, s.opp_max));
    const double f_c = t[compute].freq_hz;
    if (m_layer.memory_s <= 0 || m_layer.compute_cycles / f_c >= m_layer.memory_s)
        return compute;  // compute-bound (or unknown)
    const double need = m_layer.compute_cycles / m_layer.memory_s;
    for (unsigned i = 0; i <= compute; ++i) {
        if (m_frequency_only && t[i].volt_v != t[compute].volt_v)
            continue;
        if (t[i].freq_hz >= need * (1 - 1e-12))
            return i;
    }
    return compute;
}

}  // namespace nnvp::fw::pm
