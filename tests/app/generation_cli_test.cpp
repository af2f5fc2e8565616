// Text generation on the SoC as a user runs it (nnvp run on a zoo decoder
// with workload.prompt / generate): the tokens the firmware generated equal
// the reference executor's greedy loop, the report's figures agree with each
// other (TTFT and TPOT with the token times, per-token energies with the
// requests', KV-cache bytes with the model's shape), and bad generation
// workloads are refused by field.
#include "tests/support/run_command.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <numeric>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string scenario(const std::string& rel) { return std::string(NNVP_SOURCE_DIR) + "/" + rel; }

fs::path scratch(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("nnvp_generation_test_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

json load(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

// The tokens against the reference executor's and the float model's.
void check_accuracy(const json& a) {
    EXPECT_EQ(a.at("tokens_identical_to_reference_executor"), true);
    EXPECT_EQ(a.at("mismatched_tokens"), 0);
    EXPECT_EQ(a.at("compared_requests"), 2);
    // INT8 against the float model: the first token agrees, the sequences
    // drift apart as greedy decoding does once one token differs.
    EXPECT_EQ(a.at("top1_agreement"), 1.0);
    EXPECT_GE(a.at("token_agreement").get<double>(), 0.5);
    EXPECT_GT(a.at("sqnr_db").get<double>(), 15.0);
}

void check_token_times(const json& r) {
    const json& g = r.at("generation");
    ASSERT_EQ(g.at("requests_detail").size(), 2u);
    std::vector<double> tpot;
    for (std::size_t i = 0; i < 2; ++i) {
        const json& d = g.at("requests_detail")[i];
        const json& inf = r.at("inferences")[i];
        const auto ends = d.at("token_end_s").get<std::vector<double>>();
        ASSERT_EQ(ends.size(), 8u);
        EXPECT_EQ(d.at("tokens").size(), 8u);
        EXPECT_DOUBLE_EQ(d.at("ttft_s").get<double>(), ends[0] - inf.at("arrival_s").get<double>());
        for (std::size_t k = 1; k < ends.size(); ++k) {
            EXPECT_DOUBLE_EQ(d.at("tpot_s")[k - 1].get<double>(), ends[k] - ends[k - 1]);
            tpot.push_back(ends[k] - ends[k - 1]);
        }
        // Token energies add up to the request's, but for what follows the
        // last pick (the table writes): under a thousandth.
        const auto e = d.at("token_energy_j").get<std::vector<double>>();
        const double sum = std::accumulate(e.begin(), e.end(), 0.0);
        EXPECT_LE(sum, inf.at("energy_j").get<double>());
        EXPECT_GT(sum, 0.999 * inf.at("energy_j").get<double>());
    }
    std::sort(tpot.begin(), tpot.end());
    EXPECT_DOUBLE_EQ(g.at("tpot_s").at("max").get<double>(), tpot.back());
    EXPECT_DOUBLE_EQ(g.at("tpot_s").at("p50").get<double>(), tpot[6]);  // nearest rank of 14
    // Decoding one token reads every weight once and does few MACs per byte:
    // memory-bound; the prompt's pass reuses each weight for 8 tokens.
    EXPECT_EQ(g.at("phases").at("decode").at("bound"), "memory");
    EXPECT_GT(g.at("phases").at("prefill").at("ops_per_dram_byte").get<double>(),
              2 * g.at("phases").at("decode").at("ops_per_dram_byte").get<double>());
}

void check_kv_cache(const json& kv) {
    // llama_small: 4 layers x key and value x 2 KV heads x 64 values, int8
    // (the cache input is joined to quantized keys, so it is quantized
    // too); capacity prompt 8 + generate 8 - 2.
    EXPECT_EQ(kv.at("capacity_tokens"), 14);
    EXPECT_EQ(kv.at("type"), "int8");
    EXPECT_EQ(kv.at("bytes_per_token"), 4 * 2 * 2 * 64);
    EXPECT_EQ(kv.at("bytes"), 14 * 4 * 2 * 2 * 64);
    EXPECT_EQ(kv.at("memory"), "dram");
}

}  // namespace

// One functional INT8 run (two requests of 8 + 8 tokens), checked whole.
TEST(generation, int8_run_matches_the_reference_and_its_figures_agree) {
    const fs::path out = scratch("int8");
    const auto r = nnvp::test::run_nnvp(
        "run " + scenario("scenarios/transformers/llama_small_generate_int8.json") + " --out " +
        out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json report = load(out / "report.json");
    check_accuracy(report.at("accuracy"));
    check_token_times(report);
    check_kv_cache(report.at("generation").at("kv_cache"));
}

TEST(generation, bad_generation_workloads_are_refused_by_field) {
    const fs::path dir = scratch("bad");
    auto refused = [&](const std::string& workload, const std::string& expect) {
        const fs::path f = dir / "s.json";
        std::ofstream(f) << R"({"name": "g", "platform": ")" << scenario("platform/configs/default.json")
                         << R"(", "mode": "timing", "workload": )" << workload << "}";
        const auto r = nnvp::test::run_nnvp("run " + f.string() + " --out " + (dir / "out").string());
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find(expect), std::string::npos) << r.output;
    };
    refused(R"({"network": "bert_base", "prompt": 8, "generate": 4})",
            "workload.prompt: bert_base is an encoder");
    refused(R"({"network": "llama_small", "prompt": 8})", "workload.generate: expected both");
    refused(R"({"network": "llama_small", "prompt": 8, "generate": 1})", "workload.generate");
    refused(R"({"network": "gpt2", "prompt": 1000, "generate": 40})",
            "prompt + generate - 1 = 1039: gpt2 has 1024 positions");
    refused(R"({"network": "llama_small", "prompt": 8, "generate": 4, "past": 2})",
            "workload.past: none with prompt and generate");
    refused(R"({"network": "llama_small", "prompt": 8, "generate": 4,
                "power": {"governor": {"name": "per_layer"}}})",
            "workload.power.governor.name: per_layer predicts from one package's steps");
}

