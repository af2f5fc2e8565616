#include "sw/onnx/layout.h"

#include <stdexcept>

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
    const std::array<int, 4> d = aligned_dims(dims, what);
    if (l == layout::plain)
        return {d[0], d[1], d[2], d[3]};
    return {d[0], d[2], d[3], d[1]};
}

int our_axis(int axis, int rank, layout l) {
    const int a = 4 - rank + axis;  // in the aligned [a,b,c,d]
    if (l == layout::plain)
        return a;
    static const int nhwc_of[4] = {0, 3, 1, 2};
    return nhwc_of[a];
}

nn::tensor transpose(const nn::tensor& in, const std::array<int, 4>& perm) {
    const nn::shape4& s = in.shape();
    const int in_dims[4] = {s.n, s.h, s.w, s.c};
    const nn::shape4 os{in_dims[perm[0]], in_dims[perm[1]], in_dims[perm[2]], in_dims[perm[3]]};
    nn::tensor out(in.type(), os);
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(in.type())) / 8;
    if (bytes == 0)
        throw std::invalid_argument("transpose: sub-byte element type");
    int i[4];
    for (i[0] = 0; i[0] < s.n; ++i[0])
        for (i[1] = 0; i[1] < s.h; ++i[1])
            for (i[2] = 0; i[2] < s.w; ++i[2])
                for (i[3] = 0; i[3] < s.c; ++i[3]) {
                    const std::size_t from = in.index(i[0], i[1], i[2], i[3]) * bytes;
                    const std::size_t to =
                        out.index(i[perm[0]], i[perm[1]], i[perm[2]], i[perm[3]]) * bytes;
                    for (std::size_t b = 0; b < bytes; ++b)
                        out.bytes()[to + b] = in.bytes()[from + b];
                }
    return out;
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
