#include "app/report.h"

#include <cstdio>
#include <iomanip>
#include <iterator>

namespace nnvp {

nlohmann::json make_report(const scenario& sc, soc& chip, const run_outcome& outcome,
                           int warnings) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& [k, v] : sc.args.values())
        args[k] = v;
    std::string end = "halted";
    if (outcome.time_limit)
        end = "time_limit";
    if (outcome.starved)
        end = "starved";
    return {
        {"scenario", {{"name", sc.name}, {"file", sc.file}, {"description", sc.description},
                      {"mode", sc.mode}, {"resolved", sc.resolved}}},
        {"platform", sc.platform.resolved},
        {"sim", {{"simulated_s", outcome.simulated.to_seconds()}, {"wall_s", outcome.wall_s},
                 {"end", end}, {"warnings", warnings}}},
        {"firmware", {{"program", sc.program->name}, {"args", args},
                      {"exit_code", outcome.exit_code}, {"console", chip.core().console()}}},
        {"cpu", chip.cpu_stats()},
        {"bus", chip.bus_stats()},
        {"dma", chip.dma_stats()},
        {"power", chip.power_stats()},
        {"layers", chip.layer_rows()},
        {"nncore", chip.nncore_stats()},
    };
}


void write_layers_csv(std::ostream& os, const nlohmann::json& r) {
    static const char* columns[] = {"name",           "type",           "precision",
                                    "dataflow",       "macs",           "cycles",
                                    "compute_cycles", "stall_cycles",   "utilization",
                                    "dram_read_bytes", "dram_write_bytes", "sram_read_bytes",
                                    "sram_write_bytes", "energy_j",     "zero_skipped_macs"};
    for (std::size_t i = 0; i < std::size(columns); ++i)
        os << (i ? "," : "") << columns[i];
    os << "\n";
    for (const auto& row : r["layers"]) {
        for (std::size_t i = 0; i < std::size(columns); ++i) {
            const auto& v = row[columns[i]];
            os << (i ? "," : "") << (v.is_string() ? v.get<std::string>() : v.dump());
        }
        os << "\n";
    }
}

}  // namespace nnvp
