// How the package stores ONNX values: the element type and offset of each
// ONNX type (stored_as), value conversion into it (convert_values), and the
// inputs and outputs of a check_network between the two (to_package,
// from_package).
#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import {

namespace detail {

bool stored_as(int32_t elem_type, nn::dtype& type, int32_t& offset) {
    offset = 0;
    switch (elem_type) {
        case onnx::TensorProto::FLOAT:
            type = nn::dtype::fp32;
            return true;
        case onnx::TensorProto::FLOAT16:  // at the graph's edges (half_values.cpp)
            type = nn::dtype::fp16;
            return true;
        case onnx::TensorProto::INT8:
        case onnx::TensorProto::BOOL:  // 0 / 1
            type = nn::dtype::int8;
            return true;
        case onnx::TensorProto::UINT8:
            type = nn::dtype::int8;
            offset = 128;
            return true;
        case onnx::TensorProto::INT16:
            type = nn::dtype::int16;
            return true;
        case onnx::TensorProto::INT32:
            type = nn::dtype::int32;
            return true;
        case onnx::TensorProto::INT64:  // indices: values outside int32 are refused
            type = nn::dtype::int32;
            return true;
        default:
            return false;
    }
}

nn::tensor convert_values(const nn::tensor& in, nn::dtype to, int32_t offset,
                          const std::string& where) {
    if (in.type() == to && offset == 0)
        return in;
    nn::tensor out(to, in.shape());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (nn::is_float(to)) {
            out.set_float(i, in.get_float(i));
            continue;
        }
        const int64_t v = in.get_int(i) - offset;
        if (v < nn::min_of(to) || v > nn::max_of(to))
            throw onnx_error(where + ": value " + std::to_string(v + offset) +
                             " does not fit the stored type " + nn::to_string(to));
        out.set_int(i, v);
    }
    return out;
}

}  // namespace detail

using detail::convert_values;

nn::tensor to_package(const port& p, const onnx_tensor& v) {
    if (v.dims != p.dims || v.elem_type != p.elem_type)
        throw onnx_error("input '" + p.name + "': " + elem_type_name(v.elem_type) + " of " +
                         std::to_string(v.dims.size()) + " dims does not match the model's " +
                         elem_type_name(p.elem_type) + " tensor");
    const nn::tensor stored = convert_values(v.data, p.type, p.offset, "input '" + p.name + "'");
    return from_plain(stored.reshaped(to_shape4(p.dims, layout::plain, p.name)), p.lay);
}

onnx_tensor from_package(const port& p, const nn::tensor& t) {
    const nn::shape4 expect = to_shape4(p.dims, p.lay, p.name);
    if (t.shape() != expect || t.type() != p.type)
        throw onnx_error("output '" + p.name + "': got " + nn::to_string(t.shape()) + " " +
                         nn::to_string(t.type()) + ", expected " + nn::to_string(expect) + " " +
                         nn::to_string(p.type));
    onnx_tensor r;
    r.name = p.name;
    r.elem_type = p.elem_type;
    r.dims = p.dims;
    const nn::tensor plain = to_plain(t, p.lay);
    r.data = nn::tensor(storage_type(p.elem_type, p.name), plain.shape());
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (nn::is_float(r.data.type()))
            r.data.set_float(i, plain.get_float(i));
        else
            r.data.set_int(i, plain.get_int(i) + p.offset);
    }
    return r;
}

}  // namespace nnvp::onnx_import
