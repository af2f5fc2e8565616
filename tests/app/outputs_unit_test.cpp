// Headline metrics, number formatting, Pareto fronts, the summary table, the
// progress line and compare, on hand-made reports with hand-computed values.
#include <gtest/gtest.h>

#include <sstream>

#include "app/compare.h"
#include "app/format.h"
#include "app/headline.h"
#include "app/pareto.h"
#include "app/layers_csv.h"
#include "app/summary.h"
#include "outputs_fixture.h"

namespace {

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

// The line of `text` starting with `start`, its columns joined by one space.
std::string line_of(const std::string& text, const std::string& start) {
    const std::size_t at = text.find("\n" + start);
    if (at == std::string::npos)
        return "(no line " + start + ")";
    std::istringstream in(text.substr(at + 1, text.find('\n', at + 1) - at - 1));
    std::string word, out;
    while (in >> word) {
        if (word == "uJ" || word == "k" || word == "nJ")
            out += " " + word;  // a value's unit, not a column
        else
            out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

}  // namespace

TEST(format, si_prefixes_and_ratios) {
    EXPECT_EQ(nnvp::format_si(5.6189076e-05, "s"), "56.2 us");
    EXPECT_EQ(nnvp::format_si(0.3627, "W"), "363 mW");
    EXPECT_EQ(nnvp::format_si(12.8e9, "B/s"), "12.8 GB/s");
    EXPECT_EQ(nnvp::format_si(0, "J"), "0 J");
    EXPECT_EQ(nnvp::format_si(999.7, ""), "1 k");
    EXPECT_EQ(nnvp::format_ratio(3, 1.5), "2.00x");
    EXPECT_EQ(nnvp::format_ratio(1, 0), "-");
    EXPECT_EQ(nnvp::format_metric(0.25, "%"), "25.0%");
    EXPECT_EQ(nnvp::format_metric(0, "%"), "0.0%");
    EXPECT_EQ(nnvp::format_metric(1, ""), "1");
    EXPECT_EQ(nnvp::format_metric(12, ""), "12");
    EXPECT_EQ(nnvp::format_metric(590144, "MAC"), "590 k MAC");
}

TEST(headline, bring_up_runs_have_no_layer_or_inference_metrics) {
    const auto r = nnvp::test::bringup_report();
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "energy_j"), 4e-6);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "latency_s"), 2e-5);  // the simulated time
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "dram_bytes"), 1600);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "dram_bandwidth_bps"), 1600 / 2e-5);
    for (const char* absent : {"macs", "layers", "utilization", "inferences", "latency_p99_s",
                               "inferences_per_s", "sqnr_db"})
        EXPECT_FALSE(nnvp::headline_value(r, absent)) << absent;
    EXPECT_FALSE(nnvp::headline_value(r, "no_such_metric"));
}

TEST(headline, network_runs_sum_layers_and_inferences) {
    const auto r = nnvp::test::network_report();
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "macs"), 1010000);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "nncore_cycles"), 4000);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "utilization"), (0.5 * 1000 + 0.1 * 3000) / 4000);
    EXPECT_NEAR(*nnvp::headline_value(r, "latency_s"), 4e-6, 1e-18);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "latency_p99_s"), 6e-6);  // nearest rank
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "deadline_misses"), 1);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "inferences_per_j"), 3 / 4e-6);
    EXPECT_DOUBLE_EQ(*nnvp::headline_value(r, "gops_per_w"), 505);
    // headline_rows keeps the documented order.
    const auto rows = nnvp::headline_rows(r);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows.front().metric->name, "simulated_s");
}

TEST(pareto, marks_non_dominated_points) {
    using pt = std::optional<std::pair<double, double>>;
    const std::vector<pt> points = {pt({1, 5}), pt({2, 2}), pt({3, 3}), std::nullopt,
                                    pt({5, 1}), pt({2, 2}), pt({1, 6})};
    EXPECT_EQ(nnvp::pareto_front(points),
              (std::vector<bool>{true, true, false, false, true, true, false}));
    EXPECT_TRUE(nnvp::pareto_front({}).empty());
}

TEST(summary, table_shows_headline_layers_and_components) {
    std::ostringstream os;
    nnvp::print_summary_table(os, nnvp::test::network_report(), 1);
    const std::string s = os.str();
    EXPECT_TRUE(has(s, "== net ==  (functional, tiny)")) << s;
    EXPECT_TRUE(has(s, "firmware dma_tensor_demo, exit code 0 (halted)"));
    EXPECT_TRUE(has(s, "energy_j            4 uJ"));
    EXPECT_TRUE(has(s, "deadline_misses     1"));
    EXPECT_TRUE(has(s, "energy by component: cpu 75.0% dma 25.0%"));
    // One row allowed: the busiest layer (fc, 3000 cycles) and a pointer to the rest.
    EXPECT_TRUE(has(s, "fc"));
    EXPECT_FALSE(has(s, "conv1"));
    EXPECT_TRUE(has(s, "(1 more rows in layers.csv)"));
}

