#include "tools/power/power_tables.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

namespace nnvp::power_tables {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string fixed(double x, const char* format) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, x);
    return buf;
}
std::string milli(double x) { return fixed(x * 1e3, "%.3f"); }  // J -> mJ, s -> ms
std::string micro(double x) { return fixed(x * 1e6, "%.1f"); }  // s -> us
std::string raw(const json& v) { return v.dump(); }              // as the report has it

const json& summary(const json& r) { return r.at("power").at("summary"); }
const json& per_inference(const json& r) { return summary(r).at("per_inference"); }
const json& management(const json& r) { return r.at("power").at("management"); }
double num(const json& v) { return v.get<double>(); }

using row_fn = std::function<std::vector<std::string>(const json&)>;

void table(std::ostream& os, const std::vector<std::string>& head,
           const std::vector<json>& points, const row_fn& row) {
    auto line = [&os](const std::vector<std::string>& cells) {
        os << "|";
        for (const std::string& c : cells)
            os << " " << c << " |";
        os << "\n";
    };
    line(head);
    os << "|";
    for (std::size_t i = 0; i < head.size(); ++i)
        os << "---|";
    os << "\n";
    for (const json& r : points)
        line(row(r));
    os << "\n";
}

}  // namespace

std::vector<json> sweep_points(const std::string& folder) {
    std::vector<fs::path> dirs;
    for (const fs::directory_entry& e : fs::directory_iterator(folder))
        if (e.path().filename().string().rfind('p', 0) == 0 &&
            fs::exists(e.path() / "report.json"))
            dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    std::vector<json> out;
    for (const fs::path& d : dirs) {
        std::ifstream in(d / "report.json");
        out.push_back(json::parse(in));
    }
    return out;
}

std::string governor_label(const json& r) {
    const json& g = management(r).at("governor");
    std::string text = g.at("name").get<std::string>();
    if (g.contains("opp")) {
        const json& opps = r.at("platform").at("domains").at("nncore").at("opps");
        text += " " + std::to_string(opps.at(g.at("opp").get<std::size_t>()).at("mhz").get<int>()) +
                " MHz";
    }
    if (g.contains("frequency_only")) {
        const json& f = g.at("frequency_only");  // a flag, written as 0/1 or a boolean
        const bool only = f.is_boolean() ? f.get<bool>() : num(f) != 0;
        text += only ? " (frequency only)" : " (full DVFS)";
    }
    return text;
}

std::string idle_label(const json& r) {
    const json& i = management(r).at("idle");
    std::string text = i.at("policy").get<std::string>();
    if (i.contains("state"))
        text += " " + i.at("state").get<std::string>();
    if (i.contains("timeout_us"))
        text += " after " + fixed(num(i.at("timeout_us")), "%g") + " us";
    if (i.value("max_exit_us", -1.0) >= 0)
        text += ", exit <= " + fixed(num(i.at("max_exit_us")), "%g") + " us";
    if (text.rfind("residency_aware", 0) == 0)
        text += ", gap " + i.at("gap_prediction").get<std::string>();
    return text;
}

bool print_experiment(std::ostream& os, const std::string& name, const std::vector<json>& pts) {
    const json no_row;
    if (name == "voltage_floor_knee") {
        os << "### " << name << "\n\n";
        table(os, {"governor", "NN core mJ/frame", "run mJ/frame", "latency ms", "misses"}, pts,
              [](const json& r) -> std::vector<std::string> {
                  return {governor_label(r), milli(num(per_inference(r).at("nncore_energy_j"))),
                          milli(num(per_inference(r).at("run_energy_j"))),
                          milli(num(summary(r).at("latency_mean_s"))),
                          raw(summary(r).at("deadline_misses"))};
              });
    } else if (name == "leakage_crossover") {
        os << "### " << name << "\n\n";
        table(os, {"die C", "governor", "NN core mJ/frame", "run mJ/frame", "leakage mJ",
                   "latency ms", "misses"},
              pts, [](const json& r) -> std::vector<std::string> {
                  return {raw(r.at("platform").at("power").at("thermal").at("ambient_c")),
                          governor_label(r), milli(num(per_inference(r).at("nncore_energy_j"))),
                          milli(num(per_inference(r).at("run_energy_j"))),
                          milli(num(summary(r).at("leakage_j"))),
                          milli(num(summary(r).at("latency_mean_s"))),
                          raw(summary(r).at("deadline_misses"))};
              });
    } else if (name == "sampling_period") {
        os << "### " << name << "\n\n";
        table(os, {"sampling ms", "misses of 8", "worst lateness ms", "p99 latency ms",
                   "OPP requests", "NN core mJ/frame", "run mJ/frame"},
              pts, [](const json& r) -> std::vector<std::string> {
                  return {raw(management(r).at("governor").at("sampling_ms")),
                          raw(summary(r).at("deadline_misses")),
                          milli(num(summary(r).at("worst_lateness_s"))),
                          milli(num(summary(r).at("latency_p99_s"))),
                          raw(management(r).at("opp_requests")),
                          milli(num(per_inference(r).at("nncore_energy_j"))),
                          milli(num(per_inference(r).at("run_energy_j")))};
              });
    } else if (name == "per_layer_dvfs") {
        os << "### " << name << "\n\n";
        table(os, {"governor", "PLL relock us", "NN core mJ/inf", "run mJ/inf", "latency ms",
                   "OPP requests", "transition uJ"},
              pts, [](const json& r) -> std::vector<std::string> {
                  return {governor_label(r), raw(r.at("platform").at("power").at("pll_relock_us")),
                          milli(num(per_inference(r).at("nncore_energy_j"))),
                          milli(num(per_inference(r).at("run_energy_j"))),
                          milli(num(summary(r).at("latency_mean_s"))),
                          raw(management(r).at("opp_requests")),
                          micro(num(summary(r).at("transition_j")))};
              });
    } else if (name == "bursty_idle") {
        os << "### " << name << "\n\n";
        table(os, {"idle policy", "run energy mJ", "NN core uJ/req", "p99 latency us",
                   "mean latency us", "entries", "NN core on / ret / off ms"},
              pts, [](const json& r) -> std::vector<std::string> {
                  const json& res = summary(r).at("nncore_state_residency_s");
                  std::string states;
                  for (const char* k : {"on", "retention", "off"})
                      states += (states.empty() ? "" : " / ") + milli(res.value(k, 0.0));
                  return {idle_label(r), milli(num(summary(r).at("energy_j"))),
                          fixed(num(per_inference(r).at("nncore_energy_j")) * 1e6, "%.2f"),
                          micro(num(summary(r).at("latency_p99_s"))),
                          micro(num(summary(r).at("latency_mean_s"))),
                          raw(management(r).at("idle_entries")), states};
              });
    } else {
        return false;
    }
    return true;
}

}  // namespace nnvp::power_tables
