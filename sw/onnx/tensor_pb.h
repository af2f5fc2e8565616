// ONNX TensorProto values (initializers, Constant nodes, the backend test
// cases' input_*.pb / output_*.pb files) as nnvp tensors.
//
// Values keep ONNX's row-major order in a tensor of the "plain" layout
// (sw/onnx/layout.h): dims right-aligned into (n,h,w,c). Element types map
// onto the nearest nn::dtype that holds every value exactly:
//   FLOAT fp32, FLOAT16 fp16, INT8 int8, BOOL int8 (0/1), UINT8 int16,
//   INT16 int16, UINT16 int32, INT32 int32, INT64 int64.
// Other types (DOUBLE, STRING, UINT32, UINT64, BFLOAT16, COMPLEX) and
// external data are rejected, and so are empty tensors except an empty
// 1-D list (dims {0}: an empty axes or pads input).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/tensor/tensor.h"

namespace onnx {
class TensorProto;
}

namespace nnvp::onnx_import {

// Bad or unsupported ONNX input: the message names the file, the field and
// the expectation (exit code 2 in the command line).
class onnx_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct onnx_tensor {
    std::string name;
    int32_t elem_type = 0;      // onnx::TensorProto_DataType
    std::vector<int64_t> dims;  // ONNX shape; {} for a scalar
    nn::tensor data;            // plain layout (rank > 4: leading dims folded into n)

    // Elements: 0 for an empty list (dims {0}), whose data is not allocated.
    std::size_t count() const { return empty() ? 0 : data.size(); }
    bool empty() const { return dims.size() == 1 && dims[0] == 0; }
    // Element i as double / int64 (integer types only for the latter).
    double value(std::size_t i) const;
    int64_t int_value(std::size_t i) const {
        return static_cast<int64_t>(i < count() ? data.get_int(i) : value(i));
    }
};

// "FLOAT", "UINT8", ... ("type <n>" for others).
std::string elem_type_name(int32_t t);
// The nn::dtype an ONNX element type is stored as; throws onnx_error naming
// `where` for an unsupported type.
nn::dtype storage_type(int32_t elem_type, const std::string& where);

// Bytes per element of `elem_type` in raw_data; 0 for types nnvp does not read.
std::size_t raw_width(int32_t elem_type);

// Decodes a TensorProto. `where` names the file / node for messages.
// A tensor marked without values (below) decodes to data without values.
onnx_tensor from_proto(const onnx::TensorProto& t, const std::string& where);

// Timing mode builds the zoo's large parameters without values: external
// data at the location "nnvp:without-values" (no file is read). Anything that
// needs their values throws nn::no_values_error.
void mark_without_values(onnx::TensorProto& t);
bool is_without_values(const onnx::TensorProto& t);

// A tensor of zeros (tensor_pb's storage) of `elem_type` and `dims`;
// throws onnx_error naming `where` for an unsupported type.
onnx_tensor zero_value(int32_t elem_type, const std::vector<int64_t>& dims,
                       const std::string& where);

// Reads and decodes a serialized TensorProto file.
onnx_tensor read_tensor_pb(const std::string& path);

}  // namespace nnvp::onnx_import
