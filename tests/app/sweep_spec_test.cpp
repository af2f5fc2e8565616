// Sweep files: grid and list expansion, the --set text of values, and strict
// validation naming file, field and expectation.
#include "app/sweep_spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/sweep.h"
#include "app/sweep_html.h"
#include "ip/common/config_reader.h"

namespace {

namespace fs = std::filesystem;

// A folder holding an (empty) scenario file the sweep files point at.
fs::path sweep_dir() {
    const fs::path dir = fs::temp_directory_path() / "nnvp_sweep_spec_test";
    fs::create_directories(dir);
    std::ofstream(dir / "base.json") << "{}\n";
    return dir;
}

nnvp::sweep_spec parse(const std::string& text) {
    return nnvp::parse_sweep(nlohmann::json::parse(text), (sweep_dir() / "s.json").string());
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const nnvp::config_error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(sweep_spec, grid_is_every_combination_last_key_fastest) {
    const auto s = parse(R"({"scenario": "base.json", "set": {"mode": "timing"},
        "grid": {"firmware.args.a": [1, 2], "firmware.args.b": ["x", "y", "z"]}})");
    EXPECT_EQ(s.scenario, (sweep_dir() / "base.json").string());
    ASSERT_EQ(s.fixed.size(), 1u);
    EXPECT_EQ(s.parameters, (std::vector<std::string>{"firmware.args.a", "firmware.args.b"}));
    ASSERT_EQ(s.points.size(), 6u);
    EXPECT_EQ(s.points[0][0].second, 1);
    EXPECT_EQ(s.points[0][1].second, "x");
    EXPECT_EQ(s.points[1][1].second, "y");
    EXPECT_EQ(s.points[3][0].second, 2);
    EXPECT_EQ(s.points[3][1].second, "x");
    EXPECT_TRUE(s.pareto.empty());
}

TEST(sweep_spec, outputs_and_package_cache_become_run_options) {
    const auto s = parse(R"({"scenario": "base.json", "outputs": "report", "package_cache": false,
        "list": [{"firmware.args.tile": 8}]})");
    EXPECT_TRUE(s.report_only);
    EXPECT_FALSE(s.package_cache);
    EXPECT_EQ(nnvp::point_arguments(s, 0, "out/p0000"),
              (std::vector<std::string>{"run", s.scenario, "--out", "out/p0000", "--outputs",
                                        "report", "--set", "firmware.args.tile=8"}));
    const auto d = parse(R"({"scenario": "base.json", "list": [{"firmware.args.tile": 8}]})");
    EXPECT_FALSE(d.report_only);  // every output unless asked
    EXPECT_TRUE(d.package_cache);
    EXPECT_THROW(parse(R"({"scenario": "base.json", "outputs": "none", "list": [{"a.b": 1}]})"),
                 nnvp::config_error);
}

TEST(sweep_spec, list_points_and_their_run_arguments) {
    const auto s = parse(R"({"scenario": "base.json",
        "list": [{"firmware.args.tile": 8}, {"firmware.args.tile": 16, "mode": "timing"}],
        "pareto": [{"min": "avg_power_w"}, {"max": "inferences_per_s"}]})");
    EXPECT_EQ(s.parameters, (std::vector<std::string>{"firmware.args.tile", "mode"}));
    ASSERT_EQ(s.points.size(), 2u);
    // Points share a package cache beside their folders by default.
    EXPECT_EQ(nnvp::point_arguments(s, 1, "out/p0001"),
              (std::vector<std::string>{"run", s.scenario, "--out", "out/p0001",
                                        "--package-cache", "out/package-cache", "--set",
                                        "firmware.args.tile=16", "--set", "mode=\"timing\""}));
    ASSERT_EQ(s.pareto.size(), 2u);
    EXPECT_EQ(s.pareto[0].metric, "avg_power_w");
    EXPECT_FALSE(s.pareto[0].maximize);
    EXPECT_TRUE(s.pareto[1].maximize);
    // A string that looks like a number stays a string on the command line.
    EXPECT_EQ(nnvp::override_text("123"), "\"123\"");
}

TEST(sweep_spec, bad_files_name_file_field_and_expectation) {
    const std::string f = (sweep_dir() / "s.json").string();
    const struct {
        const char* text;
        std::string expected;
    } cases[] = {
        {R"({"grid": {"a": [1]}})", f + ": scenario: "},
        {R"({"scenario": "nope.json", "grid": {"a": [1]}})",
         f + ": scenario: expected an existing scenario file"},
        {R"({"scenario": "base.json"})", f + ": (top level): expected exactly one of \"grid\""},
        {R"({"scenario": "base.json", "grid": {"a": [1]}, "list": [{"a": 1}]})",
         "expected exactly one of"},
        {R"({"scenario": "base.json", "grid": {"a": []}})",
         f + ": grid.a: expected a non-empty array"},
        {R"({"scenario": "base.json", "grid": {"a": 3}})",
         f + ": grid.a: expected a non-empty array"},
        {R"({"scenario": "base.json", "grid": {}})", f + ": grid: expected at least one key"},
        {R"({"scenario": "base.json", "grid": {"a..b": [1]}})",
         f + ": grid.a..b: expected a dotted --set key"},
        {R"({"scenario": "base.json", "list": []})", f + ": list: expected a non-empty array"},
        {R"({"scenario": "base.json", "list": [3]})", f + ": list[0]: expected a non-empty object"},
        {R"({"scenario": "base.json", "list": [{"a": null}]})",
         f + ": list[0].a: expected a value"},
        {R"({"scenario": "base.json", "grid": {"a": [1]}, "jobs": 4})", f + ": jobs: unknown key"},
        {R"({"scenario": "base.json", "grid": {"a": [1]}, "pareto": [{"min": "energy_j"}]})",
         f + ": pareto: expected two axes"},
        {R"({"scenario": "base.json", "grid": {"a": [1]}, "pareto": [{"min": "energy_j"}, {"max": "speed"}]})",
         f + ": pareto[1].max: unknown metric \"speed\" (known: simulated_s, "},
        {R"({"scenario": "base.json", "grid": {"a": [1]}, "pareto": [{"min": "energy_j"}, {"best": "latency_s"}]})",
         f + ": pareto[1].best: unknown key (expected \"min\" or \"max\")"},
    };
    for (const auto& c : cases) {
        const std::string e = error_of(c.text);
        EXPECT_NE(e.find(c.expected), std::string::npos) << c.text << "\n got: " << e;
    }
}

