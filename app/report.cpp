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

namespace {
std::string si(double v, const char* unit) {
    const char* prefixes[] = {"p", "n", "u", "m", "", "k", "M", "G", "T"};
    int i = 4;
    double a = v < 0 ? -v : v;
    while (a != 0 && a < 1 && i > 0) {
        a *= 1000;
        v *= 1000;
        --i;
    }
    while (a >= 1000 && i < 8) {
        a /= 1000;
        v /= 1000;
        ++i;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g %s%s", v, prefixes[i], unit);
    return buf;
}
}  // namespace

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

void print_summary(std::ostream& os, const nlohmann::json& r) {
    const auto& sim = r["sim"];
    const auto& fw = r["firmware"];
    const auto& power = r["power"];
    os << "\n== " << r["scenario"]["name"].get<std::string>() << " ==\n";
    os << "firmware   " << fw["program"].get<std::string>() << ", exit code "
       << fw["exit_code"].get<int>() << " (" << sim["end"].get<std::string>() << ")\n";
    os << "simulated  " << si(sim["simulated_s"].get<double>(), "s") << " in "
       << si(sim["wall_s"].get<double>(), "s") << " wall\n";
    os << "energy     " << si(power["energy_j"].get<double>(), "J") << ", average power "
       << si(power["avg_power_w"].get<double>(), "W") << "\n";
    os << "\n  " << std::left << std::setw(18) << "component" << std::setw(10) << "domain"
       << std::setw(14) << "energy" << "share\n";
    const double total = power["energy_j"].get<double>();
    for (const auto& [name, c] : power["by_component"].items()) {
        const double e = c["energy_j"].get<double>();
        char share[16];
        std::snprintf(share, sizeof share, "%5.1f%%", total > 0 ? 100 * e / total : 0.0);
        if (e == 0)
            continue;
        os << "  " << std::setw(18) << name << std::setw(10) << c["domain"].get<std::string>()
           << std::setw(14) << si(e, "J") << share << "\n";
    }
    os << "\n  " << std::setw(16) << "bus target" << std::setw(14) << "transactions"
       << std::setw(14) << "read" << "written\n";
    for (const auto& [name, t] : r["bus"]["targets"].items())
        os << "  " << std::setw(16) << name << std::setw(14) << t["transactions"].get<uint64_t>()
           << std::setw(14) << si(t["bytes_read"].get<double>(), "B")
           << si(t["bytes_written"].get<double>(), "B") << "\n";
    os << "\n  dma: " << r["dma"]["runs"].size() << " runs, "
       << si(r["dma"]["bytes_moved"].get<double>(), "B") << " moved; cpu: "
       << r["cpu"]["interrupts_taken"].get<uint64_t>() << " interrupts, "
       << r["cpu"]["mmio_reads"].get<uint64_t>() + r["cpu"]["mmio_writes"].get<uint64_t>()
       << " register accesses\n";
    if (!r["layers"].empty()) {
        const auto& c = r["nncore"]["counters"];
        os << "  nncore: " << r["layers"].size() << " compute commands, "
           << si(c["macs"].get<double>(), "MAC") << ", " << c["busy_cycles"].get<uint64_t>()
           << " busy + " << c["stall_cycles"].get<uint64_t>() << " stall cycles\n";
    }
    if (sim["warnings"].get<int>() > 0)
        os << "  warnings: " << sim["warnings"].get<int>() << " (see the log above)\n";
    os << std::right;
}

}  // namespace nnvp
