// .npy files as ONNX tensor values: every dtype nnvp reads, format versions
// 1 and 2, and the refusals (magic, float64, Fortran order, wrong size).
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sw/onnx/npy.h"

using namespace nnvp::onnx_import;

namespace {

// Writes a .npy file as numpy.save does: magic, version, padded header, data.
std::string write_npy(const std::string& name, const std::string& descr, const std::string& shape,
                      const std::string& data, int version = 1, bool fortran = false) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " +
                         (fortran ? "True" : "False") + ", 'shape': (" + shape + "), }";
    const std::size_t prefix = version == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version);
    out += '\0';
    const std::size_t n = header.size();
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>(n >> 8 & 0xff);
    if (version != 1)
        out += std::string(2, '\0');
    const std::string path =
        (std::filesystem::temp_directory_path() / ("nnvp_npy_" + name + ".npy")).string();
    std::ofstream(path, std::ios::binary) << out << header << data;
    return path;
}

template <typename T>
std::string raw(std::initializer_list<T> values) {
    std::string s;
    for (T v : values)
        s.append(reinterpret_cast<const char*>(&v), sizeof v);
    return s;
}

std::string error_of(const std::string& path) {
    try {
        read_npy(path);
    } catch (const onnx_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(npy, reads_float32_and_its_shape) {
    const onnx_tensor t = read_npy(write_npy("f4", "<f4", "2, 3", raw<float>({1, 2, 3, 4, 5, -6.5f})));
    EXPECT_EQ(t.elem_type, onnx::TensorProto::FLOAT);
    EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(t.value(5), -6.5);
    EXPECT_EQ(t.value(1), 2.0);
}

TEST(npy, reads_the_integer_and_bool_dtypes_version_2_too) {
    const onnx_tensor i64 =
        read_npy(write_npy("i8", "<i8", "3,", raw<int64_t>({7, -1, 1000000}), 2));
    EXPECT_EQ(i64.elem_type, onnx::TensorProto::INT64);
    EXPECT_EQ(i64.dims, (std::vector<int64_t>{3}));
    EXPECT_EQ(i64.int_value(2), 1000000);
    const onnx_tensor u8 = read_npy(write_npy("u1", "|u1", "1, 2", raw<uint8_t>({200, 3})));
    EXPECT_EQ(u8.elem_type, onnx::TensorProto::UINT8);
    EXPECT_EQ(u8.int_value(0), 200);
    const onnx_tensor b = read_npy(write_npy("b1", "|b1", "2,", raw<uint8_t>({1, 0})));
    EXPECT_EQ(b.elem_type, onnx::TensorProto::BOOL);
    EXPECT_EQ(b.int_value(0), 1);
    const onnx_tensor scalar = read_npy(write_npy("i4", "<i4", "", raw<int32_t>({-9})));
    EXPECT_TRUE(scalar.dims.empty());
    EXPECT_EQ(scalar.int_value(0), -9);
}

TEST(npy, refusals_say_what_to_do) {
    EXPECT_NE(error_of(write_npy("f8", "<f8", "1,", raw<double>({1}))).find("save it as float32"),
              std::string::npos);
    EXPECT_NE(error_of(write_npy("fo", "<f4", "1, 1", raw<float>({1}), 1, true))
                  .find("Fortran-order"),
              std::string::npos);
    EXPECT_NE(error_of(write_npy("short", "<f4", "2, 2", raw<float>({1, 2, 3})))
                  .find("12 data bytes, the header's shape (2, 2) and dtype <f4 need 16"),
              std::string::npos);
    EXPECT_NE(error_of(write_npy("be", ">f4", "1,", raw<float>({1}))).find("dtype '>f4'"),
              std::string::npos);
    const std::string text =
        (std::filesystem::temp_directory_path() / "nnvp_npy_text.npy").string();
    std::ofstream(text) << "hello";
    EXPECT_NE(error_of(text).find("not a .npy file"), std::string::npos);
    EXPECT_NE(error_of("/nonexistent/x.npy").find("cannot open"), std::string::npos);
}
