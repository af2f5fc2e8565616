#include "app/power_series.h"

#include <algorithm>

#include "app/json_lookup.h"

namespace nnvp {

std::string power_state_name(int code) {
    static const char* names[] = {"on", "idle", "retention", "off"};
    return code >= 0 && code < 4 ? names[code] : "state " + std::to_string(code);
}

namespace {

void add_state(power_series& s, const std::string& domain, double at_s, const std::string& st) {
    auto& changes = s.states[domain];
    if (changes.empty() || changes.back().state != st)
        changes.push_back({at_s, st});
}

}  // namespace

void sort_by_time(power_series& s) {
    std::stable_sort(s.power.begin(), s.power.end(),
                     [](const auto& a, const auto& b) { return a.end_s < b.end_s; });
    for (auto& [domain, changes] : s.states)
        std::stable_sort(changes.begin(), changes.end(),
                         [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
    for (auto& [domain, changes] : s.clocks)
        std::stable_sort(changes.begin(), changes.end(),
                         [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
}

power_series power_series_from_report(const nlohmann::json& report) {
    power_series s;
    for (const auto& sample : json_array(report, "power.samples")) {
        const auto t = json_number(sample, "t_s");
        const auto w = json_number(sample, "w");
        if (!t)
            continue;
        if (w)
            s.power.push_back({*t, *w});
        const auto* states = json_find(sample, "states");
        if (states && states->is_object())
            for (const auto& [domain, st] : states->items())
                if (st.is_string())
                    add_state(s, domain, *t, st.get<std::string>());
    }
    sort_by_time(s);
    return s;
}

void add_counter(power_series& s, const std::string& name, double ts_us, double value) {
    const double t = ts_us * 1e-6;
    const auto domain_of = [&](const std::string& suffix) {
        return name.size() > suffix.size() &&
                       name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0
                   ? name.substr(0, name.size() - suffix.size())
                   : std::string();
    };
    if (name == "power_w")
        s.power.push_back({t, value});
    else if (const std::string d = domain_of(".state"); !d.empty())
        add_state(s, d, t, power_state_name(static_cast<int>(value)));
    else if (const std::string d = domain_of(".freq_mhz"); !d.empty())
        s.clocks[d].push_back({t, value});
}

power_series power_series_from_trace(const nlohmann::json& trace) {
    power_series s;
    for (const auto& ev : json_array(trace, "traceEvents")) {
        if (json_text(ev, "ph") != "C")
            continue;
        const auto ts = json_number(ev, "ts");
        const auto value = json_number(ev, "args.value");
        if (ts && value)
            add_counter(s, json_text(ev, "name"), *ts, *value);
    }
    sort_by_time(s);
    return s;
}

}  // namespace nnvp
