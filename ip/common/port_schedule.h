// Occupancy of a shared port (a bus target port, a memory's data path) as a
// calendar of busy intervals. An access is placed at the earliest free gap at
// or after its arrival that is long enough. With temporal decoupling and
// outstanding transactions, requests do not arrive in time order: a write
// booked for the future must not delay a read that arrives earlier, which a
// single "busy until" time would do. Cost grows with the accesses booked
// ahead of the current time, never with cycles.
#pragma once

#include <systemc>

#include <vector>

namespace nnvp {

class port_schedule {
public:
    // Books `duration` at the earliest time >= `arrival` when the port is free
    // for that long; returns the start.
    sc_core::sc_time reserve(const sc_core::sc_time& arrival, const sc_core::sc_time& duration);
    // Intervals still booked (for tests).
    std::size_t booked() const;

private:
    struct interval {
        sc_core::sc_time start, end;
    };
    void forget_before(const sc_core::sc_time& now);

    // Disjoint, by start; those before m_head have ended. A sorted vector:
    // bookings mostly land at its end, and a map's node per booking cost
    // more than the search.
    std::vector<interval> m_busy;
    std::size_t m_head = 0;
};

}  // namespace nnvp
