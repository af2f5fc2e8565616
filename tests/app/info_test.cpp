// `nnvp info` as users run it: the layer table, its JSON twin, and exit
// code 2 with a helpful message for unknown networks and model files.
#include "tests/support/run_command.h"
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct result {
    int exit_code;
    std::string out;  // stdout
    std::string all;  // stdout and stderr
};

std::string capture(const std::string& cmd, int& code) {
    const nnvp::test::command_result c = nnvp::test::run_command(cmd);
    code = c.exit_code;
    return c.output;
}

result run(const std::string& args) {
    result r{-1, {}, {}};
    int code_out = -1;
    r.out = capture(std::string(NNVP_BINARY) + " " + args + " 2>/dev/null", code_out);
    r.all = capture(std::string(NNVP_BINARY) + " " + args + " 2>&1", r.exit_code);
    EXPECT_EQ(code_out, r.exit_code);
    return r;
}

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

TEST(info_cli, alexnet_table_rows_and_totals) {
    const result r = run("info alexnet");
    ASSERT_EQ(r.exit_code, 0) << r.all;
    EXPECT_TRUE(has(r.out, "input input: 1x227x227x3 (NHWC) fp32")) << r.out;
    EXPECT_TRUE(has(r.out, "layer")) << r.out;
    // conv1: 55*55*96 outputs * 11*11*3 taps, 34,848 weights, 290,400 outputs.
    EXPECT_TRUE(has(r.out,
                    " 1  conv1  conv2d 11x11/4   1x227x227x3  1x55x55x96   105,415,200"
                    "      34,848      290,400"))
        << r.out;
    EXPECT_TRUE(has(r.out, "conv2d 5x5/1 g2")) << r.out;
    EXPECT_TRUE(has(r.out, "lrn (cpu)")) << r.out;
    EXPECT_TRUE(has(r.out, "MACs      665,784,864 ( 665.78 M)  weights     2,332,704 (   2.33 M)"))
        << r.out;
    EXPECT_TRUE(has(r.out, "MACs       58,621,952 (  58.62 M)  weights    58,621,952 (  58.62 M)"))
        << r.out;
    EXPECT_TRUE(has(r.out, "MACs      724,406,816 ( 724.41 M)  weights    60,954,656 (  60.95 M)"))
        << r.out;
    EXPECT_TRUE(has(r.out, "weights + biases 60,965,224")) << r.out;
}

TEST(info_cli, json_carries_the_same_figures) {
    const result r = run("info resnet50 --json");
    ASSERT_EQ(r.exit_code, 0) << r.all;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["network"], "resnet50");
    EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json({1, 224, 224, 3}));
    const nlohmann::json& t = j["totals"];
    EXPECT_EQ(t["conv_macs"], 3855925248ull);
    EXPECT_EQ(t["fc_macs"], 2048000);
    EXPECT_EQ(t["macs"], 3857973248ull);
    EXPECT_EQ(t["conv_weights"], 23454912);
    EXPECT_EQ(t["fc_weights"], 2048000);
    EXPECT_EQ(t["weights"], 25502912);
    EXPECT_EQ(t["conv_layers"], 53);
    EXPECT_EQ(t["fc_layers"], 1);
    // Per-layer rows sum to the totals.
    uint64_t macs = 0, weights = 0;
    for (const auto& l : j["layers"]) {
        macs += l["macs"].get<uint64_t>();
        weights += l["weights"].get<uint64_t>();
    }
    EXPECT_EQ(macs, t["macs"].get<uint64_t>());
    EXPECT_EQ(weights, t["weights"].get<uint64_t>());
    EXPECT_EQ(j["layers"].size(), t["layers"].get<std::size_t>());
    const nlohmann::json& first = j["layers"][0];
    EXPECT_EQ(first["name"], "conv1");
    EXPECT_EQ(first["type"], "conv2d");
    EXPECT_EQ(first["class"], "CONV");
    EXPECT_EQ(first["on_core"], true);
    EXPECT_EQ(first["kernel"], nlohmann::json({7, 7}));
    EXPECT_EQ(first["stride"], nlohmann::json({2, 2}));
    EXPECT_EQ(first["output"], nlohmann::json({1, 112, 112, 64}));
    EXPECT_EQ(first["macs"], 112 * 112 * 64 * 147);
    // A residual add has two inputs.
    bool saw_add = false;
    for (const auto& l : j["layers"])
        if (l["name"] == "res2a") {
            saw_add = true;
            EXPECT_EQ(l["type"], "add");
            EXPECT_EQ(l["inputs"].size(), 2u);
            EXPECT_EQ(l["activation"], "relu");
        }
    EXPECT_TRUE(saw_add);
}

