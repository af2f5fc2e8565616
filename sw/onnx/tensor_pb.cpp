#include "sw/onnx/tensor_pb.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "nn/tensor/endian.h"

namespace nnvp::onnx_import {

namespace {

using tp = onnx::TensorProto;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw onnx_error(where + ": " + what);
}

// Stores element i from its integer value (or bit pattern for floats).
void put(nn::tensor& out, std::size_t i, int32_t t, uint64_t bits) {
    switch (t) {
        case tp::FLOAT: {
            float f;
            const uint32_t u = static_cast<uint32_t>(bits);
            std::memcpy(&f, &u, 4);
            out.set_float(i, f);
            return;
        }
        case tp::FLOAT16:
            out.set_half_bits(i, static_cast<uint16_t>(bits));
            return;
        case tp::INT8:
            out.set_int(i, static_cast<int8_t>(bits));
            return;
        case tp::INT16:
            out.set_int(i, static_cast<int16_t>(bits));
            return;
        case tp::INT32:
            out.set_int(i, static_cast<int32_t>(bits));
            return;
        case tp::INT64:
            out.set_int(i, static_cast<int64_t>(bits));
            return;
        case tp::UINT8:
            out.set_int(i, static_cast<uint8_t>(bits));
            return;
        case tp::UINT16:
            out.set_int(i, static_cast<uint16_t>(bits));
            return;
        case tp::BOOL:
            out.set_int(i, bits != 0 ? 1 : 0);
            return;
        default:
            return;
    }
}

}  // namespace

const char* const without_values_location = "nnvp:without-values";

bool is_without_values(const onnx::TensorProto& t) {
    return t.data_location() == tp::EXTERNAL && t.external_data_size() == 1 &&
           t.external_data(0).key() == "location" &&
           t.external_data(0).value() == without_values_location && !t.has_raw_data();
}

void mark_without_values(onnx::TensorProto& t) {
    t.clear_raw_data();
    t.set_data_location(tp::EXTERNAL);
    onnx::StringStringEntryProto* e = t.add_external_data();
    e->set_key("location");
    e->set_value(without_values_location);
}

std::size_t raw_width(int32_t t) {
    switch (t) {
        case onnx::TensorProto::INT8:
        case onnx::TensorProto::UINT8:
        case onnx::TensorProto::BOOL:
            return 1;
        case onnx::TensorProto::INT16:
        case onnx::TensorProto::UINT16:
        case onnx::TensorProto::FLOAT16:
            return 2;
        case onnx::TensorProto::FLOAT:
        case onnx::TensorProto::INT32:
            return 4;
        case onnx::TensorProto::INT64:
            return 8;
        default:
            return 0;
    }
}

double onnx_tensor::value(std::size_t i) const {
    if (i >= count())
        throw onnx_error("tensor '" + name + "': element " + std::to_string(i) + " of " +
                         std::to_string(count()) + " (an empty tensor has none)");
    return nn::is_float(data.type()) ? data.get_float(i) : static_cast<double>(data.get_int(i));
}

std::string elem_type_name(int32_t t) {
    if (tp::DataType_IsValid(t))
        return tp::DataType_Name(static_cast<tp::DataType>(t));
    return "type " + std::to_string(t);
}

nn::dtype storage_type(int32_t t, const std::string& where) {
    switch (t) {
        case tp::FLOAT:
            return nn::dtype::fp32;
        case tp::FLOAT16:
            return nn::dtype::fp16;
        case tp::INT8:
        case tp::BOOL:
            return nn::dtype::int8;
        case tp::UINT8:
        case tp::INT16:
            return nn::dtype::int16;
        case tp::UINT16:
        case tp::INT32:
            return nn::dtype::int32;
        case tp::INT64:
            return nn::dtype::int64;
        default:
            fail(where, "element type " + elem_type_name(t) +
                            ": expected FLOAT, FLOAT16, INT8, UINT8, INT16, UINT16, INT32, "
                            "INT64 or BOOL");
    }
}

onnx_tensor zero_value(int32_t elem_type, const std::vector<int64_t>& dims,
                       const std::string& where) {
    onnx::TensorProto t;
    t.set_data_type(elem_type);
    int64_t count = 1;
    for (int64_t d : dims) {
        t.add_dims(d);
        count *= d;
    }
    const std::size_t width = raw_width(elem_type);
    if (width == 0)
        storage_type(elem_type, where);  // throws, naming the type
    t.set_raw_data(std::string(static_cast<std::size_t>(count) * width, '\0'));
    return from_proto(t, where);
}

namespace {

// The file holds `n` values of `elem_type` (raw_data, or the typed field
// onnx.proto names: float_data for FLOAT; int32_data for the narrow integer
// types, BOOL and FLOAT16 bits; int64_data for INT64).
void check_value_count(const onnx::TensorProto& t, int32_t elem_type, std::size_t n,
                       const std::string& where) {
    if (t.has_raw_data()) {
        const std::size_t w = raw_width(elem_type);
        if (t.raw_data().size() != n * w)
            fail(where, "raw_data: " + std::to_string(t.raw_data().size()) + " bytes, expected " +
                            std::to_string(n * w) + " for " + std::to_string(n) + " " +
                            elem_type_name(elem_type) + " elements");
        return;
    }
    std::size_t have = 0;
    const char* field = "";
    switch (elem_type) {
        case tp::FLOAT:
            have = static_cast<std::size_t>(t.float_data_size());
            field = "float_data";
            break;
        case tp::INT64:
            have = static_cast<std::size_t>(t.int64_data_size());
            field = "int64_data";
            break;
        default:
            have = static_cast<std::size_t>(t.int32_data_size());
            field = "int32_data";
            break;
    }
    if (have != n)
        fail(where, std::string(field) + ": " + std::to_string(have) + " values, expected " +
                        std::to_string(n) + " (dims) or raw_data");
}

}  // namespace

