// Per-op translations of import_for_check: float ONNX nodes -> fp32 core
// layers and CPU ops (check_quant_ops.cpp has the quantization ops).
#include <cmath>
#include <functional>

#include "sw/net/graph.h"
#include "sw/onnx/check_builder.h"
#include "sw/onnx/window.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;
constexpr int32_t kFloat = TensorProto::FLOAT;

ref::layer float_layer(ref::op_kind k) {
    ref::layer l;
    l.op = k;
    l.prec = ref::precision::fp32;
    return l;
}

// Output dims [N, C, H, W] of a layer from its NHWC output.
std::vector<int64_t> nchw_dims(const nn::shape4& s) {
    return {s.n, s.c, s.h, s.w};
}

}  // namespace

value runtime_value(check_builder& b, tref r, layout l, std::vector<int64_t> dims,
                    int32_t elem_type, int32_t offset) {
    (void)b;
    value v;
    v.r = r;
    v.lay = l;
    v.dims = std::move(dims);
    v.elem_type = elem_type;
    v.offset = offset;
    return v;
}

namespace {

// A runtime input that must be a 4-D NCHW float tensor.
void need_image(check_builder& b, int i) {
    b.need_type(i, {kFloat});
    if (b.input(i).dims.size() != 4)
        b.fail("input '" + b.node().input(i) + "': rank " + std::to_string(b.input(i).dims.size()) +
               ": expected 4 (N,C,H,W; 2-D windows only)");
}

void conv(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    need_image(b, 0);
    const value& x = b.input(0);
    const onnx_tensor& w = b.known_input(1, "weights");
    if (w.dims.size() != 4 || w.elem_type != kFloat)
        b.fail("weights: expected a 4-D FLOAT tensor [O, C/group, kH, kW]");
    const int o = static_cast<int>(w.dims[0]);
    const int64_t group = a.get_int("group", 1);
    if (group < 1 || x.dims[1] % group != 0 || o % group != 0 || w.dims[1] * group != x.dims[1])
        b.fail("group " + std::to_string(group) + ": weights [" + std::to_string(o) + ", " +
               std::to_string(w.dims[1]) + ", ...] do not match " + std::to_string(x.dims[1]) +
               " input channels");
    ref::layer l = float_layer(ref::op_kind::conv2d);
    l.geo = window(a, x.dims, static_cast<int>(w.dims[2]), static_cast<int>(w.dims[3]), false);
    l.geo.groups = static_cast<int>(group);
    l.out_channels = o;
    std::optional<nn::tensor> bias;
    if (b.has_input(2)) {
        const onnx_tensor& bt = b.known_input(2, "bias");
        if (bt.count() != static_cast<std::size_t>(o) || bt.elem_type != kFloat)
            b.fail("bias: expected " + std::to_string(o) + " FLOAT values");
        l.has_bias = true;
        bias = bt.data.reshaped({1, 1, 1, o});
    }
    // OIHW (plain [O, I, kH, kW]) -> OHWI: the plain -> nhwc permutation.
    const nn::tensor weights = from_plain(w.data, layout::nhwc);
    const tref r = b.add_layer(l, {b.runtime(x, layout::nhwc)}, weights, bias);
    b.set_output(runtime_value(b, r, layout::nhwc, nchw_dims(b.info(r).shape), kFloat));
}

// Relu, LeakyRelu, Sigmoid, Tanh, Clip: the activation layer, any layout.
void activation(check_builder& b, ref::act_kind kind) {
    b.single_output();
    const attributes a = b.attrs();
    const value& x = b.input(0);
    ref::layer l = float_layer(ref::op_kind::activation);
    l.act.kind = kind;
    if (kind == ref::act_kind::leaky_relu) {
        a.only({"alpha"});
        l.act.alpha = a.get_float("alpha", 0.01f);
    } else if (kind == ref::act_kind::clip) {
        float lo = -INFINITY, hi = INFINITY;
        if (b.opset() < 11) {
            a.only({"min", "max"});
            lo = a.get_float("min", lo);
            hi = a.get_float("max", hi);
        } else {
            a.only({});
            if (b.has_input(1))
                lo = static_cast<float>(b.known_input(1, "min").value(0));
            if (b.has_input(2))
                hi = static_cast<float>(b.known_input(2, "max").value(0));
        }
        l.act.clip_lo = lo;
        l.act.clip_hi = hi;
        if (!(lo <= hi))
            b.fail("min > max: ONNX then outputs max everywhere; not supported");
        if (x.elem_type == TensorProto::INT8) {
            // Integer clip: an INT8 activation layer with unit scales (q = value).
            l.prec = ref::precision::int8;
            l.in_q = l.out_q = l.act_q = {1.0f, 0};
            const tref r = b.add_layer(l, {b.runtime(x, x.lay)});
            b.set_output(runtime_value(b, r, x.lay, x.dims, x.elem_type));
            return;
        }
    } else {
        a.only({});
    }
    b.need_type(0, {kFloat});
    const tref r = b.add_layer(l, {b.runtime(x, x.lay)});
    b.set_output(runtime_value(b, r, x.lay, x.dims, kFloat));
}

// Add / Mul: the core's element-wise layer; the operand with the output's
// shape goes first, the other is broadcast.
void eltwise(check_builder& b, ref::op_kind k) {
    b.single_output();
    b.attrs().only({});
    if (b.input(0).elem_type != kFloat || b.input(1).elem_type != kFloat)
        b.fail(
            "integer inputs: not supported (ONNX integer Add / Mul wrap around on overflow, "
            "the core's integer layers saturate; quantized models use QLinear ops)");
    const value* x = &b.input(0);
    const value* y = &b.input(1);
    const std::vector<int64_t> out = broadcast_dims(x->dims, y->dims);
    if (out.empty())
        b.fail("input shapes do not broadcast");
    const auto aligned = [&](const value* v) {
        return aligned_dims(v->dims, "input") == aligned_dims(out, "output");
    };
    if (!aligned(x) || (x->known && !y->known && aligned(y)))
        std::swap(x, y);
    if (!aligned(x))
        b.fail("neither input has the output's shape (both broadcast): not supported");
    const layout lay = x->known ? layout::plain : x->lay;
    const tref first = b.runtime(*x, lay);
    const tref second = b.runtime(*y, lay);
    const tref r = b.add_layer(float_layer(k), {first, second});
    b.set_output(runtime_value(b, r, lay, out, kFloat));
}

void pool(check_builder& b, bool is_max) {
    b.single_output();
    const attributes a = b.attrs();
    if (is_max)
        a.only({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order",
                "strides"});
    else
        a.only({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
    const value& x = b.input(0);
    const bool int8 =
        is_max && (x.elem_type == TensorProto::UINT8 || x.elem_type == TensorProto::INT8);
    if (!int8)
        need_image(b, 0);
    else if (x.dims.size() != 4)
        b.fail("input: expected rank 4 (2-D windows only)");
    const auto ks = a.get_ints("kernel_shape", {});
    if (ks.size() != 2 || ks[0] < 1 || ks[1] < 1 || ks[0] > 1 << 16 || ks[1] > 1 << 16)
        b.fail("kernel_shape: expected 2 positive values (2-D windows only)");
    if (a.get_int("storage_order", 0) != 0)
        b.fail("storage_order 1: not supported");
    const bool ceil_mode = a.get_int("ceil_mode", 0) != 0;
    ref::layer l = float_layer(is_max ? ref::op_kind::max_pool : ref::op_kind::avg_pool);
    l.count_include_pad = a.get_int("count_include_pad", 0) != 0;
    if (ceil_mode && l.count_include_pad)
        b.fail(
            "ceil_mode with count_include_pad: not supported (the extra ceil-mode taps "
            "would count)");
    l.geo = window(a, x.dims, static_cast<int>(ks[0]), static_cast<int>(ks[1]), ceil_mode);
    if (l.geo.dilation_h != 1 || l.geo.dilation_w != 1)
        b.fail("dilations: pooling windows do not dilate on nnvp");
    if (l.geo.pad_top >= l.geo.kernel_h || l.geo.pad_bottom >= l.geo.kernel_h ||
        l.geo.pad_left >= l.geo.kernel_w || l.geo.pad_right >= l.geo.kernel_w)
        b.fail("pads: must be smaller than the kernel");
    if (int8) {
        l.prec = ref::precision::int8;
        l.in_q = l.out_q = l.act_q = {1.0f, 0};
    }
    const tref r = b.add_layer(l, {b.runtime(x, layout::nhwc)});
    b.set_output(
        runtime_value(b, r, layout::nhwc, nchw_dims(b.info(r).shape), x.elem_type, x.offset));
}

void global_pool(check_builder& b, bool is_max) {
    b.single_output();
    b.attrs().only({});
    need_image(b, 0);
    const value& x = b.input(0);
    const tref r = b.add_layer(
        float_layer(is_max ? ref::op_kind::global_max_pool : ref::op_kind::global_avg_pool),
        {b.runtime(x, layout::nhwc)});
    b.set_output(runtime_value(b, r, layout::nhwc, {x.dims[0], x.dims[1], 1, 1}, kFloat));
}

}  // namespace

// Reshape op into `dims` (plain layout) of a runtime value.
value reshape_to(check_builder& b, const value& x, const std::vector<int64_t>& dims,
                 const std::string& suffix) {
    nn::shape4 s;
    try {
        s = to_shape4(dims, layout::plain, "output");
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    const tref r = b.add_cpu({cpuops::kind::reshape, {s.n, s.h, s.w, s.c}, {}},
                             {b.runtime(x, layout::plain)}, suffix);
    return runtime_value(b, r, layout::plain, dims, x.elem_type, x.offset);
}

// y = x W^T + bias on the core's fully connected layer, x [rows, K] given
// as any runtime value whose last dim is K; `out_dims` the ONNX result dims.
value fully_connected(check_builder& b, const value& x, int64_t rows, const nn::tensor& w,
                      std::optional<nn::tensor> bias, const std::vector<int64_t>& out_dims) {
    const int o = w.shape().n;
    const int64_t k = w.shape().c;
    const value rows_v = reshape_to(b, x, {rows, 1, 1, k}, "rows");
    ref::layer l = float_layer(ref::op_kind::fully_connected);
    l.out_channels = o;
    l.has_bias = bias.has_value();
    const tref r = b.add_layer(l, {rows_v.r}, w, std::move(bias));
    return reshape_to(b, runtime_value(b, r, layout::plain, {rows, 1, 1, o}, kFloat), out_dims,
                      "result");
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
    nn::tensor w(nn::dtype::fp32, {static_cast<int>(n), 1, 1, static_cast<int>(k)});
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < k; ++i)
            w.set_float(
                static_cast<std::size_t>(j * k + i),
                alpha * bt.data.get_float(static_cast<std::size_t>(tb ? j * k + i : i * n + j)));
    std::optional<nn::tensor> bias;
    std::optional<onnx_tensor> matrix_c;
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
        nn::tensor w(nn::dtype::fp32, {static_cast<int>(n), 1, 1, static_cast<int>(k)});
        for (int64_t j = 0; j < n; ++j)
            for (int64_t i = 0; i < k; ++i)
                w.set_float(static_cast<std::size_t>(j * k + i),
                            y.known->data.get_float(static_cast<std::size_t>(i * n + j)));
        b.set_output(fully_connected(b, x, element_count(x.dims) / k, w, std::nullopt, out));
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

void concat(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    const value& first = b.input(0);
    const int rank = static_cast<int>(first.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", 1), rank);
    layout lay = layout::plain;
    for (int i = 0; i < b.node().input_size(); ++i)
        if (!b.input(i).known) {
            lay = b.input(i).lay;
            break;
        }
    std::vector<tref> ins;
    std::vector<int64_t> out = first.dims;
    out[static_cast<std::size_t>(axis)] = 0;
    for (int i = 0; i < b.node().input_size(); ++i) {
        const value& v = b.input(i);
        if (v.elem_type != first.elem_type || v.dims.size() != first.dims.size())
            b.fail("input " + std::to_string(i) + ": type or rank differs from input 0");
        out[static_cast<std::size_t>(axis)] += v.dims[static_cast<std::size_t>(axis)];
        ins.push_back(b.runtime(v, lay));
    }
    const tref r = b.add_cpu({cpuops::kind::concat, {our_axis(axis, rank, lay)}, {}}, ins);
    b.set_output(runtime_value(b, r, lay, out, first.elem_type, first.offset));
}

void flatten(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", 1), rank, true);
    int64_t outer = 1;
    for (int i = 0; i < axis; ++i)
        outer *= x.dims[static_cast<std::size_t>(i)];
    b.set_output(reshape_to(b, x, {outer, element_count(x.dims) / outer}));
}

void reshape(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"allowzero"});
    const value& x = b.input(0);
    const onnx_tensor& shape = b.known_input(1, "shape");
    if (shape.elem_type != TensorProto::INT64 || shape.dims.size() != 1)
        b.fail("shape: expected a 1-D INT64 tensor");
    const bool allow_zero = a.get_int("allowzero", 0) != 0;
    std::vector<int64_t> dims;
    int infer = -1;
    int64_t known = 1;
    for (std::size_t i = 0; i < shape.count(); ++i) {
        int64_t d = shape.int_value(i);
        if (d == 0 && !allow_zero) {
            if (i >= x.dims.size())
                b.fail("shape[" + std::to_string(i) + "] = 0: no input dim to copy");
            d = x.dims[i];
        }
        if (d == -1) {
            if (infer >= 0)
                b.fail("shape: more than one -1");
            infer = static_cast<int>(i);
            d = 1;
        } else if (d < 1) {
            b.fail("shape[" + std::to_string(i) + "] = " + std::to_string(d) +
                   ": expected >= 1, 0 (copy) or -1 (empty tensors are not supported)");
        }
        known *= d;
        dims.push_back(d);
    }
    const int64_t total = element_count(x.dims);
    if (infer >= 0)
        dims[static_cast<std::size_t>(infer)] = total / known;
    if (element_count(dims) != total)
        b.fail("shape: " + std::to_string(element_count(dims)) + " elements, the input has " +
               std::to_string(total));
    b.set_output(reshape_to(b, x, dims));
}

void transpose(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"perm"});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    std::vector<int64_t> perm;
    for (int i = rank - 1; i >= 0; --i)
        perm.push_back(i);
    perm = a.get_ints("perm", perm);
    if (static_cast<int>(perm.size()) != rank || rank > 4)
        b.fail("perm: expected " + std::to_string(rank) + " values (rank <= 4)");
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (int64_t p : perm) {
        if (p < 0 || p >= rank || seen[static_cast<std::size_t>(p)])
            b.fail("perm: expected a permutation of 0.." + std::to_string(rank - 1));
        seen[static_cast<std::size_t>(p)] = true;
    }
    const layout in_lay = x.known ? layout::plain : x.lay;
    int p4[4] = {-1, -1, -1, -1};
    bool used[4] = {false, false, false, false};
    std::vector<int64_t> out;
    for (int i = 0; i < rank; ++i) {
        const int from =
            our_axis(static_cast<int>(perm[static_cast<std::size_t>(i)]), rank, in_lay);
        p4[4 - rank + i] = from;
        used[from] = true;
        out.push_back(x.dims[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])]);
    }
    for (int i = 0, next = 0; i < 4 - rank; ++i) {  // the size-1 leading axes
        while (used[next])
            ++next;
        p4[i] = next;
        used[next] = true;
    }
    const tref r = b.add_cpu({cpuops::kind::transpose, {p4[0], p4[1], p4[2], p4[3]}, {}},
                             {b.runtime(x, in_lay)});
    b.set_output(runtime_value(b, r, layout::plain, out, x.elem_type, x.offset));
}

