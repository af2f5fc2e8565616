// Bad input and debugging aids as a user meets them, running the nnvp binary:
// each input of docs/bad_input.md's catalogue gets its message and exit
// code; --break-on-warning stops at the first warning.
#include "tests/app/cli_helpers.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

using namespace nnvp::test::cli;

fs::path scratch(const std::string& name) {
    return nnvp::test::cli::scratch("nnvp_bad_input_", name);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

// The error demo's first warning is the DMA's bus error: the run stops there,
// writes its outputs and says why.
TEST(break_on_warning, stops_at_the_first_warning) {
    const fs::path out = scratch("break");
    const result r = run("run " + scenario("scenarios/bringup/dma_error_demo.json") +
                         " --break-on-warning --out " + out.string());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(has(r.output, "stopped at the first warning (break_on_warning)")) << r.output;
    const nlohmann::json rep = load(out / "report.json");
    EXPECT_EQ(rep["sim"]["end"], "break_on_warning");
    EXPECT_TRUE(has(rep["sim"]["end_detail"].get<std::string>(),
                    "bus: read of 256 bytes at 0xc0000000 from dma"))
        << rep["sim"]["end_detail"];
    // The platform field does the same; without it the demo runs to its end.
    const result same = run("run " + scenario("scenarios/bringup/dma_error_demo.json") +
                            " --set platform.break_on_warning=true --out " + out.string());
    EXPECT_EQ(same.exit_code, 1) << same.output;
    EXPECT_EQ(load(out / "report.json")["sim"]["end"], "break_on_warning");
}

namespace {

// A small scenario of the bring-up demo with `extra` fields merged in,
// written to `dir` (its platform path made absolute).
std::string demo_scenario(const fs::path& dir, const nlohmann::json& extra,
                          const std::string& name = "s.json") {
    std::ifstream in(scenario("scenarios/bringup/dma_tensor_demo.json"));
    nlohmann::json s = nlohmann::json::parse(in);
    s["platform"] = scenario("platform/configs/default.json");
    s.merge_patch(extra);
    return write_file(dir, name, s.dump());
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

// Deep nesting used to overflow the stack (describe() of a wrongly typed
// field, the scenario's copy, the sweep's): refused before parsing.
TEST(bad_input, deeply_nested_json_is_refused_with_the_limit) {
    const fs::path dir = scratch("nested");
    const std::string typed = write_file(
        dir, "typed.json",
        R"({"name": "n", "platform": "x.json", "max_simulated_s": )" + nested(60000) + "}");
    const std::string any = write_file(dir, "any.json", R"({"name": "n", "x": )" + nested(200000) + "}");
    const std::string sweep = write_file(dir, "sweep.json", R"({"scenario": "s.json", "grid": )" +
                                                                 nested(100000) + "}");
    for (const auto& [cmd, file] : {std::pair<std::string, std::string>{"run ", typed},
                                    {"run ", any}, {"sweep ", sweep}}) {
        const result r = run(cmd + file + " --out " + (dir / "out").string());
        EXPECT_EQ(r.exit_code, 2) << file << "\n" << r.output.substr(0, 2000);
        EXPECT_TRUE(has(r.output, file + ": line 1: arrays and objects nested deeper than 256 levels"))
            << r.output.substr(0, 2000);
    }
}

TEST(bad_input, a_number_out_of_range_is_an_input_error) {
    const fs::path dir = scratch("huge");
    const std::string s = write_file(dir, "s.json", R"({"name": "n", "max_simulated_s": 1e999})");
    const result r = run("run " + s);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r.output, s + ": a number out of range")) << r.output;
    EXPECT_TRUE(has(r.output, "1e999")) << r.output;
}

// An unwritable --out is found before the simulation, not after it.
TEST(bad_input, an_unwritable_out_folder_is_refused_before_running) {
    const fs::path dir = scratch("out");
    const std::string file = write_file(dir, "a_file", "x");
    const std::string sc = scenario("scenarios/bringup/dma_tensor_demo.json");
    for (const std::string& out : {file, std::string("/proc/nnvp_no_such_dir"), file + "/sub"}) {
        const result r = run("run " + sc + " --out " + out);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(has(r.output, "nnvp: --out " + out + ": cannot")) << r.output;
        EXPECT_FALSE(has(r.output, "nnvp: running")) << "refused before the simulation";
    }
}

TEST(bad_input, a_directory_or_a_device_is_no_scenario) {
    const fs::path dir = scratch("notfile");
    const result d = run("run " + dir.string());
    EXPECT_EQ(d.exit_code, 2) << d.output;
    EXPECT_TRUE(has(d.output, dir.string() + ": is a directory, expected a JSON file")) << d.output;
    const result z = run("run /dev/zero");
    EXPECT_EQ(z.exit_code, 2) << z.output;
    EXPECT_TRUE(has(z.output, "/dev/zero: larger than 256 MiB")) << z.output;
}

TEST(bad_input, integers_must_be_integers) {
    const fs::path dir = scratch("ints");
    const std::string s = write_file(
        dir, "s.json",
        nlohmann::json{{"name", "n"},
                       {"platform", scenario("platform/configs/default.json")},
                       {"workload", {{"network", "lenet5"}, {"inferences", 2.5}}}}
            .dump());
    const result r = run("run " + s);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r.output, "workload.inferences: expected a non-negative integer")) << r.output;
    EXPECT_TRUE(has(r.output, "2.5")) << r.output;
    // A 64-bit value past int64 is not shown wrapped to -1.
    const std::string big = demo_scenario(
        dir, {{"firmware", {{"args", {{"tile", 18446744073709551615ull}}}}}}, "big.json");
    const result b = run("run " + big);
    EXPECT_EQ(b.exit_code, 2) << b.output;
    EXPECT_TRUE(has(b.output, "firmware.args.tile: expected an integer up to 9223372036854775807"))
        << b.output;
    EXPECT_TRUE(has(b.output, "got 18446744073709551615")) << b.output;
    EXPECT_FALSE(has(b.output, "got -1")) << b.output;
}

