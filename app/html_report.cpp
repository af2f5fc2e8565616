#include "app/html_report.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/format.h"
#include "app/headline.h"
#include "app/html_plots.h"
#include "app/json_lookup.h"
#include "app/svg_plot.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

const char* const css = R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 960px; }
table { font-size: 13px; }
td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child, .text { text-align: left; }
.power { fill: none; stroke: #c0392b; stroke-width: 1.5; }
.avg { stroke: #555; stroke-dasharray: 4 3; }
.st-on { fill: #2ecc71; } .st-idle { fill: #f1c40f; } .st-retention { fill: #3498db; }
.st-off { fill: #95a5a6; } .st-other { fill: #8e44ad; }
.bar { fill: #2980b9; } .bar-stall { fill: #e67e22; } .bar-energy { fill: #16a085; }
.roof { fill: none; stroke: #333; stroke-width: 1.5; }
.layer-pt { fill: #c0392b; fill-opacity: 0.7; }
.hit { fill: #2980b9; } .miss { fill: #c0392b; }
.ph-prefill { fill: #e67e22; } .ph-decode { fill: #5dade2; }
.ttft { fill: #e67e22; } .tpot { fill: #2980b9; fill-opacity: 0.8; }
.clk0, .clk1, .clk2, .clk3, .clk4, .clk5 { fill: none; stroke-width: 1.5; }
.clk0 { stroke: #c0392b; } .clk1 { stroke: #2980b9; } .clk2 { stroke: #27ae60; }
.clk3 { stroke: #8e44ad; } .clk4 { stroke: #e67e22; } .clk5 { stroke: #7f8c8d; }
.clk0-label { fill: #c0392b; } .clk1-label { fill: #2980b9; } .clk2-label { fill: #27ae60; }
.clk3-label { fill: #8e44ad; } .clk4-label { fill: #e67e22; } .clk5-label { fill: #7f8c8d; }
.deadline { stroke: #c0392b; stroke-dasharray: 6 3; } .deadline-label { fill: #c0392b; }
)";

std::string esc(const std::string& s) {
    return xml_escape(s);
}

std::string headline_table(const json& report) {
    std::ostringstream os;
    os << "<table id=\"headline\">\n<tr><th>metric</th><th>value</th><th "
          "class=\"text\">meaning</th></tr>\n";
    for (const auto& row : headline_rows(report))
        os << "<tr><td>" << esc(row.metric->name) << "</td><td>"
           << esc(format_metric(row.value, row.metric->unit)) << "</td><td class=\"text\">"
           << esc(row.metric->description) << "</td></tr>\n";
    os << "</table>\n";
    return os.str();
}

// The run's warnings (sim.warning_log), the first 100 of them.
std::string warning_table(const json& report) {
    const json& log = json_array(report, "sim.warning_log");
    if (log.empty())
        return "";
    std::ostringstream os;
    os << "<h2>Warnings</h2>\n<table id=\"warnings\">\n<tr><th>time</th><th>block</th>"
          "<th>warning</th></tr>\n";
    const std::size_t shown = std::min<std::size_t>(log.size(), 100);
    for (std::size_t i = 0; i < shown; ++i)
        os << "<tr><td>" << format_si(json_number(log[i], "t_s").value_or(0), "s") << "</td><td>"
           << esc(json_text(log[i], "block")) << "</td><td class=\"text\">"
           << esc(json_text(log[i], "text")) << "</td></tr>\n";
    os << "</table>\n";
    const double total = json_number(report, "sim.warnings").value_or(0);
    if (total > static_cast<double>(shown))
        os << "<p>The first " << shown << " of " << total << " warnings; report.json "
           << "sim.warning_log has the first " << log.size() << ".</p>\n";
    return os.str();
}

// Layers that ran on the CPU, slowest first, with the compiler's reason: a
// fallback (a layer too big for the core's buffers) must not hide in the
// layer table.
std::string cpu_step_table(const json& report) {
    std::vector<const json*> cpu;
    double all_s = 0;
    for (const json& l : json_array(report, "layers")) {
        all_s += json_number(l, "time_s").value_or(0);
        if (json_text(l, "unit") == "cpu")
            cpu.push_back(&l);
    }
    if (cpu.empty())
        return "";
    std::stable_sort(cpu.begin(), cpu.end(), [](const json* a, const json* b) {
        return json_number(*a, "time_s").value_or(0) > json_number(*b, "time_s").value_or(0);
    });
    double cpu_s = 0;
    for (const json* l : cpu)
        cpu_s += json_number(*l, "time_s").value_or(0);
    std::ostringstream os;
    os << "<h2>Steps on the CPU</h2>\n<p>" << cpu.size() << " of "
       << json_array(report, "layers").size() << " steps ran on the CPU: "
       << format_si(cpu_s, "s") << " of the steps' " << format_si(all_s, "s") << ".</p>\n"
       << "<table id=\"cpu-steps\">\n<tr><th>name</th><th>time</th><th>why not on the NN core</th></tr>\n";
    for (const json* l : cpu)
        os << "<tr><td>" << esc(json_text(*l, "name")) << "</td><td>"
           << format_si(json_number(*l, "time_s").value_or(0), "s") << "</td><td class=\"text\">"
           << esc(json_text(*l, "cpu_reason", "-")) << "</td></tr>\n";
    os << "</table>\n";
    return os.str();
}

std::string component_table(const json& report) {
    const json* by = json_find(report, "power.by_component");
    if (!by || !by->is_object())
        return "";
    const double total = json_number(report, "power.energy_j").value_or(0);
    std::ostringstream os;
    os << "<table id=\"energy-by-component\">\n<tr><th>component</th><th>domain</th>"
          "<th>dynamic</th><th>leakage</th><th>energy</th><th>share</th></tr>\n";
    for (const auto& [name, c] : by->items()) {
        const double e = json_number(c, "energy_j").value_or(0);
        if (e == 0)
            continue;
        os << "<tr><td>" << esc(name) << "</td><td>" << esc(json_text(c, "domain")) << "</td><td>"
           << format_si(json_number(c, "dynamic_j").value_or(0), "J") << "</td><td>"
           << format_si(json_number(c, "leakage_j").value_or(0), "J") << "</td><td>"
           << format_si(e, "J") << "</td><td>" << (total > 0 ? format_metric(e / total, "%") : "-")
           << "</td></tr>\n";
    }
    os << "</table>\n";
    return os.str();
}

std::string layer_table(const json& report) {
    const json& layers = json_array(report, "layers");
    std::ostringstream os;
    os << "<table id=\"layers\">\n<tr><th>#</th><th>name</th><th>type</th><th>unit</th>"
          "<th>precision</th><th>dataflow</th><th>time</th><th>MACs</th><th>cycles</th>"
          "<th>stall</th><th>utilization</th><th>DRAM bytes</th><th>energy</th></tr>\n";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const json& l = layers[i];
        const auto n = [&](const char* k) { return json_number(l, k).value_or(0); };
        os << "<tr><td>" << i << "</td><td>" << esc(json_text(l, "name")) << "</td><td>"
           << esc(json_text(l, "type")) << "</td><td>" << esc(json_text(l, "unit", "-"))
           << "</td><td>" << esc(json_text(l, "precision")) << "</td><td>"
           << esc(json_text(l, "dataflow")) << "</td><td>"
           << (json_number(l, "time_s") ? format_si(n("time_s"), "s") : "-") << "</td><td>"
           << format_si(n("macs"), "") << "</td><td>" << format_si(n("cycles"), "") << "</td><td>"
           << format_si(n("stall_cycles"), "") << "</td><td>"
           << format_metric(n("utilization"), "%") << "</td><td>"
           << format_si(n("dram_read_bytes") + n("dram_write_bytes"), "B") << "</td><td>"
           << format_si(n("energy_j"), "J") << "</td></tr>\n";
    }
    os << "</table>\n";
    return os.str();
}

// A generation run's figures: per phase, and the request-level percentiles.
std::string generation_table(const json& report) {
    std::ostringstream os;
    os << "<h2>Generation</h2>\n<table id=\"generation\">\n<tr><th>metric</th><th>p50</th>"
          "<th>p95</th><th>p99</th><th>max</th></tr>\n";
    for (const auto& [k, label] : {std::pair{"ttft_s", "time to first token"},
                                   std::pair{"tpot_s", "time per output token"}}) {
        os << "<tr><td>" << label;
        for (const char* p : {"p50", "p95", "p99", "max"})
            os << "</td><td>"
               << format_si(json_number(report, std::string("generation.") + k + "." + p).value_or(0), "s");
        os << "</td></tr>\n";
    }
    os << "</table>\n<table id=\"generation-phases\">\n<tr><th>phase</th><th>time per pass</th>"
          "<th>MACs</th><th>utilization</th><th>NN-core DRAM bytes</th><th>ops/byte</th>"
          "<th>bound</th></tr>\n";
    for (const char* ph : {"prefill", "decode"}) {
        const std::string at = std::string("generation.phases.") + ph + ".";
        auto n = [&](const char* k) { return json_number(report, at + k).value_or(0); };
        os << "<tr><td>" << ph << "</td><td>" << format_si(n("time_s"), "s") << "</td><td>"
           << format_si(n("macs"), "") << "</td><td>" << format_metric(n("utilization"), "%")
           << "</td><td>" << format_si(n("nncore_dram_bytes"), "B") << "</td><td>"
           << format_metric(n("ops_per_dram_byte"), "") << "</td><td>"
           << esc(json_text(report, at + "bound")) << "</td></tr>\n";
    }
    os << "</table>\n<p class=\"meta\">"
       << format_si(json_number(report, "generation.tokens_per_s").value_or(0), "") << " tokens/s, "
       << format_si(json_number(report, "generation.energy_per_token_j").value_or(0), "J")
       << " per token, KV cache "
       << format_si(json_number(report, "generation.kv_cache.bytes").value_or(0), "B") << " in "
       << esc(json_text(report, "generation.kv_cache.memory")) << "</p>\n";
    return os.str();
}

// A plot, or a line saying why it is not there.
std::string section(const std::string& title, const std::string& svg, const std::string& why) {
    return "<h2>" + esc(title) + "</h2>\n" +
           (svg.empty() ? "<p class=\"missing\">" + esc(why) + "</p>\n" : svg);
}

}  // namespace

std::string make_html_report(const json& report, const power_series& series) {
    const std::string name = json_text(report, "scenario.name", "nnvp run");
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<title>nnvp: " << esc(name) << "</title>\n<style>" << plot_page_css << css
       << "</style>\n</head>\n"
       << "<body>\n<h1>" << esc(name) << "</h1>\n<p class=\"meta\">"
       << esc(json_text(report, "scenario.description")) << "<br>mode "
       << esc(json_text(report, "scenario.mode", "?")) << ", platform "
       << esc(json_text(report, "platform.name", "?")) << ", firmware "
       << esc(json_text(report, "firmware.program", "?")) << ", end "
       << esc(json_text(report, "sim.end", "?"));
    // A DMA modelled in burst trains is an approximation the reader should see.
    if (const std::string dma = json_text(report, "dma.model", "bursts"); dma != "bursts")
        os << "<br>DMA modelled in " << esc(dma);
    if (const json* t = json_find(report, "trace"); t && t->is_object())
        for (const auto& [what, n] : t->items())
            if (n.is_object() && n.contains("note"))
                os << "<br>Trace (" << esc(what) << "): " << esc(json_text(n, "note", ""));
    os << "</p>\n";

    os << "<h2>Headline</h2>\n" << headline_table(report);
    os << warning_table(report);
    os << cpu_step_table(report);
    os << section("Power over time", power_plot(report, series),
                  "No power samples: the report has no power.samples and trace.json has no "
                  "power_w counters (platform trace_power_sample_us = 0, or a run shorter than "
                  "one sampling period).");
    os << section("Clock frequency over time", clock_plot(report, series),
                  "No clock counters: trace.json has no <domain>.freq_mhz counters.");
    if (json_find(report, "generation")) {
        os << generation_table(report);
        os << section("Time to first token and per output token", generation_latency_plot(report),
                      "No token was generated.");
        os << section("Energy per token", token_energy_plot(report), "No token was generated.");
    }
    os << section("State residency", residency_plot(report),
                  "The report has no power.states residency.");
    const std::string no_layers =
        "No layers: this run did not use the NN core (bring-up "
        "firmware), so there are no per-layer figures.";
    os << section("Latency per layer", layer_latency_plot(report), no_layers);
    os << section("Energy per layer", layer_energy_plot(report), no_layers);
    os << section("Roofline", roofline_plot(report),
                  json_array(report, "layers").empty()
                      ? no_layers
                      : "No layer moved DRAM bytes with MACs to place, or the platform config "
                        "lacks nncore rows/cols/macs_per_pe or DRAM bytes_per_cycle.");
    if (!json_array(report, "inferences").empty())
        os << section("Inference latency", inference_plot(report), "");
    if (const std::string t = component_table(report); !t.empty())
        os << "<h2>Energy by component</h2>\n" << t;
    if (!json_array(report, "layers").empty())
        os << "<h2>Layers</h2>\n" << layer_table(report);
    os << "</body>\n</html>\n";
    return os.str();
}

std::string write_html_report(const std::string& dir, const json& report,
                              const power_series* counters) {
    power_series series = power_series_from_report(report);
    if (series.empty() && counters) {
        series = *counters;
    } else if (series.empty()) {
        std::ifstream in(dir + "/trace.json");
        if (in) {
            const json trace = json::parse(in, nullptr, false);
            if (!trace.is_discarded())
                series = power_series_from_trace(trace);
        }
    }
    const std::string path = dir + "/report.html";
    std::ofstream out(path);
    out << make_html_report(report, series);
    if (!out)
        throw std::runtime_error(path + ": cannot write");
    return path;
}

}  // namespace nnvp