void softmax(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", b.opset() < 13 ? 1 : -1), rank);
    if (b.opset() < 13) {  // softmax of the 2-D coercion [outer, inner]
        int64_t outer = 1;
        for (int i = 0; i < axis; ++i)
            outer *= x.dims[static_cast<std::size_t>(i)];
        const value rows = reshape_to(b, x, {outer, element_count(x.dims) / outer}, "rows");
        const tref r = b.add_cpu({cpuops::kind::softmax, {}, {}}, {rows.r});
        b.set_output(
            reshape_to(b, runtime_value(b, r, layout::plain, rows.dims, kFloat), x.dims, "result"));
        return;
    }
    const layout lay = x.known ? layout::plain : x.lay;
    const int ours = our_axis(axis, rank, lay);
    tref in = b.runtime(x, lay);
    std::vector<int32_t> swap = {0, 1, 2, 3};
    std::swap(swap[static_cast<std::size_t>(ours)], swap[3]);
    if (ours != 3)
        in = b.add_cpu({cpuops::kind::transpose, swap, {}}, {in}, "axis_last");
    tref r = b.add_cpu({cpuops::kind::softmax, {}, {}}, {in});
    if (ours != 3)
        r = b.add_cpu({cpuops::kind::transpose, swap, {}}, {r}, "axis_back");
    b.set_output(runtime_value(b, r, lay, x.dims, kFloat));
}

