// performance, powersave, userspace and race-to-idle.
#include <algorithm>

#include "firmware/power/governors.h"

namespace nnvp::fw::pm {

unsigned performance_governor::decide(const gov_sample& s, const opp_table& t) {
    return top(t, s.opp_max);
}

unsigned powersave_governor::decide(const gov_sample&, const opp_table&) {
    return 0;
}

unsigned userspace_governor::decide(const gov_sample& s, const opp_table& t) {
    return std::min(m_opp, top(t, s.opp_max));
}

unsigned race_to_idle_governor::decide(const gov_sample& s, const opp_table& t) {
    if (m_job.active || s.util > 0)
        return top(t, s.opp_max);
    return std::min(s.cur, top(t, s.opp_max));
}

}  // namespace nnvp::fw::pm
