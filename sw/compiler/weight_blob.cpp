#include "sw/compiler/weight_blob.h"

#include <algorithm>
#include <stdexcept>

namespace nnvp::cmdgen {

const char* to_string(weight_storage f) {
    switch (f) {
        case weight_storage::dense:
            return "dense";
        case weight_storage::bitmap:
            return "bitmap";
        case weight_storage::csr:
            return "csr";
        case weight_storage::automatic:
            return "automatic";
    }
    return "?";
}

weight_storage parse_weight_storage(const std::string& name) {
    for (weight_storage f : {weight_storage::dense, weight_storage::bitmap, weight_storage::csr,
                             weight_storage::automatic})
        if (name == to_string(f))
            return f;
    throw std::invalid_argument("weight_format '" + name +
                                "': expected dense, bitmap, csr or automatic");
}

uint32_t csr_row_len(std::size_t elements, int out_channels) {
    const std::size_t k = out_channels > 0 ? elements / std::size_t(out_channels) : elements;
    for (std::size_t d = std::min<std::size_t>(k, nncore::max_csr_row_len); d > 1; --d)
        if (k % d == 0 && elements % d == 0)
            return static_cast<uint32_t>(d);
    return 1;
}

weight_blob encode_weights(const sw::tensor& w, int out_channels, weight_storage f) {
    weight_blob out;
    out.dense_bytes = w.bytes().size();
    const unsigned bits = static_cast<unsigned>(sw::storage_bytes(w.type(), 8));
    if (f == weight_storage::dense || w.size() == 0 || w.size() > UINT32_MAX ||
        (bits != 8 && bits != 16 && bits != 32))
        return out;
    nncore::blob_shape shape;
    shape.elements = static_cast<uint32_t>(w.size());
    shape.elem_bits = bits;
    auto make = [&](weight_storage g) {
        weight_blob b = out;
        b.format = g;
        b.shape = shape;
        b.shape.format = g == weight_storage::csr ? nncore_cmd::compressed_format::csr
                                                  : nncore_cmd::compressed_format::bitmap;
        b.shape.row_len = g == weight_storage::csr ? csr_row_len(w.size(), out_channels) : 0;
        b.blob = nncore::compress(w.bytes().data(), b.shape);
        return b;
    };
    if (f != weight_storage::automatic)
        return make(f);
    // Sizes from the non-zero count first: only the winner is encoded.
    const uint64_t nnz = nncore::count_nonzero(w.bytes().data(), shape);
    nncore::blob_shape bm = shape, cs = shape;
    bm.format = nncore_cmd::compressed_format::bitmap;
    cs.format = nncore_cmd::compressed_format::csr;
    cs.row_len = csr_row_len(w.size(), out_channels);
    const uint64_t b_bytes = nncore::blob_bytes(bm, nnz), c_bytes = nncore::blob_bytes(cs, nnz);
    if (std::min(b_bytes, c_bytes) >= out.dense_bytes)
        return out;
    return make(b_bytes <= c_bytes ? weight_storage::bitmap : weight_storage::csr);
}

}  // namespace nnvp::cmdgen
