// report.html from report.json: every plot the report has data for, a
// reason for every one it has not, hand-computed roofline peaks, and power
// series read from report samples or trace counters.
#include "app/html_report.h"

#include <gtest/gtest.h>

#include "app/html_plots.h"
#include "app/power_series.h"
#include "outputs_fixture.h"

namespace {

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

}  // namespace

TEST(html_report, a_network_run_has_every_plot) {
    const auto r = nnvp::test::network_report();
    const std::string html = nnvp::make_html_report(r, nnvp::power_series_from_report(r));
    for (const char* id :
         {"id=\"headline\"", "id=\"plot-power\"", "id=\"plot-residency\"",
          "id=\"plot-layer-latency\"", "id=\"plot-layer-energy\"", "id=\"plot-roofline\"",
          "id=\"plot-inferences\"", "id=\"layers\"", "id=\"energy-by-component\""})
        EXPECT_TRUE(has(html, id)) << id;
    EXPECT_TRUE(has(html, "<!DOCTYPE html>"));
    EXPECT_FALSE(has(html, "<script"));
    EXPECT_FALSE(has(html, "http://") && !has(html, "http://www.w3.org/2000/svg"));
    EXPECT_FALSE(has(html, "https://"));       // self-contained: nothing fetched
    EXPECT_TRUE(has(html, "a &lt;demo&gt;"));  // text is escaped
    // The headline table carries hand-computed figures: mean latency 4 us,
    // one deadline miss, cycle-weighted utilization (0.5*1000+0.1*3000)/4000.
    EXPECT_TRUE(has(html, "<td>latency_s</td><td>4 us</td>"));
    EXPECT_TRUE(has(html, "<td>deadline_misses</td><td>1</td>"));
    EXPECT_TRUE(has(html, "<td>utilization</td><td>20.0%</td>"));
    EXPECT_TRUE(has(html, "class=\"miss\""));
}

TEST(html_report, a_bring_up_run_says_what_is_missing) {
    const auto r = nnvp::test::bringup_report();
    const std::string html = nnvp::make_html_report(r, nnvp::power_series{});
    EXPECT_TRUE(has(html, "id=\"headline\""));
    EXPECT_TRUE(has(html, "id=\"plot-residency\""));
    for (const char* id : {"plot-power", "plot-layer-latency", "plot-layer-energy", "plot-roofline",
                           "plot-inferences", "id=\"layers\""})
        EXPECT_FALSE(has(html, id)) << id;
    EXPECT_TRUE(has(html, "No layers: this run did not use the NN core"));
    EXPECT_TRUE(has(html, "No power samples"));
}

// A DMA modelled in burst trains (docs/dma_trains.md) is said at the top;
// the burst-by-burst model, the default, is not.
TEST(html_report, burst_trains_are_named_under_the_title) {
    auto r = nnvp::test::network_report();
    EXPECT_FALSE(has(nnvp::make_html_report(r, {}), "DMA modelled in"));
    r["dma"]["model"] = "burst trains of up to 16384 bytes (docs/dma_trains.md)";
    EXPECT_TRUE(has(nnvp::make_html_report(r, {}),
                    "<br>DMA modelled in burst trains of up to 16384 bytes"));
}

// A trace cut short (platform.trace_max_events, trace_event_limit) is said
// at the top too, with report.json's note.
TEST(html_report, a_cut_trace_is_named_under_the_title) {
    auto r = nnvp::test::network_report();
    EXPECT_FALSE(has(nnvp::make_html_report(r, {}), "Trace ("));
    r["trace"]["events"] = {{"recorded", 1000}, {"dropped", 5},
                            {"note", "trace.json and power.vcd stop at 0.1 s simulated"}};
    EXPECT_TRUE(has(nnvp::make_html_report(r, {}),
                    "<br>Trace (events): trace.json and power.vcd stop at 0.1 s simulated"));
}

TEST(html_report, a_report_with_nothing_but_a_name_still_renders) {
    const std::string html =
        nnvp::make_html_report(nlohmann::json{{"scenario", {{"name", "x"}}}}, {});
    EXPECT_TRUE(has(html, "<h1>x</h1>"));
    EXPECT_TRUE(has(html, "</html>"));
}

TEST(html_report, roofline_peaks_come_from_the_platform_config) {
    const auto r = nnvp::test::network_report();
    const auto int8 = nnvp::peaks_of(r, "int8");
    ASSERT_TRUE(int8);
    EXPECT_DOUBLE_EQ(int8->ops_per_s, 16 * 16 * 4 * 2 * 1000e6);  // fastest OPP
    EXPECT_DOUBLE_EQ(int8->dram_bytes_per_s, 16 * 800e6);
    EXPECT_DOUBLE_EQ(nnvp::peaks_of(r, "int4")->ops_per_s, 16 * 16 * 8 * 2 * 1000e6);
    EXPECT_FALSE(nnvp::peaks_of(r, "fp32"));  // no macs_per_pe entry: no roof
    // conv1: 2e6 ops over 10000 DRAM bytes = 200 op/B, in 1 us = 2e12 op/s.
    const std::string svg = nnvp::roofline_plot(r);
    EXPECT_TRUE(has(svg, "conv1 (int8): 200 op/B, 2 Top/s")) << svg;
    EXPECT_TRUE(has(svg, "int8 peak 2.05 Top/s, DRAM 12.8 GB/s"));
}

TEST(html_report, layer_bars_split_compute_and_stall) {
    const std::string svg = nnvp::layer_latency_plot(nnvp::test::network_report());
    EXPECT_TRUE(has(svg, "conv1: 1 us, 1 k cycles (400 cycles stall)")) << svg;
    EXPECT_TRUE(has(svg, "class=\"bar-stall\""));
}

