// The model loader's and the importer's refusals: the file, the node, the
// op and the field.
#include <gtest/gtest.h>

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
