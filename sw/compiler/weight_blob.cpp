#include "sw/compiler/weight_blob.h"

#include <algorithm>
#include <stdexcept>

namespace nnvp::compiler {

uint32_t csr_row_len(std::size_t elements, int out_channels) {
    const std::size_t k = out_channels > 0 ? elements / std::size_t(out_channels) : elements;
    for (std::size_t d = std::min<std::size_t>(k, nncore_cmd::max_csr_row_len); d > 1; --d)
        if (k % d == 0 && elements % d == 0)
            return static_cast<uint32_t>(d);
    return 1;
}

weight_blob encode_weights(const nn::tensor& w, int out_channels, cost::weight_format f) {
    weight_blob out;
    out.dense_bytes = w.byte_size();
    const unsigned bits = static_cast<unsigned>(nn::storage_bytes(w.type(), 8));
    if (f == cost::weight_format::dense || w.size() == 0 || w.size() > UINT32_MAX ||
        (bits != 8 && bits != 16 && bits != 32))
        return out;
    // A compressed blob's size is its values' (timing mode builds them when asked).
    if (!w.has_values())
        throw nn::no_values_error("weight_format " + std::string(cost::to_string(f)) +
                                  ": the compressed size needs the weights' values");
    nncore_cmd::blob_shape shape;
    shape.elements = static_cast<uint32_t>(w.size());
    shape.elem_bits = bits;
    auto make = [&](cost::weight_format g) {
        weight_blob b = out;
        b.format = g;
        b.shape = shape;
        b.shape.format = g == cost::weight_format::csr ? cost::weight_format::csr
                                                  : cost::weight_format::bitmap;
        b.shape.row_len = g == cost::weight_format::csr ? csr_row_len(w.size(), out_channels) : 0;
        b.blob = nncore_cmd::compress(w.bytes().data(), b.shape);
        return b;
    };
    if (f != cost::weight_format::automatic)
        return make(f);
    // Sizes from the non-zero count first: only the winner is encoded.
    const uint64_t nnz = nncore_cmd::count_nonzero(w.bytes().data(), shape);
    nncore_cmd::blob_shape bm = shape, cs = shape;
    bm.format = cost::weight_format::bitmap;
    cs.format = cost::weight_format::csr;
    cs.row_len = csr_row_len(w.size(), out_channels);
    const uint64_t b_bytes = nncore_cmd::blob_bytes(bm, nnz), c_bytes = nncore_cmd::blob_bytes(cs, nnz);
    if (std::min(b_bytes, c_bytes) >= out.dense_bytes)
        return out;
    return make(b_bytes <= c_bytes ? cost::weight_format::bitmap : cost::weight_format::csr);
}

}  // namespace nnvp::compiler
