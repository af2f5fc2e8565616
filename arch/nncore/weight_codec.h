// The compressed-weight codec of LOAD_COMPRESSED (blob layouts: arch/nncore/command.h):
// bitmap and CSR over raw 8/16/32-bit little-endian elements. One plain C++
// library (no SystemC) used by the NN core's decompressor, the command-stream
// builder (sw/compiler) and its host interpreter, so the rules exist once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/nncore/command.h"

namespace nnvp::nncore_cmd {

// What a blob expands to (the LOAD_COMPRESSED fields other than addresses).
struct blob_shape {
    uint32_t elements = 0;
    unsigned elem_bits = 8;  // 8, 16, 32
    cost::weight_format format = cost::weight_format::bitmap;
    uint32_t row_len = 0;  // csr: 1..65536 dividing elements; bitmap: 0

    uint64_t elem_bytes() const { return elem_bits / 8; }
    uint64_t dense_bytes() const { return uint64_t{elements} * elem_bytes(); }
};

struct codec_result {
    bool ok = true;
    std::string what;  // why not, for the warning / exception
    uint64_t nnz = 0;  // stored values (valid blobs)
};

constexpr uint32_t max_csr_row_len = 65536;  // 16-bit column indices

// The shape's own rules: elements >= 1, elem_bits 8/16/32, a known format,
// row_len (csr: 1..65536 dividing elements; bitmap: 0).
codec_result check_shape(const blob_shape& s);

// Exact blob size for `nnz` stored values (the layouts' len formulas).
uint64_t blob_bytes(const blob_shape& s, uint64_t nnz);

// Non-zero elements of a dense tensor of s.dense_bytes() bytes.
uint64_t count_nonzero(const uint8_t* dense, const blob_shape& s);

// The canonical blob of `dense` (s.dense_bytes() bytes): every non-zero
// element stored, no zero. Throws std::invalid_argument for a bad shape.
std::vector<uint8_t> compress(const uint8_t* dense, const blob_shape& s);

// Checks a blob of exactly `len` bytes against every layout rule (cost grows
// with len, never with a count read from the blob).
codec_result check_blob(const uint8_t* blob, uint64_t len, const blob_shape& s);

// check_blob(), then, when valid, writes s.dense_bytes() bytes to `dense`
// (zeros where nothing is stored). Nothing is written for an invalid blob.
codec_result expand(const uint8_t* blob, uint64_t len, const blob_shape& s, uint8_t* dense);

}  // namespace nnvp::nncore_cmd
