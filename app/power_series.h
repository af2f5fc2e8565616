// Power over time for report.html, taken from what a run wrote: either a
// `power.samples` array in report.json, or the counter events of trace.json
// ("power_w", "<domain>.state" and "<domain>.freq_mhz" counters,
// platform/timeline.h).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nnvp {

struct power_series {
    struct window {
        double end_s;  // average power over (previous end_s, end_s]
        double watts;
    };
    struct change {
        double at_s;
        std::string state;  // "on", "idle", "retention", "off"
    };
    std::vector<window> power;
    // Power-state changes per domain, in time order; the first is at t = 0.
    std::map<std::string, std::vector<change>> states;
    struct frequency {
        double at_s;
        double mhz;
    };
    // Clock changes per domain ("<domain>.freq_mhz" counters), in time order.
    std::map<std::string, std::vector<frequency>> clocks;

    bool empty() const { return power.empty() && states.empty() && clocks.empty(); }
};

// Name of a power state as the timeline encodes it (ip/common/clock_domain.h).
std::string power_state_name(int code);

// From report["power"]["samples"]: [{t_s, w, states: {domain: "on"|...}}],
// `w` being the average power over the window ending at t_s.
power_series power_series_from_report(const nlohmann::json& report);
// From a Chrome trace-event document written by nnvp run (timestamps in us).
power_series power_series_from_trace(const nlohmann::json& trace);
// Building a series from counter samples one by one (what a trace's "C"
// events hold: `ts_us` in microseconds), then sorting it once.
void add_counter(power_series& s, const std::string& name, double ts_us, double value);
void sort_by_time(power_series& s);

}  // namespace nnvp
