#include "sw/compiler/activation_gemm.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace nnvp::compiler {

namespace {

// Rows [r0, r0 + rows) of a row-major tensor of `k` columns, as [rows, 1, 1, k].
nn::tensor rows(const nn::tensor& t, int r0, int count, int k) {
    nn::tensor out(t.type(), {count, 1, 1, k});
    const std::size_t row = nn::storage_bytes(t.type(), static_cast<std::size_t>(k));
    std::copy(t.bytes().begin() + static_cast<long>(row * static_cast<std::size_t>(r0)),
              t.bytes().begin() + static_cast<long>(row * static_cast<std::size_t>(r0 + count)),
              out.bytes().begin());
    return out;
}

}  // namespace

gemm_dims activation_gemm_dims(const ref::layer& l, int batch, const nn::shape4& a,
                               const nn::shape4& bt) {
    if (l.op != ref::op_kind::fully_connected || l.has_bias)
        throw std::invalid_argument("a product of activations is a fully_connected layer without bias");
    gemm_dims d;
    d.batch = batch;
    d.k = a.c;
    d.n = l.out_channels;
    const int64_t a_rows = static_cast<int64_t>(a.count()) / a.c;
    const int64_t b_rows = static_cast<int64_t>(bt.count()) / std::max(bt.c, 1);
    if (batch < 1 || a_rows % batch != 0 || bt.c != a.c || b_rows != int64_t{batch} * d.n)
        throw std::invalid_argument(
            "operands " + nn::to_string(a) + " and " + nn::to_string(bt) + ": expected " +
            std::to_string(batch) + " products of [M, K] x [K, " + std::to_string(d.n) +
            "] with B given transposed, K = " + std::to_string(a.c));
    d.m = static_cast<int>(a_rows / batch);
    return d;
}

nn::shape4 activation_gemm_shape(const ref::layer& l, const nn::shape4& a) {
    nn::shape4 s = a;
    s.c = l.out_channels;
    return s;
}

nn::tensor activation_gemm(const ref::layer& l, int batch, const nn::tensor& a,
                           const nn::tensor& bt, const fc_executor& fc) {
    const gemm_dims d = activation_gemm_dims(l, batch, a.shape(), bt.shape());
    nn::tensor out(ref::output_type(l), activation_gemm_shape(l, a.shape()));
    const std::size_t per = out.bytes().size() / static_cast<std::size_t>(batch);
    for (int b = 0; b < batch; ++b) {
        const nn::tensor c = fc(l, rows(a, b * d.m, d.m, d.k), rows(bt, b * d.n, d.n, d.k));
        std::copy(c.bytes().begin(), c.bytes().end(),
                  out.bytes().begin() + static_cast<long>(per * static_cast<std::size_t>(b)));
    }
    return out;
}

}  // namespace nnvp::compiler
