#include "sw/onnx/npy.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>

namespace nnvp::onnx_import {

namespace {

// numpy's descr (little-endian or byte-order free) -> ONNX element type.
int32_t elem_type_of(const std::string& descr, const std::string& path) {
    static const std::map<std::string, int32_t> types = {
        {"<f4", onnx::TensorProto::FLOAT},  {"<f2", onnx::TensorProto::FLOAT16},
        {"|i1", onnx::TensorProto::INT8},   {"|u1", onnx::TensorProto::UINT8},
        {"<i2", onnx::TensorProto::INT16},  {"<u2", onnx::TensorProto::UINT16},
        {"<i4", onnx::TensorProto::INT32},  {"<i8", onnx::TensorProto::INT64},
        {"|b1", onnx::TensorProto::BOOL}};
    const auto it = types.find(descr);
    if (it != types.end())
        return it->second;
    if (descr == "<f8")
        throw onnx_error(path + ": float64 array: save it as float32 (a.astype(np.float32))");
    throw onnx_error(path + ": dtype '" + descr +
                     "' is not one nnvp reads (float32, float16, int8/16/32/64, uint8/16, bool; "
                     "little-endian)");
}

// The value of 'key' in the header's Python dict literal.
std::string header_field(const std::string& header, const std::string& key,
                         const std::string& pattern, const std::string& path) {
    std::smatch m;
    if (!std::regex_search(header, m, std::regex("'" + key + "'\\s*:\\s*" + pattern)))
        throw onnx_error(path + ": the .npy header has no readable '" + key + "' (" + header +
                         ")");
    return m[1].str();
}

}  // namespace

onnx_tensor read_npy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw onnx_error(path + ": cannot open the file");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
        throw onnx_error(path + ": not a .npy file (no \\x93NUMPY magic)");
    const auto major = static_cast<unsigned char>(bytes[6]);
    auto byte_at = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(bytes[i])); };
    std::size_t header_len = 0, at = 0;
    if (major == 1) {
        header_len = byte_at(8) | byte_at(9) << 8;
        at = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            throw onnx_error(path + ": truncated .npy header");
        header_len = byte_at(8) | byte_at(9) << 8 | byte_at(10) << 16 | byte_at(11) << 24;
        at = 12;
    } else {
        throw onnx_error(path + ": .npy format version " + std::to_string(major) +
                         " (nnvp reads 1 to 3)");
    }
    if (bytes.size() < at + header_len)
        throw onnx_error(path + ": truncated .npy header");
    const std::string header = bytes.substr(at, header_len);
    const std::string descr = header_field(header, "descr", "'([^']*)'", path);
    if (header_field(header, "fortran_order", "(True|False)", path) == "True")
        throw onnx_error(path + ": Fortran-order array: save it in C order (np.ascontiguousarray)");
    const std::string shape = header_field(header, "shape", "\\(([^)]*)\\)", path);

    onnx::TensorProto t;
    t.set_data_type(elem_type_of(descr, path));
    int64_t count = 1;
    const std::regex number("\\d+");
    for (auto it = std::sregex_iterator(shape.begin(), shape.end(), number);
         it != std::sregex_iterator(); ++it) {
        const int64_t d = std::stoll(it->str());
        t.add_dims(d);
        count *= d;
    }
    const std::size_t data_bytes = static_cast<std::size_t>(count) * raw_width(t.data_type());
    if (bytes.size() - at - header_len != data_bytes)
        throw onnx_error(path + ": " + std::to_string(bytes.size() - at - header_len) +
                         " data bytes, the header's shape (" + shape + ") and dtype " + descr +
                         " need " + std::to_string(data_bytes));
    t.set_raw_data(bytes.substr(at + header_len));
    return from_proto(t, path);
}

}  // namespace nnvp::onnx_import
