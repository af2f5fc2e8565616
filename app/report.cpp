#include "app/report.h"

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
    if (outcome.stopped_by.rfind("firmware exception", 0) == 0)
        end = "firmware_exception";
    else if (!outcome.stopped_by.empty())
        end = "simulator_error";
    else if (!outcome.warning_break.empty())
        end = "break_on_warning";
    else if (outcome.wall_limit)
        end = "wall_limit";
    nlohmann::json report = {
        {"scenario", {{"name", sc.name}, {"file", sc.file}, {"description", sc.description},
                      {"mode", sc.mode}, {"resolved", sc.resolved}}},
        {"platform", sc.platform.resolved},
        {"sim", {{"simulated_s", outcome.simulated.to_seconds()}, {"wall_s", outcome.wall_s},
                 {"end", end}, {"warnings", warnings}}},
        {"firmware", {{"program", sc.program->name}, {"args", args},
                      {"exit_code", outcome.exit_code}, {"console", chip.core().console()}}},
        {"cpu", chip.cpu_stats()},
        {"bus", chip.bus_stats()},
        {"dram", chip.dram_stats()},
        {"dma", chip.dma_stats()},
        {"power", chip.power_stats()},
        // A workload's run puts its per-layer rows here (network_run::finish):
        // one row per command would be built for nothing (a generation run
        // has hundreds of thousands).
        {"layers", sc.workload ? nlohmann::json::array() : chip.layer_rows()},
        {"nncore", chip.nncore_stats()},
    };
    if (!outcome.stopped_by.empty())
        report["sim"]["end_detail"] = outcome.stopped_by;
    else if (!outcome.warning_break.empty())
        report["sim"]["end_detail"] = "stopped at the first warning: " + outcome.warning_break;
    if (const nlohmann::json notes = chip.trace_notes(); !notes.empty())
        report["trace"] = notes;
    if (!outcome.halted) {
        report["sim"]["blocked_on"] = outcome.blocked_on;
        report["sim"]["busy"] = outcome.busy;
    }
    if (!sc.library.empty())
        report["firmware"]["library"] = sc.library;
    return report;
}


}  // namespace nnvp
