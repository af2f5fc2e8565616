#include "app/headline.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "app/json_lookup.h"

namespace nnvp {

namespace {

using json = nlohmann::json;
using getter = std::function<std::optional<double>(const json&)>;

struct definition {
    headline_metric metric;
    getter get;
};

std::optional<double> number_at(const json& r, const char* path) {
    return json_number(r, path);
}

// Sum of a numeric field over report["layers"]; nothing when there are no layers.
std::optional<double> layer_sum(const json& r, const char* field) {
    const json& layers = json_array(r, "layers");
    if (layers.empty())
        return std::nullopt;
    double sum = 0;
    for (const json& l : layers)
        sum += json_number(l, field).value_or(0);
    return sum;
}

std::vector<double> latencies(const json& r) {
    std::vector<double> v;
    for (const json& inf : json_array(r, "inferences"))
        if (auto l = json_number(inf, "latency_s"))
            v.push_back(*l);
    return v;
}

// Nearest-rank percentile (no interpolation: the value of a real inference).
double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * v.size()));
    return v[std::max<std::size_t>(rank, 1) - 1];
}

const std::vector<definition>& definitions() {
    static const std::vector<definition> defs = {
        {{"simulated_s", "s", "simulated time of the whole run"},
         [](const json& r) { return number_at(r, "sim.simulated_s"); }},
        {{"wall_s", "s", "host wall-clock time of the simulation"},
         [](const json& r) { return number_at(r, "sim.wall_s"); }},
        {{"firmware_exit_code", "", "exit code the firmware program returned (0: success)"},
         [](const json& r) { return number_at(r, "firmware.exit_code"); }},
        {{"warnings", "", "modelled-hardware warnings (bad programming, bus errors)"},
         [](const json& r) { return number_at(r, "sim.warnings"); }},
        {{"energy_j", "J", "energy of the whole SoC over the run"},
         [](const json& r) { return number_at(r, "power.energy_j"); }},
        {{"avg_power_w", "W", "average power (energy / simulated time)"},
         [](const json& r) { return number_at(r, "power.avg_power_w"); }},
        {{"latency_s", "s",
          "mean inference latency; the simulated time when the run has no inferences[]"},
         [](const json& r) -> std::optional<double> {
             const auto v = latencies(r);
             if (v.empty())
                 return number_at(r, "sim.simulated_s");
             double sum = 0;
             for (double x : v)
                 sum += x;
             return sum / v.size();
         }},
        {{"latency_p99_s", "s", "99th-percentile inference latency (nearest rank)"},
         [](const json& r) -> std::optional<double> {
             const auto v = latencies(r);
             if (v.empty())
                 return std::nullopt;
             return percentile(v, 99);
         }},
        {{"inferences", "", "inferences completed"},
         [](const json& r) -> std::optional<double> {
             const json& inf = json_array(r, "inferences");
             if (inf.empty())
                 return std::nullopt;
             return static_cast<double>(inf.size());
         }},
        {{"deadline_misses", "", "inferences whose deadline_met is false"},
         [](const json& r) -> std::optional<double> {
             const json& inf = json_array(r, "inferences");
             if (inf.empty())
                 return std::nullopt;
             double misses = 0;
             for (const json& i : inf) {
                 const json* met = json_find(i, "deadline_met");
                 misses += met && met->is_boolean() && !met->get<bool>() ? 1 : 0;
             }
             return misses;
         }},
        {{"inferences_per_s", "inf/s", "throughput"},
         [](const json& r) { return number_at(r, "throughput.inferences_per_s"); }},
        {{"inferences_per_j", "inf/J", "energy efficiency: inferences / energy"},
         [](const json& r) -> std::optional<double> {
             const json& inf = json_array(r, "inferences");
             const auto e = number_at(r, "power.energy_j");
             if (inf.empty() || !e || *e <= 0)
                 return std::nullopt;
             return inf.size() / *e;
         }},
        {{"gops", "GOPS", "achieved giga-operations per second (1 MAC = 2 ops)"},
         [](const json& r) { return number_at(r, "throughput.gops"); }},
        {{"gops_per_w", "GOPS/W", "energy efficiency"},
         [](const json& r) { return number_at(r, "throughput.gops_per_w"); }},
        {{"layers", "", "rows of layers[] (network layers, or NN-core compute commands)"},
         [](const json& r) -> std::optional<double> {
             const json& layers = json_array(r, "layers");
             if (layers.empty())
                 return std::nullopt;
             return static_cast<double>(layers.size());
         }},
        {{"macs", "MAC", "multiply-accumulates run on the NN core"},
         [](const json& r) { return layer_sum(r, "macs"); }},
        {{"nncore_cycles", "cycles", "NN-core cycles summed over layers"},
         [](const json& r) { return layer_sum(r, "cycles"); }},
        {{"stall_cycles", "cycles", "NN-core stall cycles summed over layers"},
         [](const json& r) { return layer_sum(r, "stall_cycles"); }},
        {{"utilization", "%", "PE-array utilization, cycle-weighted over layers"},
         [](const json& r) -> std::optional<double> {
             const json& layers = json_array(r, "layers");
             double weighted = 0, cycles = 0;
             for (const json& l : layers) {
                 const double c = json_number(l, "cycles").value_or(0);
                 weighted += c * json_number(l, "utilization").value_or(0);
                 cycles += c;
             }
             if (cycles <= 0)
                 return std::nullopt;
             return weighted / cycles;
         }},
        {{"layer_energy_j", "J", "NN-core energy summed over layers"},
         [](const json& r) { return layer_sum(r, "energy_j"); }},
        {{"dram_bytes", "B", "bytes read and written at the DRAM (all initiators)"},
         [](const json& r) -> std::optional<double> {
             const auto rd = number_at(r, "bus.targets.dram.bytes_read");
             const auto wr = number_at(r, "bus.targets.dram.bytes_written");
             if (!rd || !wr)
                 return std::nullopt;
             return *rd + *wr;
         }},
        {{"dram_bandwidth_bps", "B/s", "average DRAM bandwidth used (bytes / simulated time)"},
         [](const json& r) -> std::optional<double> {
             const auto rd = number_at(r, "bus.targets.dram.bytes_read");
             const auto wr = number_at(r, "bus.targets.dram.bytes_written");
             const auto t = number_at(r, "sim.simulated_s");
             if (!rd || !wr || !t || *t <= 0)
                 return std::nullopt;
             return (*rd + *wr) / *t;
         }},
        {{"sqnr_db", "dB", "signal-to-quantization-noise ratio against the FP32 reference"},
         [](const json& r) { return number_at(r, "accuracy.sqnr_db"); }},
        {{"max_abs_err", "", "largest absolute output error against the FP32 reference"},
         [](const json& r) { return number_at(r, "accuracy.max_abs_err"); }},
        {{"top1_agreement", "%", "share of inferences whose top-1 class matches the reference"},
         [](const json& r) { return number_at(r, "accuracy.top1_agreement"); }},
    };
    return defs;
}

}  // namespace

const std::vector<headline_metric>& headline_metrics() {
    static const std::vector<headline_metric> metrics = [] {
        std::vector<headline_metric> m;
        for (const auto& d : definitions())
            m.push_back(d.metric);
        return m;
    }();
    return metrics;
}

bool is_headline_metric(const std::string& name) {
    for (const auto& m : headline_metrics())
        if (m.name == name)
            return true;
    return false;
}

std::optional<double> headline_value(const nlohmann::json& report, const std::string& name) {
    for (const auto& d : definitions())
        if (d.metric.name == name)
            return d.get(report);
    return std::nullopt;
}

std::vector<headline_row> headline_rows(const nlohmann::json& report) {
    std::vector<headline_row> rows;
    const auto& metrics = headline_metrics();
    const auto& defs = definitions();
    for (std::size_t i = 0; i < defs.size(); ++i)
        if (auto v = defs[i].get(report))
            rows.push_back({&metrics[i], *v});
    return rows;
}

}  // namespace nnvp
