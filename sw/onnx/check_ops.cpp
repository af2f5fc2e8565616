// Float ops of import_for_check: the dispatch over the op families
// (check_layer_ops.cpp, check_matrix_ops.cpp, check_cpu_ops.cpp;
// check_quant_ops.cpp has the quantization ops) and the helpers they share.
#include <algorithm>

#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

ref::layer float_layer(ref::op_kind k) {
    ref::layer l;
    l.op = k;
    l.prec = ref::precision::fp32;
    return l;
}

tref activation_layer(check_builder& b, ref::activation a, tref in, const std::string& suffix) {
    ref::layer l = float_layer(ref::op_kind::activation);
    l.name = b.op_name(suffix);
    l.act = a;
    return b.add_layer(l, {in});
}

std::optional<tref> fuse_into_producer(check_builder& b, const ref::activation& a, const value& x,
                                       layout lay) {
    const value& in = b.input(0);
    if (x.known || lay != x.lay || x.r.kind != in.r.kind || x.r.index != in.r.index ||
        b.uses(b.node().input(0)) != 1)
        return std::nullopt;
    compiler::net_op* prev = b.op_at(x.r);
    if (!prev || prev->type != compiler::op_type::layer ||
        prev->layer.prec != ref::precision::fp32 || prev->layer.act.kind != ref::act_kind::none ||
        prev->layer.op == ref::op_kind::activation || ref::is_row_op(prev->layer.op))
        return std::nullopt;
    prev->layer.act = a;
    return x.r;
}

std::vector<int64_t> nchw_dims(const nn::shape4& s) {
    return {s.n, s.c, s.h, s.w};
}

void need_image(check_builder& b, int i) {
    b.need_type(i, {kFloat});
    if (b.input(i).dims.size() != 4)
        b.fail("input '" + b.node().input(i) + "': rank " + std::to_string(b.input(i).dims.size()) +
               ": expected 4 (N,C,H,W; 2-D windows only)");
}

layout natural_layout(const value& v) {
    return v.known ? layout::plain : v.lay;
}

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

std::vector<int64_t> known_ints(check_builder& b, int i, const std::string& what, bool int32_too) {
    const onnx_tensor& t = b.known_input(i, what);
    const bool type_ok = t.elem_type == onnx::TensorProto::INT64 ||
                         (int32_too && t.elem_type == onnx::TensorProto::INT32);
    if (!type_ok || t.dims.size() > 1)
        b.fail(what + (int32_too ? ": expected a 1-D INT64 or INT32 tensor"
                                 : ": expected a 1-D INT64 tensor"));
    std::vector<int64_t> v;
    for (std::size_t k = 0; k < t.count(); ++k)
        v.push_back(t.int_value(k));
    return v;
}

std::vector<int64_t> axes_of(check_builder& b, const attributes& a, bool from_input) {
    if (!from_input)
        return a.get_ints("axes", {});
    return b.has_input(1) ? known_ints(b, 1, "axes") : std::vector<int64_t>{};
}

value known_value(check_builder& b, int32_t elem, const std::vector<int64_t>& dims,
                  const std::string& what) {
    onnx_tensor t;
    t.name = b.node().output(0) + (what.empty() ? "" : "/" + what);
    t.elem_type = elem;
    t.dims = dims;
    try {
        t.data = nn::tensor(storage_type(elem, t.name), to_shape4(dims, layout::plain, "output"));
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    value v;
    v.dims = dims;
    v.elem_type = elem;
    v.known = std::move(t);
    return v;
}

value float_constant(check_builder& b, const std::vector<int64_t>& dims,
                     const std::vector<float>& values, const std::string& what) {
    value v = known_value(b, kFloat, dims, what);
    if (values.size() != v.known->data.size())
        b.fail("internal: " + what + ": " + std::to_string(values.size()) + " values for " +
               std::to_string(v.known->data.size()) + " elements");
    for (std::size_t i = 0; i < values.size(); ++i)
        v.known->data.set_float(i, values[i]);
    return v;
}

value reshape_to(check_builder& b, const value& x, const std::vector<int64_t>& dims,
                 const std::string& suffix) {
    nn::shape4 s;
    try {
        s = to_shape4(dims, layout::plain, "output");
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    if (x.known) {  // folded: the same values under other dims
        value v = x;
        v.dims = v.known->dims = dims;
        v.known->data = v.known->data.reshaped(s);
        return v;
    }
    // An image whose relayout moves no byte (C == 1, or H * W == 1) is
    // reshaped as stored; a reshape that keeps the stored shape is none.
    const nn::shape4 have = b.info(x.r).shape;
    const bool as_stored = x.lay == layout::plain || have.c == 1 || (have.h == 1 && have.w == 1);
    if (as_stored && have == s)
        return runtime_value(b, x.r, layout::plain, dims, x.elem_type, x.offset);
    const tref in = as_stored ? x.r : b.runtime(x, layout::plain);
    const tref r = b.add_cpu({cpuops::kind::reshape, {s.n, s.h, s.w, s.c}, {}}, {in}, suffix);
    return runtime_value(b, r, layout::plain, dims, x.elem_type, x.offset);
}

value legacy_second_operand(check_builder& b, const attributes& a) {
    const value& y = b.input(1);
    if (b.opset() >= 7) {
        a.only({});
        return y;
    }
    a.only({"axis", "broadcast", "consumed_inputs"});
    if (a.get_int("broadcast", 0) == 0 || !a.has("axis"))
        return y;  // equal shapes, or B aligned with A's last dims: numpy's rule
    const std::vector<int64_t>& xd = b.input(0).dims;
    const int64_t axis = a.get_int("axis", 0);
    if (axis < 0 || axis + static_cast<int64_t>(y.dims.size()) > static_cast<int64_t>(xd.size()))
        b.fail("axis " + std::to_string(axis) + ": B's dims do not fit A's from there");
    std::vector<int64_t> dims(y.dims);  // B's dims then 1s up to A's last axis
    dims.resize(xd.size() - static_cast<std::size_t>(axis), 1);
    return reshape_to(b, y, dims, "aligned");
}

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

namespace {

void translate_known_node(check_builder& b) {
    b.widen_half_inputs();
    if (translate_quant_node(b) || translate_window1d(b))
        return;
    static const translation_table all = [] {
        translation_table t = layer_translations();
        for (const translation_table* family :
             {&matrix_translations(), &cpu_translations(), &math_translations(),
              &index_translations(), &rnn_translations(), &reduce_translations(),
              &shape_translations()})
            t.insert(family->begin(), family->end());
        return t;
    }();
    const auto it = all.find(b.node().op_type());
    if (it == all.end())
        b.fail("op " + b.node().op_type() + " is not supported by nnvp");
    it->second(b);
}

}  // namespace

void translate_node(check_builder& b) {
    try {
        translate_known_node(b);
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());  // a layout limit (e.g. an axis of a rank-5 tensor), named with the node
    }
}

}  // namespace nnvp::onnx_import::detail
