// DRAM footprint of compressed weights. Bitmap: one presence bit per weight
// plus the packed non-zero values (as in SCNN / Cambricon-X style encoders);
// CSR: values, one column index each, and a row pointer per filter plus one
// (Han et al., "EIE", ISCA 2016 uses a relative-index variant of this).
#include "nn/cost/count_math.h"
#include "nn/cost/layer_view.h"
#include "nn/cost/layer_cost.h"

#include <algorithm>

namespace nnvp::cost {

using detail::packed_bytes;

uint64_t compressed_weight_bytes(uint64_t rows, uint64_t row_len, unsigned value_bits,
                                 double density, weight_format fmt, const compression_params& cp) {
    const uint64_t elements = rows * row_len;
    const uint64_t nnz = detail::scaled_count(elements, density);
    switch (fmt) {
        case weight_format::bitmap:
            return packed_bytes(elements, 1) + packed_bytes(nnz, value_bits);
        case weight_format::csr:
            return packed_bytes(nnz, value_bits) + nnz * cp.index_bytes +
                   (rows + 1) * cp.pointer_bytes;
        case weight_format::automatic:
            return std::min({compressed_weight_bytes(rows, row_len, value_bits, density,
                                                     weight_format::dense, cp),
                             compressed_weight_bytes(rows, row_len, value_bits, density,
                                                     weight_format::bitmap, cp),
                             compressed_weight_bytes(rows, row_len, value_bits, density,
                                                     weight_format::csr, cp)});
        case weight_format::dense:
            break;
    }
    return packed_bytes(elements, value_bits);
}

uint64_t weight_dram_bytes(const ref::layer& l, nn::shape4 in, double density, weight_format fmt,
                           const compression_params& cp) {
    const detail::layer_view v = detail::view_of(l, in);
    if (!v.on_array)
        return 0;
    return compressed_weight_bytes(v.O, v.gemm_k(), v.w_bits, density, fmt, cp);
}

}  // namespace nnvp::cost
