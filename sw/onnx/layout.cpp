#include "sw/onnx/layout.h"

#include <stdexcept>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::onnx_import {

const char* to_string(layout l) {
    return l == layout::plain ? "plain" : "nhwc";
}

std::array<int, 4> aligned_dims(const std::vector<int64_t>& dims, const std::string& what) {
    if (dims.size() > 4)
        throw std::invalid_argument(what + ": rank " + std::to_string(dims.size()) +
                                    ": expected at most 4");
    std::array<int, 4> r{1, 1, 1, 1};
    const std::size_t off = 4 - dims.size();
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] < 1 || dims[i] > 0x7fffffff)
            throw std::invalid_argument(what + ": dim " + std::to_string(i) + " is " +
                                        std::to_string(dims[i]) + ": expected 1..2^31-1");
        r[off + i] = static_cast<int>(dims[i]);
    }
    return r;
}

nn::shape4 to_shape4(const std::vector<int64_t>& dims, layout l, const std::string& what) {
    if (dims.size() > 4 && dims.size() <= max_rank && l == layout::plain) {
        // The leading dims fold into n: the same bytes in the same order.
        int64_t n = 1;
        for (std::size_t i = 0; i + 3 < dims.size(); ++i)
            n *= dims[i];
        const std::size_t k = dims.size() - 3;
        const std::array<int, 4> d =
            aligned_dims({n, dims[k], dims[k + 1], dims[k + 2]}, what);
        return {d[0], d[1], d[2], d[3]};
    }
    if (dims.size() > 4)
        throw std::invalid_argument(
            what + ": rank " + std::to_string(dims.size()) + ": expected at most " +
            (l == layout::plain ? std::to_string(max_rank)
                                : std::string("4 for an image (N,C,H,W; 2-D windows only)")));
    const std::array<int, 4> d = aligned_dims(dims, what);
    if (l == layout::plain)
        return {d[0], d[1], d[2], d[3]};
    return {d[0], d[2], d[3], d[1]};
}

int our_axis(int axis, int rank, layout l) {
    if (rank > 4) {
        if (l != layout::plain || axis < rank - 3)
            throw std::invalid_argument(
                "axis " + std::to_string(axis) + " of a rank-" + std::to_string(rank) +
                " tensor: its first " + std::to_string(rank - 3) +
                " dims are stored as one, so ops along them are not supported");
        return axis - (rank - 4);
    }
    const int a = 4 - rank + axis;  // in the aligned [a,b,c,d]
    if (l == layout::plain)
        return a;
    static const int nhwc_of[4] = {0, 3, 1, 2};
    return nhwc_of[a];
}

nn::tensor transpose(const nn::tensor& in, const std::array<int, 4>& perm) {
    if (nn::bits_of(in.type()) < 8)
        throw std::invalid_argument("transpose: sub-byte element type");
    return cpuops::transposed(in, perm);
}

std::array<int, 4> relayout_perm(layout from, layout to) {
    if (from == to)
        return {0, 1, 2, 3};
    if (from == layout::plain)  // (a,b,c,d) -> (a,c,d,b)
        return {0, 2, 3, 1};
    return {0, 3, 1, 2};  // (a,c,d,b) -> (a,b,c,d)
}

nn::tensor from_plain(const nn::tensor& plain, layout l) {
    return l == layout::plain ? plain : transpose(plain, relayout_perm(layout::plain, l));
}

nn::tensor to_plain(const nn::tensor& t, layout l) {
    return l == layout::plain ? t : transpose(t, relayout_perm(l, layout::plain));
}

}  // namespace nnvp::onnx_import
