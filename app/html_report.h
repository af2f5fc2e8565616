// report.html: one self-contained page (inline CSS and SVG, no scripts, no
// network) built from report.json content: headline numbers, power over
// time with state bands, per-layer latency and energy, roofline, state
// residency, inference latencies. Sections the report lacks are named as
// missing instead of drawn (bring-up runs have no layers).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/power_series.h"

namespace nnvp {

std::string make_html_report(const nlohmann::json& report, const power_series& series);

// Writes DIR/report.html for a run whose report.json is `report`. The power
// series comes from report["power"]["samples"] when present, else from
// `counters` (the run's own, as its trace.json holds them) when given, else
// from DIR/trace.json when that exists. Returns the path written; throws
// std::runtime_error when the file cannot be written.
std::string write_html_report(const std::string& dir, const nlohmann::json& report,
                              const power_series* counters = nullptr);

}  // namespace nnvp
