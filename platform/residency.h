// Time each clock domain spends at each operating point and in each power
// state, accumulated on every domain change (never per cycle).
#pragma once

#include "ip/common/clock_domain.h"

#include <nlohmann/json.hpp>
#include <systemc>

#include <map>
#include <string>
#include <vector>

namespace nnvp {

class residency_tracker {
public:
    void watch(clock_domain& d);
    // {domain: {"1000MHz": s, ...}}, {domain: {"on": s, ...}} up to now.
    nlohmann::json opp_residency() const;
    nlohmann::json state_residency() const;

private:
    struct entry {
        clock_domain* domain;
        double last_freq_hz;
        power_state last_state;
        sc_core::sc_time since;
        std::map<double, double> at_freq_s;
        std::map<power_state, double> in_state_s;
    };
    static void settle(entry& e);
    std::vector<std::unique_ptr<entry>> m_entries;
};

}  // namespace nnvp
