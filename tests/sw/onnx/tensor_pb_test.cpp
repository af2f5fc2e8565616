#include "sw/onnx/tensor_pb.h"

#include <gtest/gtest.h>

#include "tests/sw/onnx/onnx_test_util.h"

namespace nnvp::onnx_import {
namespace {

using test::temp_file;

TEST(TensorPb, FloatTypedFieldKeepsRowMajorOrderInPlainLayout) {
    const temp_file f("float.pb");
    f.write(test::float_tensor("x", {2, 3}, {1, 2, 3, 4, 5, 6.5f}).SerializeAsString());
    const onnx_tensor t = read_tensor_pb(f.path);
    EXPECT_EQ(t.name, "x");
    EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(t.data.type(), nn::dtype::fp32);
    EXPECT_EQ(t.data.shape(), (nn::shape4{1, 1, 2, 3}));  // right-aligned
    EXPECT_FLOAT_EQ(t.data.get_float(t.data.index(0, 0, 1, 2)), 6.5f);
    EXPECT_FLOAT_EQ(t.data.get_float(t.data.index(0, 0, 0, 1)), 2.0f);
}

TEST(TensorPb, RawDataLittleEndianInt16AndUint8WidenedExactly) {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::INT16);
    p.add_dims(2);
    p.set_raw_data(std::string("\x01\x80\xff\x7f", 4));  // 0x8001, 0x7fff
    onnx_tensor t = from_proto(p, "test");
    EXPECT_EQ(t.int_value(0), -32767);
    EXPECT_EQ(t.int_value(1), 32767);

    onnx::TensorProto u;
    u.set_data_type(onnx::TensorProto::UINT8);
    u.add_dims(3);
    u.set_raw_data(std::string("\x00\x80\xff", 3));
    t = from_proto(u, "test");
    EXPECT_EQ(t.data.type(), nn::dtype::int16);  // 0..255 held exactly
    EXPECT_EQ(t.int_value(1), 128);
    EXPECT_EQ(t.int_value(2), 255);
}

TEST(TensorPb, Int64AndScalar) {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::INT64);
    p.add_int64_data(-5);
    const onnx_tensor t = from_proto(p, "test");
    EXPECT_TRUE(t.dims.empty());
    EXPECT_EQ(t.count(), 1u);
    EXPECT_EQ(t.int_value(0), -5);
}

TEST(TensorPb, Rank5FoldsLeadingDimsIntoN) {
    std::vector<float> v(2 * 3 * 1 * 1 * 2, 0.0f);
    const onnx_tensor t = from_proto(test::float_tensor("x", {2, 3, 1, 1, 2}, v), "test");
    EXPECT_EQ(t.data.shape(), (nn::shape4{6, 1, 1, 2}));
}

TEST(TensorPb, ErrorsNameTheFileAndTheField) {
    const temp_file f("bad.pb");
    std::string bytes = test::float_tensor("x", {4}, {1, 2, 3, 4}).SerializeAsString();
    f.write(bytes.substr(0, bytes.size() - 6));  // truncated inside float_data
    try {
        read_tensor_pb(f.path);
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_NE(std::string(e.what()).find(f.path + ": not a valid TensorProto"),
                  std::string::npos)
            << e.what();
    }
    onnx::TensorProto p = test::float_tensor("x", {4}, {1, 2, 3});  // count mismatch
    EXPECT_THROW(
        {
            try {
                from_proto(p, "in.pb");
            } catch (const onnx_error& e) {
                EXPECT_STREQ(
                    e.what(),
                    "in.pb tensor 'x': float_data: 3 values, expected 4 (dims) or raw_data");
                throw;
            }
        },
        onnx_error);
    onnx::TensorProto d;
    d.set_data_type(onnx::TensorProto::DOUBLE);
    d.add_double_data(1.0);
    EXPECT_THROW(from_proto(d, "in.pb"), onnx_error);
    onnx::TensorProto u;
    u.set_data_type(onnx::TensorProto::UINT8);
    u.add_int32_data(300);
    try {
        from_proto(u, "in.pb");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_NE(std::string(e.what()).find("int32_data[0] = 300: out of range for UINT8"),
                  std::string::npos);
    }
    onnx::TensorProto r;
    r.set_data_type(onnx::TensorProto::FLOAT);
    r.add_dims(2);
    r.set_raw_data(std::string(7, '\0'));
    EXPECT_THROW(from_proto(r, "in.pb"), onnx_error);
    EXPECT_THROW(read_tensor_pb("/nonexistent/x.pb"), onnx_error);
}

}  // namespace
}  // namespace nnvp::onnx_import

namespace nnvp::onnx_import {
namespace {

// Dims of 1e9 elements over 4 bytes of data are refused before the 4 GB
// tensor is allocated.
TEST(TensorPb, DimsBeyondTheDataAreRefusedBeforeAllocating) {
    onnx::TensorProto p;
    p.set_name("w");
    p.set_data_type(onnx::TensorProto::FLOAT);
    p.add_dims(1000000000);
    p.set_raw_data(std::string(4, '\0'));
    try {
        from_proto(p, "m.onnx");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "m.onnx tensor 'w': raw_data: 4 bytes, expected 4000000000 for 1000000000 "
                  "FLOAT elements");
    }
}

}  // namespace
}  // namespace nnvp::onnx_import
