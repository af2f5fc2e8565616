#include "ip/common/port_schedule.h"

namespace nnvp {

using sc_core::sc_time;

sc_time port_schedule::reserve(const sc_time& arrival, const sc_time& duration) {
    // Arrivals are never in the past, so intervals that ended before now can
    // no longer constrain anything.
    const sc_time now = sc_core::sc_time_stamp();
    while (!m_busy.empty() && m_busy.begin()->second <= now)
        m_busy.erase(m_busy.begin());

    sc_time start = arrival;
    auto it = m_busy.upper_bound(start);
    if (it != m_busy.begin()) {
        auto prev = std::prev(it);
        if (prev->second > start)
            start = prev->second;  // arrival falls inside a busy interval
    }
    while (it != m_busy.end() && it->first < start + duration) {
        start = std::max(start, it->second);  // the gap before `it` is too short
        ++it;
    }
    if (duration > sc_core::SC_ZERO_TIME) {
        // Merge with a neighbour that touches, to keep the calendar short.
        sc_time end = start + duration;
        auto next = m_busy.find(end);
        if (next != m_busy.end()) {
            end = next->second;
            m_busy.erase(next);
        }
        auto after = m_busy.upper_bound(start);
        if (after != m_busy.begin() && std::prev(after)->second == start)
            std::prev(after)->second = end;
        else
            m_busy.emplace(start, end);
    }
    return start;
}

}  // namespace nnvp