// SmoothQuant on a zoo transformer: every RMSNorm output (read only by the
// projections) is smoothed, the packages stay bit-exact against the
// reference executor, and the accuracy against FP32 is reported.
TEST(generation, smoothquant_smooths_every_norm_and_stays_bit_exact) {
    const fs::path out = scratch("smoothquant");
    const auto r = nnvp::test::run_nnvp(
        "run " + scenario("scenarios/transformers/llama_small_prefill.json") +
        " --set workload.precision=int8 --set workload.smoothquant=0.5 --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json report = nlohmann::json::parse(std::ifstream(out / "report.json"));
    const nlohmann::json& sq = report.at("quantization").at("smoothquant");
    EXPECT_EQ(sq.at("alpha"), 0.5);
    ASSERT_EQ(sq.at("smoothed").size(), 8u);  // 4 layers x (input, post-attention) RMSNorm
    EXPECT_EQ(sq.at("smoothed")[0], "layers.0/input_layernorm/Mul_1");
    const nlohmann::json& acc = report.at("accuracy");
    EXPECT_TRUE(acc.at("bit_exact_vs_reference_executor").get<bool>());
    EXPECT_GT(acc.at("sqnr_db").get<double>(), 15.0);
}

TEST(generation, smoothquant_is_refused_where_it_cannot_apply) {
    const fs::path dir = scratch("smoothquant_bad");
    auto refused = [&](const std::string& sc, const std::string& sets, const std::string& expect) {
        const auto r = nnvp::test::run_nnvp("run " + scenario(sc) + " --set mode=timing " + sets +
                                            " --out " + (dir / "out").string());
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find(expect), std::string::npos) << r.output;
    };
    refused("scenarios/networks/lenet5_int8.json", "--set workload.smoothquant=0.5",
            "workload.smoothquant: applies to ONNX models and zoo transformers");
    refused("scenarios/transformers/llama_small_prefill.json", "--set workload.smoothquant=1.5",
            "workload.smoothquant");
    refused("scenarios/transformers/llama_small_prefill.json",
            "--set workload.precision=fp16 --set workload.smoothquant=0.5",
            "smoothquant with precision fp16: expected an integer precision");
}