TEST(info_cli, every_zoo_network_prints_and_names_are_forgiving) {
    for (const char* name : {"lenet5", "alexnet", "vgg16", "googlenet", "resnet50", "mobilenet_v1",
                             "ResNet-50", "MobileNetV1"}) {
        const result r = run(std::string("info ") + name + " --json");
        ASSERT_EQ(r.exit_code, 0) << name << r.all;
        EXPECT_GT(nlohmann::json::parse(r.out)["totals"]["macs"].get<uint64_t>(), 0u) << name;
    }
    EXPECT_EQ(nlohmann::json::parse(run("info --json vgg16").out)["totals"]["weights"], 138344128);
}

TEST(info_cli, unknown_network_lists_the_known_ones) {
    const result r = run("info resnet18");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(has(r.all,
                    "unknown network 'resnet18'; known networks: lenet5 alexnet vgg16 "
                    "googlenet resnet50 mobilenet_v1"))
        << r.all;
}

TEST(info_cli, missing_onnx_model_is_bad_input) {
    const result r = run("info /tmp/some/model.onnx");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.all, "/tmp/some/model.onnx: cannot open the model file")) << r.all;
}

TEST(info_cli, usage_errors) {
    result r = run("info");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.all, "usage: nnvp info NETWORK|MODEL.onnx [--json]")) << r.all;
    EXPECT_TRUE(has(r.all, "googlenet")) << r.all;
    r = run("info alexnet --csv");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.all, "unexpected argument \"--csv\"")) << r.all;
    r = run("info --help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(has(r.out, "mobilenet_v1")) << r.out;
    r = run("help");
    EXPECT_TRUE(has(r.out, "nnvp info NETWORK|MODEL.onnx [--json]")) << r.out;
}

}  // namespace

// `info --mapping`: VGG-16 with 36 KiB buffers (three 224-pixel rows of 64
// channels do not fit an 18 KiB slot) is tiled in column blocks, every
// layer's choice is the least estimate it weighed, and the table names it.
TEST(info_cli, mapping_shows_the_chosen_tiling_and_what_was_weighed) {
    const std::string sc = std::string(NNVP_SOURCE_DIR) + "/scenarios/networks/vgg16_int8.json" +
                           " --set platform.nncore.input_kb=36 --set platform.nncore.weight_kb=36"
                           " --set platform.nncore.output_kb=36";
    const result j = run("info --mapping " + sc + " --json");
    ASSERT_EQ(j.exit_code, 0) << j.all;
    const nlohmann::json doc = nlohmann::json::parse(j.out);
    ASSERT_GE(doc["layers"].size(), 20u);  // 13 conv, 5 pools, fc7, fc8 (fc6 does not fit)
    for (const nlohmann::json& l : doc["layers"])
        for (const nlohmann::json& p : l["programs"]) {
            EXPECT_EQ(p["objective"], "cycles");
            const auto chosen = p["candidates"][p["chosen"].get<std::size_t>()];
            for (const nlohmann::json& c : p["candidates"])
                EXPECT_GE(c["est_cycles"].get<uint64_t>(), chosen["est_cycles"].get<uint64_t>())
                    << l["name"];
        }
    const nlohmann::json& conv1_2 = doc["layers"][1];
    EXPECT_EQ(conv1_2["name"], "conv1_2");
    const auto chosen = conv1_2["programs"][0]["candidates"][conv1_2["programs"][0]["chosen"].get<std::size_t>()];
    EXPECT_LT(chosen["cols"].get<int>(), 224);
    const result t = run("info --mapping " + sc);
    ASSERT_EQ(t.exit_code, 0) << t.all;
    EXPECT_TRUE(has(t.out, "conv1_2")) << t.out;
    EXPECT_TRUE(has(t.out, "objective: cycles")) << t.out;
    const result none = run("info --mapping " + std::string(NNVP_SOURCE_DIR) +
                            "/scenarios/bringup/dma_tensor_demo.json");
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_TRUE(has(none.all, "no workload")) << none.all;
}