void batchnorm(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"});
    if (a.get_int("training_mode", 0) != 0)
        b.fail("training_mode 1: not supported (inference only)");
    if (a.get_int("spatial", 1) != 1)
        b.fail("spatial 0: not supported");
    need_image(b, 0);
    const value& x = b.input(0);
    const int c = static_cast<int>(x.dims[1]);
    const char* names[4] = {"scale", "B", "mean", "var"};
    const onnx_tensor* p[4];
    for (int i = 0; i < 4; ++i) {
        p[i] = &b.known_input(i + 1, names[i]);
        if (p[i]->count() != static_cast<std::size_t>(c) || p[i]->elem_type != kFloat)
            b.fail(std::string(names[i]) + ": expected " + std::to_string(c) + " FLOAT values");
    }
    const double eps = a.get_float("epsilon", 1e-5f);
    std::vector<float> scale(static_cast<std::size_t>(c)), shift(scale.size());
    for (std::size_t i = 0; i < scale.size(); ++i) {
        const double s = p[0]->value(i) / std::sqrt(p[3]->value(i) + eps);
        scale[i] = static_cast<float>(s);
        shift[i] = static_cast<float>(p[1]->value(i) - p[2]->value(i) * s);
    }
    // Folded into the conv that produced x when nothing else reads it.
    compiler::net_op* prev = x.known ? nullptr : b.op_at(x.r);
    if (prev && prev->type == compiler::op_type::layer && prev->layer.op == ref::op_kind::conv2d &&
        prev->layer.act.kind == ref::act_kind::none && b.uses(b.node().input(0)) == 1) {
        nn::tensor& w = *prev->weights;
        const std::size_t per_o = w.size() / static_cast<std::size_t>(c);
        for (std::size_t i = 0; i < w.size(); ++i)
            w.set_float(i, w.get_float(i) * scale[i / per_o]);
        if (!prev->bias)
            prev->bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, c});
        for (std::size_t o = 0; o < scale.size(); ++o)
            prev->bias->set_float(o, prev->bias->get_float(o) * scale[o] + shift[o]);
        prev->layer.has_bias = true;
        prev->name += "+bn";
        b.set_output(x);
        return;
    }
    nn::tensor s(nn::dtype::fp32, {1, 1, 1, c}), t(nn::dtype::fp32, {1, 1, 1, c});
    for (std::size_t i = 0; i < scale.size(); ++i) {
        s.set_float(i, scale[i]);
        t.set_float(i, shift[i]);
    }
    const tref xs = b.add_layer(float_layer(ref::op_kind::mul),
                                {b.runtime(x, layout::nhwc), b.add_constant(s)});
    const tref r = b.add_layer(float_layer(ref::op_kind::add), {xs, b.add_constant(t)});
    b.set_output(runtime_value(b, r, layout::nhwc, x.dims, kFloat));
}

