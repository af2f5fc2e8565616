// Choosing an operating point from a table by frequency, as cpufreq's
// CPUFREQ_RELATION_L / _H do. Plain C++ over the table the firmware read
// from the power controller (power_driver::opp()).
#pragma once

#include <cstdint>
#include <vector>

namespace nnvp::fw::pm {

struct opp_point {
    double freq_hz;
    double volt_v;
};
// Frequencies strictly increasing (the controller's tables are).
using opp_table = std::vector<opp_point>;

// The lowest OPP at or above `hz` among 0..max_index; max_index when none is.
unsigned lowest_at_least(const opp_table& t, double hz, unsigned max_index);
// The highest OPP at or below `hz` among 0..max_index; 0 when none is.
unsigned highest_at_most(const opp_table& t, double hz, unsigned max_index);
// The OPP closest to `hz` among 0..max_index, the lower one on a tie
// (CPUFREQ_RELATION_C).
unsigned closest(const opp_table& t, double hz, unsigned max_index);
// The index of the table's last point, clamped to `cap`.
unsigned top(const opp_table& t, unsigned cap);

}  // namespace nnvp::fw::pm
