// A small binary file of named fp32 tensors: the trained weights we commit
// (models/fmnist/). Little-endian throughout (the SoC's byte order):
//
//   offset  size  field
//   0       8     magic "NNVPWGT\0"
//   8       4     version (1)
//   12      4     tensor count (1 to 1024)
//   then per tensor:
//           4     name length L (1 to 255)
//           L     name (printable ASCII, unique in the file)
//           16    shape n, h, w, c (uint32 each, >= 1)
//           4*E   E = n*h*w*c fp32 values, NHWC / OHWI order
//   end-4   4     CRC-32 (IEEE, as zlib's crc32) of every byte before it
//
// The reader checks every field and names the file, the tensor and the field
// at fault (weights_error); it never reads past the buffer.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/tensor/tensor.h"

namespace nnvp::dataset {

class weights_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct named_tensor {
    std::string name;
    nn::tensor value;  // fp32
};

constexpr uint32_t weights_version = 1;

std::vector<uint8_t> encode_weights(const std::vector<named_tensor>& tensors);
// `source` names the data in error messages (a file path).
std::vector<named_tensor> decode_weights(const std::vector<uint8_t>& bytes,
                                         const std::string& source);

void write_weights(const std::string& path, const std::vector<named_tensor>& tensors);
std::vector<named_tensor> read_weights(const std::string& path);

// The tensor called `name`, with shape `shape`; weights_error otherwise.
const nn::tensor& find_tensor(const std::vector<named_tensor>& tensors, const std::string& name,
                              const nn::shape4& shape, const std::string& source);

}  // namespace nnvp::dataset