TEST(bad_input, compare_refuses_malformed_reports) {
    const fs::path dir = scratch("compare");
    const std::string good = write_file(
        dir, "good.json", R"({"sim": {"simulated_s": 1}, "power": {"energy_j": 1}})");
    const std::string bad_sim = write_file(dir, "bad_sim.json", R"({"sim": 5, "power": {}})");
    const std::string bad_layers = write_file(
        dir, "bad_layers.json",
        R"({"sim": {"simulated_s": 1}, "power": {"energy_j": 1}, "layers": [1, 2]})");
    const result ok = run("compare " + good + " " + good);
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    const result a = run("compare " + good + " " + bad_sim);
    EXPECT_EQ(a.exit_code, 2) << a.output;
    EXPECT_TRUE(has(a.output, bad_sim + ": sim: expected an object")) << a.output;
    const result b = run("compare " + bad_layers + " " + good);
    EXPECT_EQ(b.exit_code, 2) << b.output;
    EXPECT_TRUE(has(b.output, bad_layers + ": layers: expected an array of objects")) << b.output;
}

namespace {

std::string network_scenario(const fs::path& dir, const nlohmann::json& workload) {
    return write_file(dir, "net.json",
                      nlohmann::json{{"name", "net"},
                                     {"platform", scenario("platform/configs/default.json")},
                                     {"mode", "timing"},
                                     {"workload", workload}}
                          .dump());
}

}  // namespace

// Inputs inside the accepted ranges whose memory would exhaust the host are
// refused up front, naming the field that costs the most.
TEST(bad_input, runs_estimated_past_the_memory_limit_are_refused) {
    const fs::path dir = scratch("memory");
    const struct {
        nlohmann::json workload;
        std::string field;
    } cases[] = {
        {{{"network", "resnet50"}, {"batch", 4096}}, "workload.batch"},
        {{{"network", "resnet50"}, {"input_sets", 100000}}, "workload.input_sets"},
        {{{"network", "resnet50"}, {"inferences", 10000000}}, "workload.inferences"},
    };
    for (const auto& c : cases) {
        const result r = run("run " + network_scenario(dir, c.workload));
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(has(r.output, "net.json: " + c.field + ": the run would need about"))
            << r.output;
        EXPECT_TRUE(has(r.output, "above max_memory_gb = 8 GiB")) << r.output;
    }
    // The limit is the scenario's: a tiny one refuses even the demo.
    const result tiny = run("run " + scenario("scenarios/bringup/dma_tensor_demo.json") +
                            " --max-memory 0.001");
    EXPECT_EQ(tiny.exit_code, 2) << tiny.output;
    EXPECT_TRUE(has(tiny.output, "platform.trace_power_sample_us: the run would need about"))
        << tiny.output;
}

// So are runs estimated to take longer than max_estimated_hours (a million
// ResNet-50 inferences: about 111 hours in timing mode).
TEST(bad_input, runs_estimated_past_the_time_limit_are_refused) {
    const fs::path dir = scratch("hours");
    const result r = run("run " + network_scenario(dir, {{"network", "resnet50"},
                                                         {"inferences", 1000000}}));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r.output, "net.json: workload.inferences: the run would take about 111 "
                              "hours of wall-clock time (1000000 inferences of resnet50 in "
                              "timing mode"))
        << r.output;
    EXPECT_TRUE(has(r.output, "above max_estimated_hours = 24")) << r.output;
    // The limit is the scenario's: a tiny one refuses 100 LeNet-5 inferences
    // (about 0.16 s).
    const result tiny = run("run " + network_scenario(dir, {{"network", "lenet5"},
                                                            {"inferences", 100}}) +
                            " --max-hours 0.000001");
    EXPECT_EQ(tiny.exit_code, 2) << tiny.output;
    EXPECT_TRUE(has(tiny.output, "(100 inferences of lenet5 in timing mode")) << tiny.output;
}

TEST(bad_input, a_picosecond_power_sample_period_is_refused) {
    const result r = run("run " + scenario("scenarios/bringup/dma_tensor_demo.json") +
                         " --set platform.trace_power_sample_us=1e-6");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r.output, "trace_power_sample_us: expected 0 (no power samples) or a period of "
                              "at least 0.001 us"))
        << r.output;
}

// The wall-clock limit ends the run cleanly, with its outputs.
TEST(bad_input, max_wall_s_ends_the_run_with_outputs) {
    const fs::path dir = scratch("wall");
    const std::string s = demo_scenario(dir, {{"max_wall_s", 1e-9}});
    const result r = run("run " + s + " --out " + (dir / "out").string());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(has(r.output, "nnvp: the run reached max_wall_s = 1e-09 s of wall-clock time"))
        << r.output;
    const nlohmann::json rep = load(dir / "out" / "report.json");
    EXPECT_EQ(rep["sim"]["end"], "wall_limit");
    EXPECT_TRUE(fs::exists(dir / "out" / "trace.json"));
}