void pad(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    std::vector<int64_t> pads;
    float fill = 0.0f;
    if (b.opset() < 11) {
        a.only({"mode", "pads", "value"});
        pads = a.get_ints("pads", {});
        fill = a.get_float("value", 0.0f);
    } else {
        a.only({"mode"});
        const onnx_tensor& pt = b.known_input(1, "pads");
        for (std::size_t i = 0; i < pt.count(); ++i)
            pads.push_back(pt.int_value(i));
        if (b.has_input(2))
            fill = static_cast<float>(b.known_input(2, "constant_value").value(0));
        if (b.has_input(3))
            b.fail("axes: not supported");
    }
    if (static_cast<int>(pads.size()) != 2 * rank)
        b.fail("pads: " + std::to_string(pads.size()) + " values, expected " +
               std::to_string(2 * rank));
    const std::string mode = a.get_string("mode", "constant");
    const int m = mode == "constant" ? 0 : mode == "edge" ? 1 : mode == "reflect" ? 2 : -1;
    if (m < 0)
        b.fail("mode '" + mode + "': expected constant, edge or reflect");
    const layout lay = x.known ? layout::plain : x.lay;
    std::vector<int32_t> ints(9, 0);
    ints[0] = m;
    std::vector<int64_t> out = x.dims;
    for (int i = 0; i < rank; ++i) {
        const int64_t lo = pads[static_cast<std::size_t>(i)];
        const int64_t hi = pads[static_cast<std::size_t>(i + rank)];
        if (lo < 0 || hi < 0 || lo > 1 << 20 || hi > 1 << 20)
            b.fail("pads: expected values in 0..2^20 (negative pads crop: not supported)");
        const int ax = our_axis(i, rank, lay);
        ints[static_cast<std::size_t>(1 + ax)] = static_cast<int32_t>(lo);
        ints[static_cast<std::size_t>(5 + ax)] = static_cast<int32_t>(hi);
        out[static_cast<std::size_t>(i)] += lo + hi;
    }
    if (x.offset != 0)
        fill -= static_cast<float>(x.offset);
    const tref r = b.add_cpu({cpuops::kind::pad, ints, {fill}}, {b.runtime(x, lay)});
    b.set_output(runtime_value(b, r, lay, out, x.elem_type, x.offset));
}