TEST(power_series, reads_report_samples) {
    const auto s = nnvp::power_series_from_report(nnvp::test::network_report());
    ASSERT_EQ(s.power.size(), 2u);
    EXPECT_DOUBLE_EQ(s.power[1].end_s, 2e-5);
    EXPECT_DOUBLE_EQ(s.power[1].watts, 0.15);
    ASSERT_EQ(s.states.at("nncore").size(), 2u);
    EXPECT_EQ(s.states.at("nncore")[1].state, "off");
    EXPECT_EQ(s.states.at("cpu").size(), 1u);  // unchanged states are one band
}

TEST(power_series, reads_trace_counters) {
    const auto trace = nlohmann::json::parse(R"({"traceEvents": [
      {"ph": "C", "name": "nncore.state", "ts": 0, "pid": 1, "args": {"value": 0}},
      {"ph": "C", "name": "power_w", "ts": 10, "pid": 1, "args": {"value": 0.5}},
      {"ph": "X", "name": "conv", "ts": 1, "dur": 2, "pid": 1, "tid": 3},
      {"ph": "C", "name": "nncore.state", "ts": 12, "pid": 1, "args": {"value": 3}},
      {"ph": "C", "name": "nncore.power_w", "ts": 10, "pid": 1, "args": {"value": 0.1}},
      {"ph": "C", "name": "power_w", "ts": 20, "pid": 1, "args": {"value": 0.25}}
    ]})");
    const auto s = nnvp::power_series_from_trace(trace);
    ASSERT_EQ(s.power.size(), 2u);
    EXPECT_DOUBLE_EQ(s.power[0].end_s, 10e-6);
    EXPECT_DOUBLE_EQ(s.power[0].watts, 0.5);
    ASSERT_EQ(s.states.size(), 1u);
    ASSERT_EQ(s.states.at("nncore").size(), 2u);
    EXPECT_EQ(s.states.at("nncore")[1].state, "off");
    EXPECT_DOUBLE_EQ(s.states.at("nncore")[1].at_s, 12e-6);
    EXPECT_EQ(nnvp::power_state_name(2), "retention");
}

// One window far above all others (a modelling artefact, or a real glitch)
// would flatten the plot: it is cut at the top edge and named. Bursts of
// many windows are the signal and keep the full range.
TEST(html_report, a_single_power_window_does_not_set_the_range) {
    const auto r = nnvp::test::network_report();
    nnvp::power_series spike, bursts;
    for (int i = 0; i < 200; ++i) {
        spike.power.push_back({(i + 1) * 1e-5, i == 120 ? 20.0 : 0.2 + 0.001 * (i % 7)});
        bursts.power.push_back({(i + 1) * 1e-5, i % 20 == 0 ? 2.0 : 0.2});
    }
    const std::string a = nnvp::power_plot(r, spike);
    EXPECT_TRUE(has(a, "1 window above the range, cut at the top edge (peak 20 W in the window "
                       "ending at 1.21 ms)"))
        << a;
    EXPECT_FALSE(has(a, ">20<"));   // no tick at the spike's height
    EXPECT_TRUE(has(a, ">200 m<"));  // the rest has ticks of its own
    const std::string b = nnvp::power_plot(r, bursts);
    EXPECT_FALSE(has(b, "above the range")) << b;
    EXPECT_TRUE(has(b, ">2<"));
}

// The clocks DVFS chose, the deadline of a paced run, named roofline points.
TEST(html_report, clocks_deadline_and_roofline_labels) {
    auto r = nnvp::test::network_report();
    r["throughput"]["deadline_s"] = 5e-6;
    nnvp::power_series s = nnvp::power_series_from_report(r);
    nnvp::add_counter(s, "nncore.freq_mhz", 0, 1000);
    nnvp::add_counter(s, "nncore.freq_mhz", 7, 300);
    nnvp::add_counter(s, "cpu.freq_mhz", 0, 1200);
    nnvp::sort_by_time(s);
    const std::string html = nnvp::make_html_report(r, s);
    EXPECT_TRUE(has(html, "id=\"plot-clocks\""));
    EXPECT_TRUE(has(html, ">nncore 300 MHz (1 changes)</text>")) << html;
    EXPECT_TRUE(has(html, ">cpu 1.2 GHz</text>"));
    EXPECT_TRUE(has(html, "class=\"deadline\""));
    EXPECT_TRUE(has(html, ">deadline 5 us</text>"));
    EXPECT_TRUE(has(html, ">#0 conv1</text>"));  // row number and name
    // Without clock counters the page says so.
    EXPECT_TRUE(has(nnvp::make_html_report(r, nnvp::power_series_from_report(r)),
                    "No clock counters"));
}

// Steps on the CPU are listed slowest first with the compiler's reason;
// a run with every layer on the core has no such section.
TEST(html_report, steps_on_the_cpu_are_listed_with_their_reason) {
    auto r = nnvp::test::network_report();
    EXPECT_FALSE(has(nnvp::make_html_report(r, {}), "id=\"cpu-steps\""));
    r["layers"][0]["unit"] = "nncore";
    r["layers"][0]["time_s"] = 1e-6;
    r["layers"][1]["unit"] = "cpu";
    r["layers"][1]["time_s"] = 3e-6;
    r["layers"][1]["cpu_reason"] = "shape does not fit the core: <buffers>";
    const std::string html = nnvp::make_html_report(r, {});
    EXPECT_TRUE(has(html, "id=\"cpu-steps\"")) << html;
    EXPECT_TRUE(has(html, "1 of 2 steps ran on the CPU: 3 us of the steps' 4 us")) << html;
    EXPECT_TRUE(has(html, "<td>fc</td><td>3 us</td><td class=\"text\">shape does not fit the "
                          "core: &lt;buffers&gt;</td>"))
        << html;
}
