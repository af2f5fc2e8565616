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

// The number at a dotted path of the report.
getter number_at(const char* path) {
    return [path](const json& r) { return json_number(r, path); };
}

// Sum of a numeric field over report["layers"]; nothing when there are no layers.
getter layer_sum(const char* field) {
    return [field](const json& r) -> std::optional<double> {
        const json& layers = json_array(r, "layers");
        if (layers.empty())
            return std::nullopt;
        double sum = 0;
        for (const json& l : layers)
            sum += json_number(l, field).value_or(0);
        return sum;
    };
}

// The size of a report array; nothing when it is empty (or absent).
getter rows_of(const char* array) {
    return [array](const json& r) -> std::optional<double> {
        const json& rows = json_array(r, array);
        if (rows.empty())
            return std::nullopt;
        return static_cast<double>(rows.size());
    };
}

std::vector<double> latencies(const json& r) {
    std::vector<double> v;
    for (const json& inf : json_array(r, "inferences"))
        if (auto l = json_number(inf, "latency_s"))
            v.push_back(*l);
    return v;
}

}  // namespace

double nearest_rank(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * v.size()));
    return v[std::max<std::size_t>(rank, 1) - 1];
}

namespace {

std::optional<double> mean_latency(const json& r) {
    const auto v = latencies(r);
    if (v.empty())
        return json_number(r, "sim.simulated_s");
    double sum = 0;
    for (double x : v)
        sum += x;
    return sum / v.size();
}

std::optional<double> p99_latency(const json& r) {
    const auto v = latencies(r);
    if (v.empty())
        return std::nullopt;
    return nearest_rank(v, 99);
}

std::optional<double> deadline_misses(const json& r) {
    const json& inf = json_array(r, "inferences");
    if (inf.empty())
        return std::nullopt;
    double misses = 0;
    for (const json& i : inf) {
        const json* met = json_find(i, "deadline_met");
        misses += met && met->is_boolean() && !met->get<bool>() ? 1 : 0;
    }
    return misses;
}

std::optional<double> inferences_per_joule(const json& r) {
    const json& inf = json_array(r, "inferences");
    const auto e = json_number(r, "power.energy_j");
    if (inf.empty() || !e || *e <= 0)
        return std::nullopt;
    return inf.size() / *e;
}

std::optional<double> cycle_weighted_utilization(const json& r) {
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
}

std::optional<double> dram_bytes(const json& r) {
    const auto rd = json_number(r, "bus.targets.dram.bytes_read");
    const auto wr = json_number(r, "bus.targets.dram.bytes_written");
    if (!rd || !wr)
        return std::nullopt;
    return *rd + *wr;
}

std::optional<double> dram_bandwidth(const json& r) {
    const auto bytes = dram_bytes(r);
    const auto t = json_number(r, "sim.simulated_s");
    if (!bytes || !t || *t <= 0)
        return std::nullopt;
    return *bytes / *t;
}

// Every metric in table order: the run, inferences, NN-core layers, the
// DRAM, accuracy.
const std::vector<definition>& definitions() {
    static const std::vector<definition> defs = {
        {{"simulated_s", "s", "simulated time of the whole run"}, number_at("sim.simulated_s")},
        {{"wall_s", "s", "host wall-clock time of the simulation"}, number_at("sim.wall_s")},
        {{"firmware_exit_code", "", "exit code the firmware program returned (0: success)"},
         number_at("firmware.exit_code")},
        {{"warnings", "", "modelled-hardware warnings (bad programming, bus errors)"},
         number_at("sim.warnings")},
        {{"energy_j", "J", "energy of the whole SoC over the run"}, number_at("power.energy_j")},
        {{"avg_power_w", "W", "average power (energy / simulated time)"},
         number_at("power.avg_power_w")},
        {{"latency_s", "s",
          "mean inference latency; the simulated time when the run has no inferences[]"},
         mean_latency},
        {{"latency_p99_s", "s", "99th-percentile inference latency (nearest rank)"}, p99_latency},
        {{"inferences", "", "inferences completed"}, rows_of("inferences")},
        {{"deadline_misses", "", "inferences whose deadline_met is false"}, deadline_misses},
        {{"inferences_per_s", "inf/s", "throughput"}, number_at("throughput.inferences_per_s")},
        {{"images_per_s", "img/s", "throughput in samples: inferences x batch"},
         number_at("throughput.images_per_s")},
        {{"inferences_per_j", "inf/J", "energy efficiency: inferences / energy"},
         inferences_per_joule},
        {{"tokens_per_s", "tok/s", "generation: tokens generated per second over the requests' span"},
         number_at("generation.tokens_per_s")},
        {{"ttft_p99_s", "s", "generation: 99th-percentile time to first token (from arrival)"},
         number_at("generation.ttft_s.p99")},
        {{"tpot_p50_s", "s", "generation: median time per output token after the first"},
         number_at("generation.tpot_s.p50")},
        {{"tpot_p99_s", "s", "generation: 99th-percentile time per output token"},
         number_at("generation.tpot_s.p99")},
        {{"energy_per_token_j", "J", "generation: the requests' SoC energy per generated token"},
         number_at("generation.energy_per_token_j")},
        {{"gops", "GOPS", "achieved giga-operations per second (1 MAC = 2 ops)"},
         number_at("throughput.gops")},
        {{"gops_per_w", "GOPS/W", "energy efficiency"}, number_at("throughput.gops_per_w")},
        {{"layers", "", "rows of layers[] (network layers, or NN-core compute commands)"},
         rows_of("layers")},
        {{"macs", "MAC", "multiply-accumulates run on the NN core"}, layer_sum("macs")},
        {{"nncore_cycles", "cycles", "NN-core cycles summed over layers"}, layer_sum("cycles")},
        {{"stall_cycles", "cycles", "NN-core stall cycles summed over layers"},
         layer_sum("stall_cycles")},
        {{"utilization", "%", "PE-array utilization, cycle-weighted over layers"},
         cycle_weighted_utilization},
        {{"layer_energy_j", "J", "NN-core energy summed over layers"}, layer_sum("energy_j")},
        {{"dram_bytes", "B", "bytes read and written at the DRAM (all initiators)"}, dram_bytes},
        {{"dram_bandwidth_bps", "B/s", "average DRAM bandwidth used (bytes / simulated time)"},
         dram_bandwidth},
        {{"sqnr_db", "dB", "signal-to-quantization-noise ratio against the FP32 reference"},
         number_at("accuracy.sqnr_db")},
        {{"max_abs_err", "", "largest absolute output error against the FP32 reference"},
         number_at("accuracy.max_abs_err")},
        {{"top1_agreement", "%", "share of inferences whose top-1 class matches the reference"},
         number_at("accuracy.top1_agreement")},
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