void constant(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"value"});
    const onnx::TensorProto* t = a.get_tensor("value");
    if (!t)
        a.fail("attribute 'value': missing (value_float, value_ints, ... are not supported)");
    value v;
    v.known = from_proto(*t, "Constant");
    v.dims = v.known->dims;
    v.elem_type = v.known->elem_type;
    b.set_output(std::move(v));
}

const std::map<std::string, std::function<void(check_builder&)>>& handlers() {
    static const std::map<std::string, std::function<void(check_builder&)>> h = {
        {"Conv", conv},
        {"Relu", [](check_builder& b) { activation(b, ref::act_kind::relu); }},
        {"LeakyRelu", [](check_builder& b) { activation(b, ref::act_kind::leaky_relu); }},
        {"Sigmoid", [](check_builder& b) { activation(b, ref::act_kind::sigmoid); }},
        {"Tanh", [](check_builder& b) { activation(b, ref::act_kind::tanh); }},
        {"Clip", [](check_builder& b) { activation(b, ref::act_kind::clip); }},
        {"Add", [](check_builder& b) { eltwise(b, ref::op_kind::add); }},
        {"Mul", [](check_builder& b) { eltwise(b, ref::op_kind::mul); }},
        {"MaxPool", [](check_builder& b) { pool(b, true); }},
        {"AveragePool", [](check_builder& b) { pool(b, false); }},
        {"GlobalAveragePool", [](check_builder& b) { global_pool(b, false); }},
        {"GlobalMaxPool", [](check_builder& b) { global_pool(b, true); }},
        {"Gemm", gemm},
        {"MatMul", matmul},
        {"Concat", concat},
        {"Flatten", flatten},
        {"Reshape", reshape},
        {"Transpose", transpose},
        {"Softmax", softmax},
        {"BatchNormalization", batchnorm},
        {"Identity",
         [](check_builder& b) {
             b.single_output();
             b.set_output(b.input(0));
         }},
        {"Pad", pad},
        {"Constant", constant},
    };
    return h;
}

}  // namespace

std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    const std::size_t n = std::max(a.size(), b.size());
    std::vector<int64_t> r(n);
    for (std::size_t i = 0; i < n; ++i) {
        const int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
        const int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
        if (x != y && x != 1 && y != 1)
            return {};
        r[i] = std::max(x, y);
    }
    return r;
}

int64_t element_count(const std::vector<int64_t>& dims) {
    int64_t n = 1;
    for (int64_t d : dims)
        n *= d;
    return n;
}

int normalize_axis(const check_builder& b, int64_t axis, int rank, bool allow_rank) {
    const int64_t hi = allow_rank ? rank : rank - 1;
    const int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a > hi)
        b.fail("axis " + std::to_string(axis) + ": expected " + std::to_string(-rank) + ".." +
               std::to_string(hi));
    return static_cast<int>(a);
}

void translate_node(check_builder& b) {
    if (translate_quant_node(b))
        return;
    const auto it = handlers().find(b.node().op_type());
    if (it == handlers().end())
        b.fail("op " + b.node().op_type() + " is not supported by nnvp");
    it->second(b);
}

}  // namespace nnvp::onnx_import::detail