// A CPU step is listed with its time and the compiler's reason, and
// layers.csv carries unit, reason (quoted: it has a comma) and time.
TEST(summary, cpu_steps_are_listed_with_their_reason) {
    nlohmann::json r = nnvp::test::network_report();
    for (auto& l : r["layers"])
        l["unit"] = "nncore", l["cpu_reason"] = "", l["time_s"] = 1e-6;
    r["layers"].push_back({{"name", "norm"}, {"type", "lrn"}, {"unit", "cpu"},
                           {"cpu_reason", "op unsupported: no lrn, nor, anything"},
                           {"time_s", 3e-6}, {"cycles", 0}});
    std::ostringstream os;
    nnvp::print_summary_table(os, r);
    EXPECT_TRUE(has(os.str(), "on the CPU: 1 of 3 steps, 3 us per inference (60.0% of the steps' time)"))
        << os.str();
    EXPECT_TRUE(has(os.str(), "norm                          3 us  op unsupported: no lrn, nor, anything"))
        << os.str();
    std::ostringstream csv;
    nnvp::write_layers_csv(csv, r);
    EXPECT_TRUE(has(csv.str(), "name,type,unit,cpu_reason,time_s,precision")) << csv.str();
    EXPECT_TRUE(has(csv.str(), "norm,lrn,cpu,\"op unsupported: no lrn, nor, anything\",3e-06,,"))
        << csv.str();
    EXPECT_TRUE(has(csv.str(), "conv1,conv2d,nncore,,1e-06,int8,ws,1000000,")) << csv.str();
}

// The console counts every DMA run (report.json lists the first 10000) and
// says when a trace was cut.
TEST(summary, runs_are_counted_whole_and_a_cut_trace_is_said) {
    nlohmann::json r = nnvp::test::network_report();
    r["dma"]["runs"] = nlohmann::json::array({nlohmann::json::object()});
    r["dma"]["runs_total"] = 1876800;
    r["trace"]["events"] = {{"note", "trace.json and power.vcd stop at 5.4 s simulated"}};
    std::ostringstream os;
    nnvp::print_summary_table(os, r);
    EXPECT_TRUE(has(os.str(), "dma: 1876800 runs")) << os.str();
    EXPECT_TRUE(has(os.str(), "trace (events): trace.json and power.vcd stop at 5.4 s simulated"))
        << os.str();
}

TEST(summary, bring_up_summary_has_no_layer_table) {
    std::ostringstream os;
    nnvp::print_summary_table(os, nnvp::test::bringup_report());
    EXPECT_FALSE(has(os.str(), "layer "));
    EXPECT_TRUE(has(os.str(), "dma: 2 runs, 1.6 kB moved; cpu: 2 interrupts, 15 register"));
}

TEST(progress, text_and_redraw_rules) {
    EXPECT_EQ(nnvp::progress_text(5e-3, 0.5, "inference 3 of 4"),
              "[ 50%] 5 ms simulated, inference 3 of 4");
    EXPECT_EQ(nnvp::progress_text(2e-6, -1, ""), "2 us simulated");
    std::ostringstream os;
    nnvp::progress_line quiet(os, false);
    quiet.update(1, 2);
    quiet.finish();
    EXPECT_EQ(os.str(), "");  // not a terminal: nothing
    nnvp::progress_line line(os, true);
    line.update(0.5, 0.25);
    line.update(0.501, 0.2505);  // same percent: no redraw
    line.update(1.0, 0.5);
    line.update(1.5, -1);  // unknown: redraws per doubling of simulated time
    line.update(1.6, -1);
    line.update(3.2, -1);
    line.finish();
    const std::string s = os.str();
    EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 4);
    EXPECT_TRUE(has(s, "\r[ 25%] 500 ms simulated"));
    EXPECT_TRUE(has(s, "\r3.2 s simulated"));
    EXPECT_EQ(s.back(), '\n');
}

