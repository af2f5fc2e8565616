// NumPy .npy files (format versions 1-3, C order) as ONNX tensor values, so a
// scenario can feed a model the arrays a user saved with numpy.save.
// dtypes map onto ONNX element types: float32 FLOAT, float16 FLOAT16, int8
// INT8, uint8 UINT8, int16 INT16, uint16 UINT16, int32 INT32, int64 INT64,
// bool BOOL. float64 and the rest are refused with the reason.
#pragma once

#include <string>

#include "sw/onnx/tensor_pb.h"

namespace nnvp::onnx_import {

// Throws onnx_error "<path>: ..." for a bad file, Fortran order or an
// unsupported dtype.
onnx_tensor read_npy(const std::string& path);

}  // namespace nnvp::onnx_import
