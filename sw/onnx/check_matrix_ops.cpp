// Translations of import_for_check for the matrix products: Gemm and a
// MatMul with a constant 2-D B become the core's fp32 fully connected layer,
// any other MatMul the CPU's matmul op.
#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

// y = x W^T + bias on the core's fully connected layer, x [rows, K] given
// as any runtime value whose last dim is K; `out_dims` the ONNX result dims.
value fully_connected(check_builder& b, const value& x, int64_t rows, const nn::tensor& w,
                      std::optional<nn::tensor> bias, const std::vector<int64_t>& out_dims,
                      const std::string& suffix) {
    const int o = w.shape().n;
    const int64_t k = w.shape().c;
    const std::string pre = suffix.empty() ? "" : suffix + "/";
    const value rows_v = reshape_to(b, x, {rows, 1, 1, k}, pre + "rows");
    ref::layer l = float_layer(ref::op_kind::fully_connected);
    l.name = b.op_name(suffix);
    l.out_channels = o;
    l.has_bias = bias.has_value();
    const tref r = b.add_layer(l, {rows_v.r}, w, std::move(bias));
    return reshape_to(b, runtime_value(b, r, layout::plain, {rows, 1, 1, o}, kFloat), out_dims,
                      pre + "result");
}

namespace {

void gemm(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"alpha", "beta", "broadcast", "transA", "transB"});
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    const onnx_tensor& bt = b.known_input(1, "B");
    if (x.dims.size() != 2 || bt.dims.size() != 2 || bt.elem_type != kFloat)
        b.fail("A and B: expected 2-D FLOAT matrices");
    const bool ta = a.get_int("transA", 0) != 0, tb = a.get_int("transB", 0) != 0;
    const float alpha = a.get_float("alpha", 1.0f), beta = a.get_float("beta", 1.0f);
    const int64_t m = ta ? x.dims[1] : x.dims[0], k = ta ? x.dims[0] : x.dims[1];
    const int64_t n = tb ? bt.dims[0] : bt.dims[1];
    if ((tb ? bt.dims[1] : bt.dims[0]) != k)
        b.fail("B: inner dimension does not match A's");
    value xa = x;
    if (ta) {
        xa.r = b.add_cpu({cpuops::kind::transpose, {0, 1, 3, 2}, {}}, {b.runtime(x, layout::plain)},
                         "transA");
        xa.lay = layout::plain;
        xa.known.reset();
        xa.dims = {m, k};
    }
    const nn::shape4 ws{static_cast<int>(n), 1, 1, static_cast<int>(k)};
    nn::tensor w = bt.data.has_values() ? nn::tensor(nn::dtype::fp32, ws)
                                        : nn::tensor::without_values(nn::dtype::fp32, ws);
    for (int64_t j = 0; j < n && w.has_values(); ++j)
        for (int64_t i = 0; i < k; ++i)
            w.set_float(
                static_cast<std::size_t>(j * k + i),
                alpha * bt.data.get_float(static_cast<std::size_t>(tb ? j * k + i : i * n + j)));
    std::optional<nn::tensor> bias;
    std::optional<onnx_tensor> matrix_c;
    const bool runtime_c = b.has_input(2) && beta != 0.0f && !b.input(2).known;
    if (runtime_c) {  // C computed by the network (addmm): + beta C after the product
        b.need_type(2, {kFloat});
        if (broadcast_dims(b.input(2).dims, {m, n}) != std::vector<int64_t>{m, n})
            b.fail("C: expected FLOAT broadcastable to [" + std::to_string(m) + ", " +
                   std::to_string(n) + "]");
        value c = b.input(2);
        if (beta != 1.0f)
            c = binary_value(b, cpuops::binary_fn::mul, c, float_constant(b, {}, {beta}, "beta"),
                             "beta_c");
        b.set_output(binary_value(b, cpuops::binary_fn::add, fully_connected(b, xa, m, w, bias, {m, n}),
                                  c, "c"));
        return;
    }
    if (b.has_input(2) && beta != 0.0f) {
        const onnx_tensor& c = b.known_input(2, "C");
        if (c.elem_type != kFloat || broadcast_dims(c.dims, {m, n}) != std::vector<int64_t>{m, n})
            b.fail("C: expected FLOAT broadcastable to [" + std::to_string(m) + ", " +
                   std::to_string(n) + "]");
        const bool row =
            c.count() == static_cast<std::size_t>(n) && (c.dims.size() < 2 || c.dims[0] == 1);
        if (row || c.count() == 1) {
            bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, static_cast<int>(n)});
            for (int64_t j = 0; j < n; ++j)
                bias->set_float(
                    static_cast<std::size_t>(j),
                    beta * c.data.get_float(c.count() == 1 ? 0 : static_cast<std::size_t>(j)));
        } else {
            matrix_c = c;
            for (std::size_t i = 0; i < c.count(); ++i)
                matrix_c->data.set_float(i, beta * c.data.get_float(i));
        }
    }
    value y = fully_connected(b, xa, m, w, bias, {m, n});
    if (matrix_c) {
        value cv;
        cv.known = matrix_c;
        cv.dims = matrix_c->dims;
        cv.elem_type = kFloat;
        const tref r =
            b.add_layer(float_layer(ref::op_kind::add), {y.r, b.runtime(cv, layout::plain)});
        y = runtime_value(b, r, layout::plain, {m, n}, kFloat);
    }
    b.set_output(y);
}

void matmul(check_builder& b) {
    b.single_output();
    b.attrs().only({});
    b.need_type(0, {kFloat});
    b.need_type(1, {kFloat});
    const value& x = b.input(0);
    const value& y = b.input(1);
    if (x.dims.size() < 2 || y.dims.size() < 2)
        b.fail("rank-1 operands: not supported");
    const int64_t k = x.dims.back();
    if (y.dims[y.dims.size() - 2] != k)
        b.fail("inner dimensions differ");
    const int64_t n = y.dims.back();
    std::vector<int64_t> out =
        broadcast_dims(std::vector<int64_t>(x.dims.begin(), x.dims.end() - 2),
                       std::vector<int64_t>(y.dims.begin(), y.dims.end() - 2));
    out.push_back(x.dims[x.dims.size() - 2]);
    out.push_back(n);
    if (y.known && y.dims.size() == 2) {  // constant B: the core's fully connected layer
        // B [1, 1, K, N] (plain) transposed to the layer's weights [N, 1, 1, K]
        // (without values when B has none).
        const nn::tensor w = transpose(y.known->data, {3, 0, 1, 2});
        b.set_output(fully_connected(b, x, element_count(x.dims) / k, w, std::nullopt, out));
        return;
    }
    if (const std::optional<value> core = core_matmul(b, x, y)) {
        b.set_output(*core);
        return;
    }
    if (out.size() > 4)
        b.fail("rank > 4: not supported");
    const tref r = b.add_cpu({cpuops::kind::matmul, {}, {}},
                             {b.runtime(x, layout::plain), b.runtime(y, layout::plain)});
    if (to_shape4(out, layout::plain, "output") != b.info(r).shape)
        b.fail("batch dimensions of A must cover B's (B's equal to A's or 1)");
    b.set_output(runtime_value(b, r, layout::plain, out, kFloat));
}

}  // namespace

const translation_table& matrix_translations() {
    static const translation_table t = {
        {"Gemm", gemm},
        {"MatMul", matmul},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
