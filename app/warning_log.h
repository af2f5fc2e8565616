// The run's warnings: printed on stderr as they happen, kept for report.json,
// trace.json and report.html, and handed to the chip (platform
// break_on_warning). Installed as the SystemC report handler by `nnvp run`.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace nnvp {

class timeline;

// Installs the handler; `on_warning` (may be empty) sees "block: text" of
// every warning, in the thread that raised it.
void install_warning_log(std::function<void(const std::string&)> on_warning);
// Warnings so far.
int warning_count();
// sim.warning_log (and sim.warning_log_note when cut) into `report`; the
// warnings as instants on `trace`'s warnings track.
void add_warning_log(nlohmann::json& report, timeline& trace);

}  // namespace nnvp
