#include "app/layers_csv.h"

#include <iterator>

#include "app/format.h"

namespace nnvp {

void write_layers_csv(std::ostream& os, const nlohmann::json& r) {
    static const char* columns[] = {"name",           "type",           "unit",
                                    "cpu_reason",     "time_s",         "precision",
                                    "dataflow",       "macs",           "cycles",
                                    "compute_cycles", "stall_cycles",   "utilization",
                                    "dram_read_bytes", "dram_write_bytes", "sram_read_bytes",
                                    "sram_write_bytes", "energy_j",     "zero_skipped_macs",
                                    "bound",          "phase"};
    for (std::size_t i = 0; i < std::size(columns); ++i)
        os << (i ? "," : "") << columns[i];
    os << "\n";
    for (const auto& row : r["layers"]) {
        for (std::size_t i = 0; i < std::size(columns); ++i) {
            // Bring-up rows (one per NN-core command) have no unit or time
            // column; only generation runs have a phase.
            const auto v = row.find(columns[i]);
            os << (i ? "," : "")
               << (v == row.end()        ? std::string()
                   : v->is_string() ? csv_field(v->get<std::string>())
                                    : v->dump());
        }
        os << "\n";
    }
}

}  // namespace nnvp