TEST(compare, ratios_of_headline_and_layer_metrics) {
    auto a = nnvp::test::network_report();
    auto b = a;
    b["power"]["energy_j"] = 8e-6;   // B uses twice the energy
    b["layers"][0]["end_s"] = 1.5e-6;  // and half the time on conv1
    b["layers"][1]["name"] = "fc_int4";
    std::ostringstream os;
    nnvp::print_comparison(os, {a, b}, {"runs/a", "runs/b"});
    const std::string s = os.str();
    EXPECT_TRUE(has(s, "A: runs/a (net)")) << s;
    EXPECT_EQ(line_of(s, "  energy_j "), "energy_j 4 uJ 8 uJ 2.00x") << s;
    EXPECT_EQ(line_of(s, "  firmware_exit_code "), "firmware_exit_code 0 0 -");  // 0/0 has no ratio
    EXPECT_EQ(line_of(s, "     0  conv1"),
              "0 conv1 - 1 us 500 ns 0.50x 1 uJ 1 uJ 1.00x 1.00x 50.0% 50.0%");
    EXPECT_TRUE(has(s, "fc|fc_int4"));  // rows pair by position; differing names shown
    EXPECT_FALSE(has(s, "sqnr_db"));    // neither report has it
}

// Three runs: per-inference energy (the runs were simulated for different
// times), energy by domain, latency percentiles, residency and transitions.
TEST(compare, several_runs_per_inference_per_domain_and_residency) {
    auto a = nnvp::test::network_report();
    a["sim"]["simulated_s"] = 2e-5;
    a["power"]["by_domain"] = {{"nncore", {{"energy_j", 3e-6}}}, {"cpu", {{"energy_j", 1e-6}}}};
    a["power"]["states"] = {{"nncore", {{"on", 1.5e-5}, {"off", 5e-6}}}};
    a["power"]["opp_residency"] = {{"nncore", {{"1000MHz", 2e-5}}}};
    a["power"]["transitions"] = {{"nncore", 2}};
    a["power"]["power_states"] = {{"nncore", {{"state_transitions", 4}}}};
    auto b = a;  // twice as long: six inferences, twice the energy
    b["sim"]["simulated_s"] = 4e-5;
    b["power"]["energy_j"] = 8e-6;
    b["power"]["by_domain"]["nncore"]["energy_j"] = 6e-6;
    for (int k = 0; k < 3; ++k)
        b["inferences"].push_back(b["inferences"][static_cast<std::size_t>(k)]);
    b["power"]["states"]["nncore"] = {{"on", 1e-5}, {"off", 3e-5}};
    b["power"]["transitions"]["nncore"] = 6;
    b["power"]["power_states"]["nncore"]["state_transitions"] = 10;
    auto c = a;
    c["inferences"][1]["latency_s"] = 1.2e-5;
    std::ostringstream os;
    nnvp::print_comparison(os, {a, b, c}, {"a", "b", "c"});
    const std::string s = os.str();
    EXPECT_TRUE(has(s, "C: c (net)")) << s;
    EXPECT_TRUE(has(s, "B/A") && has(s, "C/A"));
    // Per inference: 4 uJ / 3, 8 uJ / 6: equal although B's total doubled.
    EXPECT_EQ(line_of(s, "per inference (energy"), "per inference (energy / inferences)");
    const std::string per = s.substr(s.find("per inference"));
    EXPECT_EQ(line_of(per, "  energy_j "), "energy_j 1.33 uJ 1.33 uJ 1.33 uJ 1.00x 1.00x") << s;
    EXPECT_EQ(line_of(per, "  energy nncore "), "energy nncore 1 uJ 1 uJ 1 uJ 1.00x 1.00x");
    EXPECT_TRUE(has(s, "note: the runs were simulated for different times (A 20 us, B 40 us, C 20 us)"));
    const std::string dom = s.substr(s.find("energy by power domain"));
    EXPECT_EQ(line_of(dom, "  nncore "), "nncore 3 uJ 6 uJ 3 uJ 2.00x 1.00x");
    EXPECT_EQ(line_of(s, "  latency p50 "), "latency p50 4 us 4 us 4 us 1.00x 1.00x");
    EXPECT_EQ(line_of(s, "  latency max "), "latency max 6 us 6 us 12 us 1.00x 2.00x");
    EXPECT_EQ(line_of(s, "  nncore state on "), "nncore state on 75.0% 25.0% 75.0% 0.33x 1.00x");
    EXPECT_EQ(line_of(s, "  nncore opp 1000MHz "), "nncore opp 1000MHz 100.0% 50.0% 100.0% 0.50x 1.00x");
    EXPECT_EQ(line_of(s, "  nncore opp transitions "), "nncore opp transitions 2 6 2 3.00x 1.00x");
    EXPECT_EQ(line_of(s, "  nncore state transitions "),
              "nncore state transitions 4 10 4 2.50x 1.00x");
    EXPECT_TRUE(has(s, "the per-layer table compares two reports at a time"));
}