TEST(sweep_csv, rows_carry_parameters_metrics_and_pareto_flags) {
    const auto s = parse(R"({"scenario": "base.json", "grid": {"firmware.args.tile": [8, 16, 32]},
        "pareto": [{"min": "avg_power_w"}, {"max": "simulated_s"}]})");
    const auto report = [](double t, double e) {
        return nlohmann::json{{"sim", {{"simulated_s", t}}},
                              {"power", {{"energy_j", e}, {"avg_power_w", e / t}}}};
    };
    std::vector<nnvp::sweep_result> results(3);
    results[0] = {"d/p0000", "ok", 0, false, "", report(2, 4)};
    results[1] = {"d/p0001", "ok", 0, true, "", report(1, 8)};
    results[2] = {"d/p0002", "error", 2, false, "nnvp: bad, \"quoted\"", nullptr};
    std::ostringstream os;
    nnvp::write_sweep_csv(os, s, results);
    std::istringstream in(os.str());
    std::string header, row0, row1, row2;
    std::getline(in, header);
    std::getline(in, row0);
    std::getline(in, row1);
    std::getline(in, row2);
    EXPECT_EQ(header.rfind("point,status,exit_code,firmware.args.tile,simulated_s,wall_s,", 0), 0u)
        << header;
    EXPECT_NE(header.find(",pareto_energy_j_latency_s,pareto_avg_power_w_simulated_s,error,dir"),
              std::string::npos);
    EXPECT_EQ(row0.rfind("0,ok,0,8,2,,", 0), 0u) << row0;
    // Both ok points trade energy for latency: both optimal. Power 2 W at 2 s
    // beats 8 W at 1 s in both (min power, max time): only p0 on the second front.
    EXPECT_NE(row0.find(",1,1,,d/p0000"), std::string::npos) << row0;
    EXPECT_NE(row1.find(",1,0,,d/p0001"), std::string::npos) << row1;
    EXPECT_EQ(row2.rfind("2,error,2,32,", 0), 0u) << row2;
    EXPECT_NE(row2.find(",0,0,\"nnvp: bad, \"\"quoted\"\"\",d/p0002"), std::string::npos) << row2;
}

// sweep.html: a circle per successful point with both metrics, the front's
// points marked and labelled with their parameters, every point (failed
// ones with their error) in the table.
TEST(sweep_html, plots_the_fronts_and_lists_every_point) {
    const auto s = parse(R"({"scenario": "base.json",
        "grid": {"platform.nncore.rows": [8, 16], "workload.power.governor.name": ["a", "b"]},
        "pareto": [{"min": "avg_power_w"}, {"max": "simulated_s"}]})");
    const auto report = [](double t, double e, double latency) {
        return nlohmann::json{{"sim", {{"simulated_s", t}}},
                              {"power", {{"energy_j", e}, {"avg_power_w", e / t}}},
                              {"inferences", {{{"latency_s", latency}}}}};
    };
    std::vector<nnvp::sweep_result> results(4);
    results[0] = {"d/p0000", "ok", 0, false, "", report(2, 4, 0.004)};
    results[1] = {"d/p0001", "ok", 0, false, "", report(1, 8, 0.002)};
    results[2] = {"d/p0002", "ok", 0, false, "", report(2, 9, 0.005)};  // beaten by p0 and p1
    results[3] = {"d/p0003", "error", 2, false, "nnvp: <bad> value", nullptr};
    EXPECT_EQ(nnvp::point_label(s, 1), "rows=8, name=b");
    const std::string html = nnvp::make_sweep_html(s, results);
    const auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto at = html.find(what); at != std::string::npos; at = html.find(what, at + 1))
            ++n;
        return n;
    };
    ASSERT_NE(html.find("id=\"front1\""), std::string::npos);
    ASSERT_NE(html.find("id=\"front2\""), std::string::npos);
    // Front 1 (energy against latency): p0 and p1; front 2 (power, time): p0.
    EXPECT_EQ(count("<circle class=\"front\""), 3u) << html;
    EXPECT_EQ(count("<tr class=\"front\""), 2u);
    EXPECT_EQ(count("<circle class=\"pt\""), 3u);
    EXPECT_NE(html.find(">rows=8, name=a</text>"), std::string::npos);
    EXPECT_NE(html.find("latency_s (ms), lower is better"), std::string::npos);
    EXPECT_NE(html.find("simulated_s (s), higher is better"), std::string::npos);
    // The table: every point, the failed one with its error escaped.
    EXPECT_EQ(count("<tr class=\"failed\">"), 1u);
    EXPECT_NE(html.find("nnvp: &lt;bad&gt; value"), std::string::npos);
    EXPECT_NE(html.find("4 points, 3 ok, 1 failed"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
}
