// Reader for the IDX files of MNIST and Fashion-MNIST (LeCun et al.'s
// format, http://yann.lecun.com/exdb/mnist/): two zero bytes, a type code,
// the number of dimensions, one big-endian uint32 per dimension, then the
// elements in row-major order (big-endian for multi-byte types).
//
// Files may be gzip-compressed or plain (zlib reads both). Every malformed
// file gets an idx_error naming the file, the field and what was expected:
// bad magic, unknown type code, zero or too many dimensions, a declared size
// over the limit, truncated data, trailing bytes, a corrupt gzip stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnvp::dataset {

class idx_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// IDX type codes (the third byte of the magic number).
enum class idx_type : uint8_t {
    u8 = 0x08,
    s8 = 0x09,
    s16 = 0x0B,
    s32 = 0x0C,
    f32 = 0x0D,
    f64 = 0x0E,
};

const char* to_string(idx_type t);
std::size_t element_bytes(idx_type t);

struct idx_array {
    idx_type type = idx_type::u8;
    std::vector<uint32_t> dims;
    std::vector<uint8_t> data;  // raw elements as stored (big-endian)

    std::size_t count() const;
};

// Largest payload read_idx accepts by default: the Fashion-MNIST training
// images are 47 MB; a corrupt header must not make us allocate gigabytes.
constexpr std::size_t idx_default_max_bytes = std::size_t{256} << 20;

// Reads and validates a whole IDX file (gzip or plain).
idx_array read_idx(const std::string& path, std::size_t max_bytes = idx_default_max_bytes);

}  // namespace nnvp::dataset
