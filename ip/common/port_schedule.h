// Occupancy of a shared port (a bus target port, a memory's data path) as a
// calendar of busy intervals. An access is placed at the earliest free gap at
// or after its arrival that is long enough. With temporal decoupling and
// outstanding transactions, requests do not arrive in time order: a write
// booked for the future must not delay a read that arrives earlier, which a
// single "busy until" time would do. Cost grows with the accesses booked
// ahead of the current time, never with cycles.
#pragma once

#include <systemc>

#include <map>

namespace nnvp {

class port_schedule {
public:
    // Books `duration` at the earliest time >= `arrival` when the port is free
    // for that long; returns the start.
    sc_core::sc_time reserve(const sc_core::sc_time& arrival, const sc_core::sc_time& duration);
    // Intervals still booked (for tests).
    std::size_t booked() const { return m_busy.size(); }

private:
    std::map<sc_core::sc_time, sc_core::sc_time> m_busy;  // start -> end, disjoint
};

}  // namespace nnvp
