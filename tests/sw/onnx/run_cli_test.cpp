// `nnvp run` on ONNX models, as a user writes the scenario: a model with a
// symbolic batch, two inputs (one from a file, one seeded) and two outputs
// runs in both modes, as exported and quantized, with every output bit-exact
// against the reference executor; a classifier reads a dataset; each mistake
// in the workload gets exit code 2 and a message naming the field.
#include "tests/support/run_command.h"
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sw/dataset/labelled_images.h"
#include "tests/sw/onnx/onnx_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using result = nnvp::test::command_result;

// X [batch, 3] (batch symbolic), B [1, 3]: Z = Exp(X) + B, M = ReduceMean(Z, 0)
// (over the batch: not the channel axis the core reduces, a CPU step).
struct model_dir {
    fs::path dir = fs::temp_directory_path() / ("nnvp_run_onnx_" + std::to_string(::getpid()));
    model_dir() {
        fs::create_directories(dir);
        onnx::ModelProto m = nnvp::test::new_model();
        onnx::GraphProto* g = m.mutable_graph();
        g->set_name("two_in_two_out");
        onnx::ValueInfoProto* x = g->add_input();
        nnvp::test::add_value_info(x, "X", {1, 3});
        x->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param(
            "batch");
        nnvp::test::add_value_info(g->add_input(), "B", {1, 3});
        nnvp::test::add_node(g, "Exp", {"X"}, {"E"}, "exp");
        nnvp::test::add_node(g, "Add", {"E", "B"}, {"Z"}, "add");
        nnvp::test::set_ints(nnvp::test::add_node(g, "ReduceMean", {"Z"}, {"M"}, "mean"), "axes",
                             {0});
        nnvp::test::add_value_info(g->add_output(), "Z", {1, 3});
        nnvp::test::add_value_info(g->add_output(), "M", {1, 3});
        std::ofstream(dir / "model.onnx", std::ios::binary) << m.SerializeAsString();
        std::ofstream(dir / "x.pb", std::ios::binary)
            << nnvp::test::float_tensor("X", {2, 3}, {-1, 0, 1, 2, 0.5f, -0.25f})
                   .SerializeAsString();
        std::ofstream(dir / "x2.pb", std::ios::binary)
            << nnvp::test::float_tensor("X", {2, 3}, {3, 2, 1, 0, -1, -2}).SerializeAsString();
        std::ofstream(dir / "b.pb", std::ios::binary)
            << nnvp::test::float_tensor("B", {1, 3}, {0.5f, 0, -0.5f}).SerializeAsString();
    }
    ~model_dir() { fs::remove_all(dir); }

