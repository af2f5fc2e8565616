// The SVG plots of report.html, each built from report.json content alone
// (plus the power series). A plot whose data the report lacks returns an
// empty string and the page says why instead.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/power_series.h"

namespace nnvp {

// Power over time (step line per sampling window) with one band per domain
// coloured by power state, and for a generation run a band of its phases
// (prefill, decode). When the peak window is more than 3x the third-highest
// (of 100 or more), the range ends at 1.5x that window and a note names the
// windows cut at the top edge. id "plot-power".
std::string power_plot(const nlohmann::json& report, const power_series& series);
// Clock frequency per domain against time (a step line each, from the
// series' "<domain>.freq_mhz" counters): the OPPs DVFS took. id "plot-clocks".
std::string clock_plot(const nlohmann::json& report, const power_series& series);
// Horizontal bars per layer row: latency split into compute and stall
// ("plot-layer-latency"), energy ("plot-layer-energy").
std::string layer_latency_plot(const nlohmann::json& report);
std::string layer_energy_plot(const nlohmann::json& report);
// Roofline: arithmetic intensity (ops per DRAM byte, 1 MAC = 2 ops) against
// achieved ops/s, under the roofs min(peak compute, intensity x peak DRAM
// bandwidth) of each precision the layers use (Williams et al., CACM 2009).
// Points carry their layer's row number, the ten slowest also its name.
// id "plot-roofline".
std::string roofline_plot(const nlohmann::json& report);
// Share of simulated time per power state, one stacked bar per domain.
// id "plot-residency".
std::string residency_plot(const nlohmann::json& report);
// Generation runs: TTFT and TPOT against simulated time
// ("plot-generation-latency") and energy per token ("plot-token-energy").
std::string generation_latency_plot(const nlohmann::json& report);
std::string token_energy_plot(const nlohmann::json& report);
// Latency per inference, deadline misses marked, the deadline
// (throughput.deadline_s) as a dashed line. id "plot-inferences".
std::string inference_plot(const nlohmann::json& report);

// The platform's peaks as the roofline uses them, from report["platform"]:
// PE array rows x cols x MACs per PE at `precision` x 2 ops x the fastest
// NN-core operating point; DRAM bytes per cycle x the fastest DRAM point.
struct platform_peaks {
    double ops_per_s;
    double dram_bytes_per_s;
};
std::optional<platform_peaks> peaks_of(const nlohmann::json& report, const std::string& precision);

}  // namespace nnvp
