#include "tests/support/run_command.h"
#include "tests/scenarios/scenario_runner.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>

#include "app/headline.h"

namespace nnvp::test {

namespace fs = std::filesystem;

namespace {

using nnvp::test::run_nnvp;
using result = nnvp::test::command_result;  // output: stdout and stderr

nlohmann::json load(const fs::path& p) {
    std::ifstream in(p);
    if (!in)
        return nullptr;
    return nlohmann::json::parse(in, nullptr, false);
}

// One folder per test and scenario: ctest runs tests in parallel, and
// several tests run the baseline.
fs::path scratch(const std::string& rel) {
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = (t ? std::string(t->name()) + "_" : std::string()) + rel;
    std::replace(name.begin(), name.end(), '/', '_');
    const fs::path p = fs::temp_directory_path() / ("nnvp_scenario_test_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

void expect_keys(const nlohmann::json& j, const std::string& where,
                 const std::vector<std::string>& keys) {
    for (const std::string& k : keys) {
        EXPECT_TRUE(j.is_object() && j.contains(k)) << where << " lacks \"" << k << "\"";
    }
}

// The NN core's energy by level and action adds up to its meter
// (docs/outputs.md: power.nncore_by_action), whatever the scenario.
void expect_core_energy_adds_up(const nlohmann::json& power) {
    ASSERT_TRUE(power.contains("nncore_by_action")) << "power lacks \"nncore_by_action\"";
    const nlohmann::json& a = power["nncore_by_action"];
    double parts = 0;
    for (const char* k : {"mac_j", "vector_j", "scratchpad_j", "noc_j", "clock_j", "decompress_j",
                          "leakage_j", "transition_j"})
        parts += a.at(k).get<double>();
    for (const char* k : {"input_j", "weight_j", "output_j"})
        parts += a.at("buffers").at(k).get<double>();
    const double total = a.at("energy_j").get<double>();
    EXPECT_NEAR(parts, total, 1e-9 * total);
    EXPECT_DOUBLE_EQ(total, power.at("by_component").at("nncore").at("energy_j").get<double>());
}

// DESIGN.md "report.json (keys that must exist)".
void expect_contract(const nlohmann::json& r, bool network) {
    expect_keys(r, "report", {"scenario", "platform", "sim", "power"});
    expect_keys(r.value("sim", nlohmann::json()), "sim", {"simulated_s", "wall_s"});
    expect_keys(
        r.value("power", nlohmann::json()), "power",
        {"energy_j", "avg_power_w", "by_component", "states", "opp_residency", "transitions"});
    EXPECT_GT(r["power"].value("energy_j", 0.0), 0.0) << "a run spends energy";
    expect_core_energy_adds_up(r.value("power", nlohmann::json()));
    if (!network)
        return;
    expect_keys(r, "report", {"network", "layers", "inferences", "throughput"});
    expect_keys(r.value("network", nlohmann::json()), "network",
                {"name", "layers", "macs", "weights", "weight_bytes"});
    expect_keys(r.value("throughput", nlohmann::json()), "throughput",
                {"inferences_per_s", "gops", "gops_per_w"});
    ASSERT_TRUE(r["layers"].is_array());
    EXPECT_FALSE(r["layers"].empty());
    for (const auto& l : r["layers"])
        expect_keys(l, "layer " + l.value("name", std::string("?")),
                    {"name", "type", "precision", "dataflow", "macs", "cycles", "compute_cycles",
                     "stall_cycles", "utilization", "dram_read_bytes", "dram_write_bytes",
                     "sram_read_bytes", "sram_write_bytes", "energy_j", "zero_skipped_macs"});
    for (const auto& i : r["inferences"])
        expect_keys(i, "inference", {"index", "start_s", "end_s", "latency_s", "deadline_met"});
}

std::optional<double> value_of(const nlohmann::json& report, const nlohmann::json& check) {
    if (check.contains("layers_sum")) {
        if (!report.contains("layers"))
            return std::nullopt;
        return sum_layers(report, check["layers_sum"].get<std::string>(), on_core);
    }
    if (check.contains("metric"))
        return headline_value(report, check["metric"].get<std::string>());
    const nlohmann::json::json_pointer at(check.at("path").get<std::string>());
    if (!report.contains(at) || !report[at].is_number())
        return std::nullopt;
    return report[at].get<double>();
}

// One check: {"metric"|"path"|"layers_sum", "equals" | "value" + "rel_tol" | "min" | "max", "why"}.
void expect_check(const nlohmann::json& report, const nlohmann::json& check,
                  const std::string& rel) {
    const std::string key = check.contains("layers_sum")
                                ? "layers_sum " + check["layers_sum"].get<std::string>()
                            : check.contains("metric") ? check["metric"].get<std::string>()
                                                       : check.value("path", std::string("?"));
    const std::string what =
        rel + ": " + key + " (" + check.value("why", std::string("no reason given")) + ")";
    const std::optional<double> v = value_of(report, check);
    ASSERT_TRUE(v.has_value()) << what << ": not in the report";
    if (check.contains("equals")) {
        EXPECT_EQ(*v, check["equals"].get<double>()) << what;
    }
    if (check.contains("value")) {
        const double want = check["value"].get<double>();
        const double tol = check.at("rel_tol").get<double>();
        EXPECT_NEAR(*v, want, std::abs(want) * tol) << what << ": tolerance " << tol * 100 << "%";
    }
    if (check.contains("min")) {
        EXPECT_GE(*v, check["min"].get<double>()) << what;
    }
    if (check.contains("max")) {
        EXPECT_LE(*v, check["max"].get<double>()) << what;
    }
}

}  // namespace

fs::path scenarios_dir() {
    return fs::path(NNVP_SOURCE_DIR) / "scenarios";
}

bool is_sweep_file(const std::string& rel) {
    const std::string tail = ".sweep.json";
    return rel.rfind("sweeps/", 0) == 0 ||
           (rel.size() > tail.size() &&
            rel.compare(rel.size() - tail.size(), tail.size(), tail) == 0);
}

std::vector<std::string> curated_scenarios() {
    std::vector<std::string> out;
    const fs::path root = scenarios_dir();
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        const std::string rel = fs::relative(e.path(), root).generic_string();
        if (e.path().extension() == ".json" && !is_sweep_file(rel))
            out.push_back(rel);
    }
    std::sort(out.begin(), out.end());
    return out;
}

const std::vector<long_scenario>& long_scenarios() {
    static const std::vector<long_scenario> list = {
        {"accuracy/", "hundreds of Fashion-MNIST images each: 3-4 minutes even in timing mode"},
        {"calibration/eyeriss_vgg16.json",
         "VGG-16 at batch 3 on a 168-PE core: 5.5 s simulated, 25 s wall and 2 GB"},
        {"networks/resnet50_int8.json", "functional ResNet-50 (real arithmetic, 4 GMAC)"},
        {"networks/alexnet_int8.json",
         "about 60 s: AlexNet's 61 M weights generated, quantized and compiled on the host"},
        {"networks/vgg16_int8.json",
         "about 30 s: VGG-16's 138 M weights generated, quantized and compiled on the host"},
        {"transformers/bert_base_timing.json",
         "about 12 s: BERT-base's 110 M weights are seeded, imported, quantized and compiled on "
         "the host (2.2 GB peak)"},
        {"transformers/vit_b16_timing.json", "about 12 s: ViT-B/16's 86 M weights, as BERT's"},
        {"transformers/gpt2_prefill_timing.json", "GPT-2's 124 M weights, as BERT's"},
        {"transformers/gpt2_generate_timing.json",
         "about 20 s: GPT-2 generating 128 tokens after a 128-token prompt"},
        {"transformers/llama_small_generate.json",
         "about 25 s: two FP32 packages of a 45 M-parameter decoder (tests/sw/transformers runs "
         "it functionally, its tokens checked)"},
        {"power/llm_serving.json", "about 70 s: 8 requests of 32 + 32 tokens (docs/llm.md)"},
        {"power/gpt2_serving.json", "about 100 s: GPT-2 serving 4 requests (docs/llm.md)"},
        {"networks/resnet50_int8_timing.json",
         "about 15 s: ResNet-50's 25 M weights are generated, quantized and compiled on the "
         "host before the 3 s simulation"},
    };
    return list;
}

bool is_long(const std::string& rel) {
    for (const long_scenario& l : long_scenarios())
        if (rel == l.path || (l.path.back() == '/' && rel.rfind(l.path, 0) == 0))
            return true;
    return false;
}

const std::vector<std::string>& compared_scenarios() {
    static const std::vector<std::string> list = {
        "exploration/mobilenet_v1_base.json",
        "exploration/mobilenet_v1_array_32x32.json",
        "exploration/mobilenet_v1_int4.json",
        "exploration/mobilenet_v1_fp16.json",
        "exploration/mobilenet_v1_dram_half.json",
        "exploration/mobilenet_v1_dram_double.json",
        "exploration/mobilenet_v1_buffers_half.json",
        "exploration/mobilenet_v1_buffers_double.json",
        "exploration/mobilenet_v1_dataflow_energy.json",
        "exploration/conv_dense.json",
        "exploration/conv_sparse50_compressed.json",
        "exploration/conv_sparse50_skip.json",
        "exploration/mobilenet_v1_pruned50_skip.json",
        "exploration/mobilenet_v1_sram_2m.json",
    };
    return list;
}

bool is_compared(const std::string& rel) {
    const auto& l = compared_scenarios();
    return std::find(l.begin(), l.end(), rel) != l.end();
}

nlohmann::json expected_for(const std::string& rel) {
    static const nlohmann::json all =
        load(fs::path(NNVP_SOURCE_DIR) / "tests" / "scenarios" / "expected_metrics.json");
    if (!all.is_object() || !all.contains(rel))
        return nullptr;
    return all[rel];
}

nlohmann::json run_checked(const std::string& rel, const std::string& extra, bool check_expected) {
    const fs::path out = scratch(rel);
    const result r = run_nnvp("run " + (scenarios_dir() / rel).string() + " --out " + out.string() +
                              " --set mode=timing " + extra);
    EXPECT_EQ(r.exit_code, 0) << rel << ":\n" << r.output;
    const nlohmann::json report = load(out / "report.json");
    if (!report.is_object()) {
        ADD_FAILURE() << rel << ": no readable report.json\n" << r.output;
        return nullptr;
    }
    const nlohmann::json scenario = load(scenarios_dir() / rel);
    expect_contract(report, scenario.is_object() && scenario.contains("workload"));
    if (report.contains("firmware")) {
        EXPECT_EQ(report["firmware"].value("exit_code", -1), 0) << rel << ":\n" << r.output;
    }
    if (check_expected) {
        const nlohmann::json e = expected_for(rel);
        if (e.is_object())
            for (const auto& c : e.at("checks"))
                expect_check(report, c, rel);
    }
    return report;
}

double sum_layers(const nlohmann::json& report, const std::string& column,
                  const std::function<bool(const nlohmann::json&)>& keep) {
    double s = 0;
    if (report.is_object() && report.contains("layers"))
        for (const auto& l : report["layers"])
            if (keep(l) && l.contains(column) && l[column].is_number())
                s += l[column].get<double>();
    return s;
}

bool on_core(const nlohmann::json& layer) {
    return layer.value("unit", std::string("nncore")) == "nncore";
}

}  // namespace nnvp::test