onnx_tensor from_proto(const onnx::TensorProto& t, const std::string& where_in) {
    const std::string where = where_in + (t.name().empty() ? "" : " tensor '" + t.name() + "'");
    onnx_tensor r;
    r.name = t.name();
    r.elem_type = t.data_type();
    const bool without_values = is_without_values(t);
    if (!without_values && (t.data_location() == tp::EXTERNAL || t.external_data_size() > 0))
        fail(where, "data_location: external data is not supported (expected the values inline)");
    if (t.has_segment())
        fail(where, "segment: segmented tensors are not supported");
    const nn::dtype type = storage_type(r.elem_type, where + " data_type");
    if (t.dims_size() == 1 && t.dims(0) == 0) {  // an empty list (axes, pads, ...): no data
        if (!t.raw_data().empty() || t.float_data_size() || t.int32_data_size() ||
            t.int64_data_size())
            fail(where, "dims [0] with values: expected none");
        r.dims = {0};
        return r;
    }
    uint64_t count = 1;
    for (int i = 0; i < t.dims_size(); ++i) {
        const int64_t d = t.dims(i);
        if (d < 1)
            fail(where, "dims[" + std::to_string(i) + "] = " + std::to_string(d) +
                            ": expected >= 1 (empty tensors are not supported)");
        r.dims.push_back(d);
        count *= static_cast<uint64_t>(d);
        if (count > 0x7fffffffu)
            fail(where, "dims: more than 2^31-1 elements");
    }
    // Plain layout: right-aligned; rank > 4 folds the leading dims into n.
    nn::shape4 s;
    const int rank = t.dims_size();
    int* dst[4] = {&s.n, &s.h, &s.w, &s.c};
    for (int i = 0; i < rank; ++i) {
        const int k = std::max(0, 4 - rank + i);
        *dst[k] = (k == 0 ? *dst[0] : 1) * static_cast<int>(r.dims[static_cast<std::size_t>(i)]);
    }
    if (without_values) {
        r.data = nn::tensor::without_values(type, s);
        return r;
    }
    const std::size_t n = static_cast<std::size_t>(count);
    // The values the file holds must match the dims before the tensor is
    // allocated: dims of 1e9 elements over a few bytes of data would take
    // gigabytes only to be refused.
    check_value_count(t, r.elem_type, n, where);
    r.data = nn::tensor(type, s);

    if (t.has_raw_data()) {
        const std::string& raw = t.raw_data();
        const std::size_t w = raw_width(r.elem_type);
        const auto* p = reinterpret_cast<const uint8_t*>(raw.data());
        if (r.elem_type == tp::FLOAT) {  // the same little-endian bytes
            std::memcpy(r.data.bytes().data(), p, raw.size());
            return r;
        }
        for (std::size_t i = 0; i < n; ++i) {
            uint64_t bits = 0;
            for (std::size_t b = 0; b < w; ++b)
                bits |= static_cast<uint64_t>(p[i * w + b]) << (8 * b);
            put(r.data, i, r.elem_type, bits);
        }
        return r;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const int k = static_cast<int>(i);
        if (r.elem_type == tp::FLOAT) {
            r.data.set_float(i, t.float_data(k));
        } else if (r.elem_type == tp::INT64) {
            r.data.set_int(i, t.int64_data(k));
        } else {
            const int32_t v = t.int32_data(k);
            const bool fits = r.elem_type == tp::FLOAT16 || r.elem_type == tp::INT32 ||
                              (r.elem_type == tp::UINT8 && v >= 0 && v <= 255) ||
                              (r.elem_type == tp::INT8 && v >= -128 && v <= 127) ||
                              (r.elem_type == tp::UINT16 && v >= 0 && v <= 65535) ||
                              (r.elem_type == tp::INT16 && v >= -32768 && v <= 32767) ||
                              (r.elem_type == tp::BOOL && (v == 0 || v == 1));
            if (!fits)
                fail(where, "int32_data[" + std::to_string(i) + "] = " + std::to_string(v) +
                                ": out of range for " + elem_type_name(r.elem_type));
            put(r.data, i, r.elem_type, static_cast<uint64_t>(static_cast<uint32_t>(v)));
        }
    }
    return r;
}

onnx_tensor read_tensor_pb(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw onnx_error(path + ": cannot open the file");
    onnx::TensorProto t;
    if (!t.ParseFromIstream(&in))
        throw onnx_error(path + ": not a valid TensorProto (truncated or corrupt protobuf)");
    return from_proto(t, path);
}

}  // namespace nnvp::onnx_import