    // Writes a scenario with `workload` (network, precision and platform added).
    std::string scenario(const std::string& name, json workload, const std::string& mode = "functional") const {
        workload["network"] = "model.onnx";
        if (!workload.contains("precision"))
            workload["precision"] = "fp32";
        const json s = {{"name", name},
                        {"platform", std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json"},
                        {"mode", mode},
                        {"workload", workload}};
        const fs::path p = dir / (name + ".json");
        std::ofstream(p) << s.dump(2);
        return p.string();
    }
    result run(const std::string& scenario) const {
        return nnvp::test::run_nnvp("run " + scenario + " --out " + (dir / "out").string());
    }
    json report() const {
        std::ifstream in(dir / "out" / "report.json");
        return json::parse(in);
    }
};

TEST(RunOnnx, TwoInputsTwoOutputsSymbolicBatch) {
    const model_dir m;
    // X from a file (it fixes batch = 2), B seeded; two input sets.
    result r = m.run(m.scenario("ok", {{"inputs", {{"X", "x.pb"}}}, {"input_sets", 2},
                                       {"inferences", 3}}));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    json rep = m.report();
    EXPECT_EQ(rep["network"]["importer"], "general");
    EXPECT_EQ(rep["network"]["name"], "two_in_two_out");
    EXPECT_EQ(rep["accuracy"]["outputs_per_inference"], 2);
    EXPECT_EQ(rep["accuracy"]["compared_inputs"], 2);
    EXPECT_EQ(rep["accuracy"]["mismatched_outputs"], 0);
    EXPECT_EQ(rep["inferences"].size(), 3u);
    // Exp and Add run on the core's vector unit; ReduceMean has no NN-core
    // command: a CPU step with the reason.
    ASSERT_EQ(rep["layers"].size(), 3u);
    EXPECT_EQ(rep["layers"][0]["unit"], "nncore");
    EXPECT_EQ(rep["layers"][1]["unit"], "nncore");
    EXPECT_EQ(rep["layers"][2]["cpu_reason"],
              "op unsupported: the NN core has no reduce mean command");
    EXPECT_NE(r.output.find("on the CPU: 1 of 3 steps"), std::string::npos) << r.output;
    // One file per input set: the list's length sets input_sets.
    r = m.run(m.scenario("lists", {{"inputs", {{"X", {"x.pb", "x2.pb"}}, {"B", {"b.pb", "b.pb"}}}},
                                   {"inferences", 2}}));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(m.report()["accuracy"]["compared_inputs"], 2);
    r = m.run(m.scenario("uneven", {{"inputs", {{"X", {"x.pb", "x2.pb"}}, {"B", {"b.pb", "b.pb", "b.pb"}}}}}));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("workload.inputs."), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("files, as the other lists have"), std::string::npos) << r.output;
    // Timing mode, the batch given as a shape instead of a file.
    r = m.run(m.scenario("timing", {{"input_shapes", {{"X", {4, 3}}}}}, "timing"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(m.report()["network"]["activations"], 4 * 3 + 4 * 3 + 3);
}

// At int8 the imported network is quantized: Exp (a table) and Add on the
// core at int8, B quantized by the host, the batch mean a float CPU step
// behind a convert; outputs bit-exact with the reference executor and close
// to the fp32 evaluation.
TEST(RunOnnx, Int8QuantizesTheImportedNetwork) {
    const model_dir m;
    result r = m.run(m.scenario("int8", {{"precision", "int8"}, {"inputs", {{"X", "x.pb"}}}}));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    json rep = m.report();
    EXPECT_EQ(rep["quantization"]["precision"], "int8");
    EXPECT_EQ(rep["network"]["importer"], "general");
    EXPECT_EQ(rep["accuracy"]["mismatched_outputs"], 0);
    EXPECT_EQ(rep["accuracy"]["outputs_per_inference"], 2);
    EXPECT_GT(rep["accuracy"]["sqnr_db"].get<double>(), 30.0) << rep["accuracy"];
    EXPECT_LT(rep["accuracy"]["max_abs_err"].get<double>(), 0.1) << rep["accuracy"];
    ASSERT_EQ(rep["layers"].size(), 4u) << rep["layers"];
    EXPECT_EQ(rep["layers"][0]["name"], "exp");
    EXPECT_EQ(rep["layers"][0]["unit"], "nncore");
    EXPECT_EQ(rep["layers"][1]["name"], "add");
    EXPECT_EQ(rep["layers"][2]["name"], "add/to_fp32");
    EXPECT_EQ(rep["layers"][3]["name"], "mean");
    EXPECT_EQ(rep["layers"][3]["unit"], "cpu");
    // Timing mode quantizes with unit ranges (nothing is computed).
    r = m.run(m.scenario("int8t", {{"precision", "int16"}, {"input_shapes", {{"X", {4, 3}}}}},
                         "timing"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(m.report()["quantization"]["precision"], "int16");
}

// A Fashion-MNIST dataset through an ONNX classifier [2, 1, 28, 28] (batch 2
// in the model): class k scores the sum of the k-th band of 79 pixels. The
// expected top-1 is worked out here from the same images and labels.
TEST(RunOnnx, DatasetFeedsAnImageClassifier) {
    const model_dir m;
    onnx::ModelProto model = nnvp::test::new_model();
    onnx::GraphProto* g = model.mutable_graph();
    g->set_name("bands");
    nnvp::test::add_value_info(g->add_input(), "image", {2, 1, 28, 28});
    std::vector<float> b(784 * 10, 0.0f);
    for (int p = 0; p < 784; ++p)
        b[static_cast<std::size_t>(p * 10 + std::min(p / 79, 9))] = 1.0f;
    *g->add_initializer() = nnvp::test::float_tensor("B", {784, 10}, b);
    nnvp::test::add_node(g, "Flatten", {"image"}, {"flat"}, "flatten");
    nnvp::test::add_node(g, "Gemm", {"flat", "B"}, {"scores"}, "bands");
    nnvp::test::add_value_info(g->add_output(), "scores", {2, 10});
    std::ofstream(m.dir / "model.onnx", std::ios::binary) << model.SerializeAsString();
    const json dataset = {{"name", "fashion-mnist"}, {"images", 20}, {"offset", 6}};
    result r = m.run(m.scenario("fmnist", {{"dataset", dataset}}));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    json rep = m.report();
    EXPECT_EQ(rep["inferences"].size(), 10u);  // 20 images, 2 per inference
    EXPECT_EQ(rep["accuracy"]["labelled"], 20);
    EXPECT_EQ(rep["accuracy"]["mismatched_outputs"], 0);
    const nnvp::dataset::labelled_images d =
        nnvp::dataset::load_fmnist(nnvp::dataset::fmnist_default_dir, "t10k", 26);
    int correct = 0;
    for (int i = 6; i < 26; ++i) {
        double best = -1;
        int cls = 0;
        for (int k = 0; k < 10; ++k) {
            double sum = 0;
            for (int p = 0; p < 784; ++p)
                if (std::min(p / 79, 9) == k)
                    sum += d.images.get_float(static_cast<std::size_t>(i * 784 + p));
            if (sum > best)
                best = sum, cls = k;
        }
        correct += cls == d.labels[static_cast<std::size_t>(i)];
    }
    EXPECT_DOUBLE_EQ(rep["accuracy"]["top1"].get<double>(), correct / 20.0);
    // Quantized, the same images calibrate from the train split.
    r = m.run(m.scenario("fmnist8", {{"dataset", dataset}, {"precision", "int8"}}));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    rep = m.report();
    EXPECT_EQ(rep["accuracy"]["labelled"], 20);
    EXPECT_EQ(rep["accuracy"]["mismatched_outputs"], 0);
    EXPECT_GT(rep["accuracy"]["sqnr_db"].get<double>(), 30.0);
    r = m.run(m.scenario("fmnist_odd", {{"dataset", {{"name", "fashion-mnist"}, {"images", 5}}}}));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("workload.dataset: images: a multiple of the model's batch (2, input "
                            "'image' dim 0)"),
              std::string::npos)
        << r.output;
}

TEST(RunOnnx, WorkloadMistakesNameTheField) {
    const model_dir m;
    const struct {
        json workload;
        std::string expected;
    } cases[] = {
        {json::object(),
         "graph input 'X': dim 0 ('batch') has no size: give it with workload.input_shapes "
         "{\"X\": [sizes]}"},
        {{{"input_shapes", {{"Y", {1, 3}}}}},
         "workload.input_shapes names 'Y', which is not a runtime input of the model (it has "
         "'X', 'B')"},
        {{{"input_shapes", {{"X", {2, 4}}}}},
         "graph input 'X': workload.input_shapes gives dim 1 = 4, the model fixes it to 3"},
        {{{"input_shapes", {{"X", {2, 3}}}}, {"inputs", {{"B", "x.pb"}}}},
         "workload.inputs.B: " + (m.dir / "x.pb").string() +
             " holds FLOAT [2, 3], the model's input is FLOAT [1, 3]"},
        {{{"inputs", {{"X", "missing.npy"}}}}, "workload.inputs.X: an existing file"},
        {{{"inputs", {{"X", "x.txt"}}}}, "workload.inputs.X: a .npy or .pb (TensorProto) file"},
        {{{"input_shapes", {{"X", {2, 3}}}}, {"batch", 2}},
         "workload.batch: an ONNX model runs at its own batch"},
        {{{"input_shapes", {{"X", {2, 3}}}}, {"inputs", {{"C", "x.pb"}}}},
         "workload.inputs names 'C', which is not a runtime input of the model (it has 'X', "
         "'B')"},
        {{{"precision", "int4"}, {"input_shapes", {{"X", {2, 3}}}}},
         "precision int4: ONNX models run at int8, int16 or fp16"},
        {{{"precision", "int8"}, {"input_shapes", {{"X", {2, 3}}}}, {"layer_precision", {{"nope", "fp32"}}}},
         "layer_precision 'nope': no step of that name"},
        {{{"input_shapes", {{"X", {2, 3}}}}, {"layer_precision", {{"add", "int8"}}}},
         "override 'add' = int8 with scheme none"},
        // A symbolic dim of 1e9 would be allocated per input set: refused up front.
        {{{"input_shapes", {{"X", {1000000000, 3}}}}},
         "workload.input_shapes: the run would need about"},
    };
    int k = 0;
    for (const auto& c : cases) {
        const result r = m.run(m.scenario("bad" + std::to_string(k++), c.workload));
        EXPECT_EQ(r.exit_code, 2) << c.workload << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expected), std::string::npos)
            << "expected: " << c.expected << "\ngot: " << r.output;
    }
}

}  // namespace
