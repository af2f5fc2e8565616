// Compressed weight storage for the command-stream builder: picks the
// format of a weight tensor (dense, bitmap, CSR, or the smallest) and builds
// the LOAD_COMPRESSED blob with the core's own codec (arch/nncore/weight_codec.h,
// layouts in arch/nncore/command.h). No SystemC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/nncore/weight_codec.h"
#include "nn/tensor/tensor.h"

namespace nnvp::compiler {

// How single_layer_program stores conv2d / fully_connected weights in DRAM
// (cost::weight_format): automatic picks the smallest of the three, dense
// unless a blob is strictly smaller. Weights of 4-bit (int4) or 1-bit
// (binary) elements, and layers without weights, always stay dense: a
// presence bit or a 16-bit index per weight costs about as much as the weight.

struct weight_blob {
    cost::weight_format format = cost::weight_format::dense;  // chosen: dense, bitmap or csr
    nncore_cmd::blob_shape shape;                       // when compressed
    std::vector<uint8_t> blob;                      // when compressed
    std::size_t dense_bytes = 0;                    // the tensor's packed bytes
    // DRAM bytes of the weights as stored.
    std::size_t stored_bytes() const {
        return format == cost::weight_format::dense ? dense_bytes : blob.size();
    }
};

// Elements per CSR row for `elements` weights of `out_channels` filters: the
// filter length when it fits a 16-bit column index, else its largest divisor
// that does (1 at worst).
uint32_t csr_row_len(std::size_t elements, int out_channels);

// `w` (an OHWI weight tensor of `out_channels` filters) stored as `f`.
weight_blob encode_weights(const nn::tensor& w, int out_channels, cost::weight_format f);

}  // namespace nnvp::compiler
