// `nnvp check` and `nnvp info MODEL.onnx` as users run them: exit 0 on a
// match, 1 with the first mismatching elements, 2 for unsupported ops and
// bad input. The case directories are built here with the protobuf API.
#include "tests/support/run_command.h"
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/sw/onnx/onnx_test_util.h"

namespace {

namespace fs = std::filesystem;

using result = nnvp::test::command_result;  // output: stdout and stderr
result run(const std::string& args) { return nnvp::test::run_nnvp(args); }

// A Relu case: X [1, 3] = {-1, 0, 2}, expected output `want`.
struct relu_case {
    fs::path dir;
    relu_case(const std::string& name, const std::string& op, const std::vector<float>& want)
        : dir(fs::temp_directory_path() /
              ("nnvp_check_" + std::to_string(::getpid()) + "_" + name)) {
        fs::create_directories(dir / "test_data_set_0");
        onnx::ModelProto m = nnvp::test::new_model();
        onnx::GraphProto* g = m.mutable_graph();
        nnvp::test::add_value_info(g->add_input(), "X", {1, 3});
        nnvp::test::add_node(g, op, {"X"}, {"Y"}, "act");
        nnvp::test::add_value_info(g->add_output(), "Y", {1, 3});
        std::ofstream(dir / "model.onnx", std::ios::binary) << m.SerializeAsString();
        std::ofstream(dir / "test_data_set_0" / "input_0.pb", std::ios::binary)
            << nnvp::test::float_tensor("X", {1, 3}, {-1, 0, 2}).SerializeAsString();
        std::ofstream(dir / "test_data_set_0" / "output_0.pb", std::ios::binary)
            << nnvp::test::float_tensor("Y", {1, 3}, want).SerializeAsString();
    }
    ~relu_case() { fs::remove_all(dir); }
};

TEST(CheckCli, MatchMismatchAndUnsupported) {
    const relu_case ok("ok", "Relu", {0, 0, 2});
    result r = run("check " + ok.dir.string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("3 elements match"), std::string::npos) << r.output;

    const relu_case bad("bad", "Relu", {0, 0, 3});
    r = run("check " + bad.dir.string());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("output 'Y'[0, 2]: got 2, expected 3"), std::string::npos) << r.output;

    const relu_case unknown("unknown", "Foo", {0, 0, 2});
    r = run("check " + unknown.dir.string());
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("node 'act' (Foo): op Foo is not supported by nnvp"), std::string::npos)
        << r.output;

    r = run("check /nonexistent/case");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("/nonexistent/case/model.onnx: cannot open the model file"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(run("check " + ok.dir.string() + " --mode timing").exit_code, 2);
}

TEST(CheckCli, InfoReadsAnOnnxModel) {
    const relu_case ok("info", "Relu", {0, 0, 2});
    const result r = run("info " + (ok.dir / "model.onnx").string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("input X: FLOAT [1, 3] -> 1x1x1x3 (plain) fp32"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("output Y: FLOAT [1, 3] -> 1x1x1x3 (plain) fp32"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("activation"), std::string::npos) << r.output;
    const relu_case unknown("info_bad", "Foo", {0});
    EXPECT_EQ(run("info " + (unknown.dir / "model.onnx").string()).exit_code, 2);
}

// A rank-3 input with a symbolic batch: info asks for the symbolic size,
// then shows the steps and where they run.
TEST(CheckCli, InfoShowsTheImportedStepsAndAsksForSymbolicSizes) {
    const fs::path dir = fs::temp_directory_path() / ("nnvp_info_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    onnx::ModelProto m = nnvp::test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    onnx::ValueInfoProto* x = g->add_input();
    nnvp::test::add_value_info(x, "X", {1, 3, 4});
    x->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param(
        "batch");
    nnvp::test::add_node(g, "Exp", {"X"}, {"E"}, "exp");
    nnvp::test::set_ints(nnvp::test::add_node(g, "ReduceMean", {"E"}, {"Y"}, "mean"), "axes", {-1});
    nnvp::test::add_value_info(g->add_output(), "Y", {1, 3, 1});
    const std::string model = (dir / "model.onnx").string();
    std::ofstream(model, std::ios::binary) << m.SerializeAsString();

    result r = run("info " + model);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("graph input 'X': dim 0 ('batch') has no size: give it with "
                            "--input-shape X=D,D,..."),
              std::string::npos)
        << r.output;
    r = run("info " + model + " --input-shape X=2,3,4");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("2 steps, 2 NN-core layers, 0 CPU ops"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nnvp run takes it at workload.precision \"fp32\" (as exported), "
                            "\"int8\" / \"int16\""),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("core activation exp"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("core reduce_mean            1x2x3x1 fp32"), std::string::npos) << r.output;
    EXPECT_EQ(run("info " + model + " --input-shape X=2,0").exit_code, 2);
    fs::remove_all(dir);
}

}  // namespace
