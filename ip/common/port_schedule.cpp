#include "ip/common/port_schedule.h"

#include <algorithm>

namespace nnvp {

using sc_core::sc_time;

void port_schedule::forget_before(const sc_time& now) {
    while (m_head < m_busy.size() && m_busy[m_head].end <= now)
        ++m_head;
    // Compact now and then: the live intervals are few, the forgotten many.
    if (m_head > 64 && m_head * 2 > m_busy.size()) {
        m_busy.erase(m_busy.begin(), m_busy.begin() + static_cast<std::ptrdiff_t>(m_head));
        m_head = 0;
    }
}

sc_time port_schedule::reserve(const sc_time& arrival, const sc_time& duration) {
    // Arrivals are never in the past, so intervals that ended before now can
    // no longer constrain anything.
    forget_before(sc_core::sc_time_stamp());

    sc_time start = arrival;
    // The first interval that starts after the arrival.
    auto it = std::upper_bound(m_busy.begin() + static_cast<std::ptrdiff_t>(m_head), m_busy.end(),
                               start, [](const sc_time& t, const interval& i) { return t < i.start; });
    if (it != m_busy.begin() + static_cast<std::ptrdiff_t>(m_head) && std::prev(it)->end > start)
        start = std::prev(it)->end;  // arrival falls inside a busy interval
    while (it != m_busy.end() && it->start < start + duration) {
        start = std::max(start, it->end);  // the gap before `it` is too short
        ++it;
    }
    if (duration > sc_core::SC_ZERO_TIME) {
        // `it` is the first interval after the booking. Merge with a
        // neighbour that touches, to keep the calendar short.
        const sc_time end = start + duration;
        const bool joins_next = it != m_busy.end() && it->start == end;
        const bool joins_prev = it != m_busy.begin() + static_cast<std::ptrdiff_t>(m_head) &&
                                std::prev(it)->end == start;
        if (joins_prev && joins_next) {
            std::prev(it)->end = it->end;
            m_busy.erase(it);
        } else if (joins_prev) {
            std::prev(it)->end = end;
        } else if (joins_next) {
            it->start = start;
        } else {
            m_busy.insert(it, interval{start, end});
        }
    }
    return start;
}

std::size_t port_schedule::booked() const { return m_busy.size() - m_head; }

}  // namespace nnvp
