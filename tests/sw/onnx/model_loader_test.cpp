// The model loader's and the importer's refusals: the file, the node, the
// op and the field.
#include <gtest/gtest.h>

#include <cmath>

#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"
#include "tests/sw/onnx/conv_bn_model.h"

namespace nnvp::onnx_import {
namespace {

using test::conv_bn;

std::string import_error(const onnx::ModelProto& m) {
    try {
        import_for_check(m, {{"X", zero_value(onnx::TensorProto::FLOAT, {1, 2, 3, 3}, "X")}},
                         "m.onnx");
    } catch (const onnx_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Importer, ErrorsNameTheNodeAndTheField) {
    const conv_bn cb;
    onnx::ModelProto m = cb.model();
    m.mutable_graph()->mutable_node(2)->set_op_type("Foo");
    EXPECT_EQ(import_error(m), "m.onnx: node 'relu' (Foo): op Foo is not supported by nnvp");

    m = cb.model();
    test::set_string(m.mutable_graph()->mutable_node(0), "auto_pad", "FOO");
    EXPECT_EQ(import_error(m),
              "m.onnx: node 'conv' (Conv): auto_pad 'FOO': expected NOTSET, "
              "SAME_UPPER, SAME_LOWER or VALID");

    m = cb.model();
    test::set_int(m.mutable_graph()->mutable_node(0), "strides", 2);
    EXPECT_EQ(import_error(m),
              "m.onnx: node 'conv' (Conv): attribute 'strides': type INT, expected INTS");

    m = cb.model();
    test::set_int(m.mutable_graph()->mutable_node(0), "foo", 1);
    EXPECT_EQ(import_error(m),
              "m.onnx: node 'conv' (Conv): attribute 'foo' is not supported by nnvp");
}

TEST(ModelLoader, TruncatedFileAndMissingInitializer) {
    const conv_bn cb;
    const test::temp_file f("model.onnx");
    const std::string bytes = cb.model().SerializeAsString();
    f.write(bytes.substr(0, bytes.size() / 2));
    try {
        load_model(f.path);
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  f.path + ": not a valid ONNX model (truncated or corrupt protobuf)");
    }
    onnx::ModelProto m = cb.model();
    m.mutable_graph()->mutable_initializer()->DeleteSubrange(0, 1);  // W
    f.write(m.SerializeAsString());
    try {
        load_model(f.path);
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  f.path +
                      ": node 'conv' (Conv): input 'W' is neither a graph input, an "
                      "initializer nor the output of an earlier node");
    }
    EXPECT_THROW(load_model("/nonexistent/model.onnx"), onnx_error);
}

}  // namespace
}  // namespace nnvp::onnx_import

namespace nnvp::onnx_import {
namespace {

// A negative size is a broken model, not a symbolic dim to be given.
TEST(ModelLoader, NegativeDimIsNotCalledSymbolic) {
    onnx::ModelProto m = test::new_model();
    test::add_value_info(m.mutable_graph()->add_input(), "X", {1, 3});
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()
        ->mutable_dim(1)->set_dim_value(-3);
    try {
        runtime_inputs(m, "m.onnx", {}, "workload.input_shapes", "--input-shape NAME=D,D");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "m.onnx: graph input 'X': dim 1 = -3: the model gives a negative size "
                  "(expected >= 1, or a symbolic dim_param)");
    }
}


// NaN weights are named with the file, the node and the tensor.
TEST(Importer, NanWeightsNameTheFileAndTheTensor) {
    const conv_bn cb;
    onnx::ModelProto m = cb.model();
    for (auto& init : *m.mutable_graph()->mutable_initializer())
        if (init.name() == "W")
            init.set_float_data(3, std::nanf(""));
    const std::string e = import_error(m);
    EXPECT_EQ(e.rfind("m.onnx: node 'conv' (Conv): weights 'W': element ", 0), 0u) << e;
    EXPECT_NE(e.find("nan: expected finite values"), std::string::npos) << e;
}

}  // namespace
}  // namespace nnvp::onnx_import
