// check_compute and decode_layer: what a compute command means.
#include "arch/nncore/layer_codec.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "nn/ref/ops.h"
#include "nn/tensor/endian.h"

namespace nnvp::nncore_cmd {

using nn::dtype;
using nn::shape4;
using nncore_regs::error_code;
using ref::op_kind;

namespace {

check_result fail(error_code code, const std::string& what) {
    return {code, what};
}

bool is_gemm(opcode op) {
    return op == opcode::conv2d || op == opcode::fully_connected;
}
bool is_window_pool(opcode op) {
    return op == opcode::max_pool || op == opcode::avg_pool;
}
bool is_eltwise(opcode op) {
    return is_compute(op) && ref::is_eltwise(to_op_kind(op));
}
bool is_pool(opcode op) {
    return is_window_pool(op) || op == opcode::global_avg_pool || op == opcode::global_max_pool;
}

// Elements of a shape, or 0 when it has a zero dimension or passes 2^31
// (tensor indices are int-sized in the reference).
uint64_t elements(const shape4& s) {
    if (s.n < 1 || s.h < 1 || s.w < 1 || s.c < 1)
        return 0;
    const uint64_t n = uint64_t(s.n) * uint64_t(s.h) * uint64_t(s.w) * uint64_t(s.c);
    return n >= (uint64_t{1} << 31) ? 0 : n;
}

shape4 shape_of(const tensor_ref& t) {
    return {t.n, t.h, t.w, t.c};
}

bool in_range(int64_t v, dtype t) {
    return v >= nn::min_of(t) && v <= nn::max_of(t);
}

// Enum values, flags and the precision / op combination.
check_result check_head(const command& c) {
    if (static_cast<uint8_t>(c.prec) > max_precision)
        return fail(error_code::bad_field, "precision " + std::to_string(int(c.prec)));
    if (static_cast<uint8_t>(c.act) > max_act_kind)
        return fail(error_code::bad_field, "activation " + std::to_string(int(c.act)));
    if (static_cast<uint8_t>(c.df) > max_dataflow)
        return fail(error_code::bad_field, "dataflow " + std::to_string(int(c.df)));
    if ((c.flags & ~flag::known) != 0)
        return fail(error_code::bad_field, "unknown flag bits");
    const bool binary = c.prec == ref::precision::binary;
    if (binary && !is_gemm(c.op))
        return fail(error_code::unsupported,
                    std::string(to_string(c.op)) + " has no binary precision");
    if (!binary && (c.flags & (flag::binary_input | flag::binary_output | flag::binary_fixed_scale)))
        return fail(error_code::bad_field, "binary flags on a non-binary command");
    if (!is_gemm(c.op) && (c.flags & (flag::has_bias | flag::per_channel)))
        return fail(error_code::bad_field, "has_bias / per_channel on an op without weights");
    if (c.op != opcode::avg_pool && (c.flags & flag::count_include_pad))
        return fail(error_code::bad_field, "count_include_pad on an op other than avg_pool");
    if (c.flags & (flag::partial_in | flag::partial_out)) {
        if (!is_gemm(c.op))
            return fail(error_code::bad_field, "partial_in / partial_out on an op without weights");
        if (c.prec == ref::precision::fp32 || c.prec == ref::precision::fp16)
            return fail(error_code::unsupported,
                        "partial sums need an integer precision (float sums depend on their order)");
    }
    if ((c.flags & flag::partial_out) &&
        ((c.flags & (flag::has_bias | flag::per_channel | flag::binary_output)) ||
         c.act != ref::act_kind::none))
        return fail(error_code::bad_field,
                    "partial_out writes raw sums: no bias, per_channel, binary_output or activation");
    if (c.op == opcode::normalize &&
        (c.act == ref::act_kind::leaky_relu || c.act == ref::act_kind::hard_sigmoid))
        return fail(error_code::bad_field,
                    "normalize: alpha carries epsilon, so no leaky_relu or hard_sigmoid");
    return {};
}

// The layer fields the operand types and the output shape follow from.
ref::layer shape_layer(const command& c) {
    const compute_cmd& k = c.compute;
    ref::layer l;
    l.op = to_op_kind(c.op);
    l.prec = c.prec;
    l.binary_input = (c.flags & flag::binary_input) != 0;
    l.binary_output = (c.flags & flag::binary_output) != 0;
    l.bin_scale =
        (c.flags & flag::binary_fixed_scale) ? ref::binary_scale::fixed : ref::binary_scale::fp32;
    l.partial_in = (c.flags & flag::partial_in) != 0;
    l.partial_out = (c.flags & flag::partial_out) != 0;
    l.out_channels = k.out_channels;
    l.geo.kernel_h = k.kernel_h;
    l.geo.kernel_w = k.kernel_w;
    l.geo.stride_h = k.stride_h;
    l.geo.stride_w = k.stride_w;
    l.geo.dilation_h = k.dilation_h;
    l.geo.dilation_w = k.dilation_w;
    l.geo.pad_top = k.pad_top;
    l.geo.pad_bottom = k.pad_bottom;
    l.geo.pad_left = k.pad_left;
    l.geo.pad_right = k.pad_right;
    l.geo.groups = k.groups;
    return l;
}

// Window, stride, dilation and groups of the op against the input `is`;
// settles `l.geo` as the reference sees it.
check_result check_geometry(const command& c, const shape4& is, ref::layer& l) {
    const compute_cmd& k = c.compute;
    const opcode op = c.op;
    if (op == opcode::conv2d) {
        if (k.out_channels == 0 || k.kernel_h == 0 || k.kernel_w == 0 || k.stride_h == 0 ||
            k.stride_w == 0 || k.dilation_h == 0 || k.dilation_w == 0 || k.groups == 0)
            return fail(error_code::bad_dims,
                        "conv2d: out_channels, kernel, stride, dilation "
                        "and groups must be >= 1");
        if (is.c % k.groups != 0 || k.out_channels % k.groups != 0)
            return fail(error_code::bad_dims, "conv2d: groups must divide in and out channels");
    } else if (op == opcode::fully_connected) {
        if (k.out_channels == 0)
            return fail(error_code::bad_dims, "fully_connected: out_channels is 0");
        l.geo = ref::geometry{};
    } else if (is_window_pool(op)) {
        if (k.kernel_h == 0 || k.kernel_w == 0 || k.stride_h == 0 || k.stride_w == 0)
            return fail(error_code::bad_dims, "pool: kernel and stride must be >= 1");
        if (k.groups > 1)
            return fail(error_code::bad_field, "pool: groups must be 0 or 1");
        l.geo.dilation_h = std::max<int>(k.dilation_h, 1);
        l.geo.dilation_w = std::max<int>(k.dilation_w, 1);
        l.geo.groups = 1;
        const int eff_h = l.geo.dilation_h * (k.kernel_h - 1) + 1;
        const int eff_w = l.geo.dilation_w * (k.kernel_w - 1) + 1;
        if (k.pad_top >= eff_h || k.pad_bottom >= eff_h || k.pad_left >= eff_w ||
            k.pad_right >= eff_w)
            return fail(error_code::bad_dims,
                        "pool: padding must be smaller than the (dilated) kernel");
    } else {
        l.geo = ref::geometry{};
    }
    if (op == opcode::conv2d || is_window_pool(op)) {
        const int64_t eff_h = int64_t{l.geo.dilation_h} * (k.kernel_h - 1) + 1;
        const int64_t eff_w = int64_t{l.geo.dilation_w} * (k.kernel_w - 1) + 1;
        if (int64_t{is.h} + k.pad_top + k.pad_bottom < eff_h ||
            int64_t{is.w} + k.pad_left + k.pad_right < eff_w)
            return fail(error_code::bad_dims, "kernel larger than the padded input");
    }
    if (op == opcode::fully_connected &&
        uint64_t(is.h) * uint64_t(is.w) * uint64_t(is.c) >= (uint64_t{1} << 31))
        return fail(error_code::bad_dims, "fully_connected: K too large");
    return {};
}

// Quantization fields in range of their types (integer paths).
check_result check_quantization(const command& c, const ref::layer& l, bool integer_epilogue) {
    const compute_cmd& k = c.compute;
    const bool binary = c.prec == ref::precision::binary;
    const dtype act_t = ref::activation_type(l.prec);
    const dtype out_q_t = binary ? dtype::int8 : act_t;
    const bool uses_in_zp = !(binary && l.binary_input);
    if (uses_in_zp && !in_range(k.in_zero_point, act_t))
        return fail(error_code::bad_field, "in_zero_point outside the input type");
    if (integer_epilogue && !in_range(k.out_zero_point, out_q_t))
        return fail(error_code::bad_field, "out_zero_point outside the output type");
    if (is_eltwise(c.op) && !in_range(k.in2_zero_point, act_t))
        return fail(error_code::bad_field, "in2_zero_point outside the input type");
    if (integer_epilogue && ref::uses_table(c.act) && !in_range(k.act_zero_point, out_q_t))
        return fail(error_code::bad_field, "act_zero_point outside the output type");
    const bool common_scale = c.op == opcode::add || c.op == opcode::sub ||
                              c.op == opcode::max || c.op == opcode::min;
    if (common_scale && (k.add_shift < 0 || k.add_shift > 30))
        return fail(error_code::bad_field, "add_shift outside [0, 30]");
    if (c.op == opcode::div && integer_epilogue)
        return fail(error_code::unsupported, std::string(to_string(c.op)) +
                                                 " has no integer path (float precisions only)");
    if ((c.op == opcode::softmax || c.op == opcode::normalize) && integer_epilogue &&
        c.act != ref::act_kind::none)
        return fail(error_code::unsupported, std::string("integer ") + to_string(c.op) +
                                                 " takes no activation");
    if (is_pool(c.op) && !ref::uses_table(c.act) && k.in_zero_point != k.out_zero_point)
        return fail(error_code::bad_field, "integer pooling needs in_zero_point == out_zero_point");
    return {};
}

// Second operand, weights, bias and tables of the plan; their spans.
check_result plan_operands(const command& c, const ref::layer& l, bool integer_epilogue,
                           compute_plan& p) {
    const compute_cmd& k = c.compute;
    const shape4& is = p.in_shape;
    const bool binary = c.prec == ref::precision::binary;
    if (is_eltwise(c.op)) {
        p.has_second = true;
        p.in2_shape = shape_of(k.in2);
        p.in2_type = p.in_type;
        const shape4& b = p.in2_shape;
        const auto dim_ok = [](int a, int x) { return x == a || x == 1; };
        if (elements(b) == 0 || !dim_ok(is.n, b.n) || !dim_ok(is.h, b.h) || !dim_ok(is.w, b.w) ||
            !dim_ok(is.c, b.c))
            return fail(error_code::bad_dims,
                        "cannot broadcast " + nn::to_string(b) + " onto " + nn::to_string(is));
        p.in2 = {k.in2.offset, nn::storage_bytes(p.in2_type, b.count())};
    }
    if (is_gemm(c.op)) {
        p.has_weights = true;
        p.w_type = ref::weight_type(l);
        p.w_shape = c.op == opcode::conv2d
                        ? shape4{k.out_channels, k.kernel_h, k.kernel_w, is.c / k.groups}
                        : shape4{k.out_channels, 1, 1, is.h * is.w * is.c};
        if (elements(p.w_shape) == 0)
            return fail(error_code::bad_dims, "weights " + nn::to_string(p.w_shape) + " too large");
        p.weights = {k.weight_offset, nn::storage_bytes(p.w_type, p.w_shape.count())};
        p.bias_type = ref::bias_type(l);
        if (l.partial_in) {
            p.partials_type = ref::accumulator_type(l);
            if (shape_of(k.in2) != p.out_shape)
                return fail(error_code::bad_dims, "partial sums " + nn::to_string(shape_of(k.in2)) +
                                                      ": expected the output shape " +
                                                      nn::to_string(p.out_shape));
            p.partials = {k.in2.offset, nn::storage_bytes(p.partials_type, p.out_shape.count())};
        }
        if (c.flags & flag::has_bias)
            p.bias = {k.bias_offset, nn::storage_bytes(p.bias_type, k.out_channels)};
        if (binary && l.bin_scale == ref::binary_scale::fp32 && !l.partial_out)
            p.alpha_entries = k.out_channels;
        else if (c.flags & flag::per_channel)
            p.per_channel_entries = k.out_channels;
    }
    if (integer_epilogue && (ref::uses_table(c.act) || c.op == opcode::softmax)) {
        const dtype lut_t = binary ? dtype::int8 : ref::activation_type(l.prec);
        p.lut_entries = static_cast<uint32_t>(nn::max_of(lut_t) - nn::min_of(lut_t) + 1);
    }
    const uint64_t table = uint64_t{p.per_channel_entries} * 8 + uint64_t{p.alpha_entries} * 4 +
                           uint64_t{p.lut_entries} * 4;
    if (table > 0)
        p.table = {k.table_offset, table};
    return {};
}

}  // namespace

check_result check_compute(const command& c, uint64_t local_bytes, compute_plan& p) {
    if (!is_compute(c.op))
        return fail(error_code::unknown_opcode,
                    "opcode " + std::to_string(static_cast<unsigned>(c.op)) + " is not a compute op");
    if (check_result r = check_head(c); !r.ok())
        return r;
    ref::layer l = shape_layer(c);
    p = compute_plan{};
    p.in_type = ref::input_type(l);
    p.out_type = ref::output_type(l);
    p.in_shape = shape_of(c.compute.in);
    if (elements(p.in_shape) == 0)
        return fail(error_code::bad_dims,
                    "input " + nn::to_string(p.in_shape) + " has a zero dimension or is too large");
    if (check_result r = check_geometry(c, p.in_shape, l); !r.ok())
        return r;
    p.out_shape = ref::output_shape(l, p.in_shape);  // cannot throw after the checks above
    if (elements(p.out_shape) == 0)
        return fail(error_code::bad_dims, "output " + nn::to_string(p.out_shape) + " too large");
    const bool binary = c.prec == ref::precision::binary;
    const bool float_path = !binary && nn::is_float(p.in_type);
    const bool integer_epilogue =
        !float_path && !l.partial_out && (!binary || l.bin_scale == ref::binary_scale::fixed);
    if (!float_path)
        if (check_result r = check_quantization(c, l, integer_epilogue); !r.ok())
            return r;
    p.in = {c.compute.in.offset, nn::storage_bytes(p.in_type, p.in_shape.count())};
    p.out = {c.compute.out_offset, nn::storage_bytes(p.out_type, p.out_shape.count())};
    if (check_result r = plan_operands(c, l, integer_epilogue, p); !r.ok())
        return r;
    for (const auto& [name, s] : {std::pair<const char*, span>{"input", p.in},
                                  {"second input", p.in2},
                                  {"partial sums", p.partials},
                                  {"weights", p.weights},
                                  {"bias", p.bias},
                                  {"table", p.table},
                                  {"output", p.out}})
        if (s.bytes > 0 && !fits(s, local_bytes))
            return fail(error_code::buffer_overrun,
                        describe(name, s) + " does not fit in the local memory");
    return {};
}

ref::layer decode_layer(const command& c, const compute_plan& p, const uint8_t* table) {
    const compute_cmd& k = c.compute;
    ref::layer l = shape_layer(c);
    l.name = to_string(c.op);
    // Zeros the check lets through mean 1; ops without a window have none.
    l.geo.dilation_h = std::max<int>(k.dilation_h, 1);
    l.geo.dilation_w = std::max<int>(k.dilation_w, 1);
    l.geo.groups = std::max<int>(k.groups, 1);
    if (c.op != opcode::conv2d && !is_window_pool(c.op))
        l.geo = ref::geometry{};
    l.out_channels = std::max<int>(k.out_channels, 1);
    l.has_bias = (c.flags & flag::has_bias) != 0;
    l.act.kind = c.act;
    l.act.clip_lo = k.clip_lo;
    l.act.clip_hi = k.clip_hi;
    l.act.alpha = k.alpha;
    if (c.op == opcode::normalize)
        l.norm_epsilon = k.alpha;  // alpha carries epsilon
    if (c.act == ref::act_kind::hard_sigmoid)
        l.act.beta = k.clip_lo;  // no clip bounds: the field carries beta
    l.count_include_pad = (c.flags & flag::count_include_pad) != 0;
    l.in_q.zero_point = k.in_zero_point;
    l.in2_q.zero_point = k.in2_zero_point;
    l.out_q.zero_point = k.out_zero_point;
    l.act_q.zero_point = k.act_zero_point;
    l.in_mult = {k.in_mult, k.in_shift};
    l.in2_mult = {k.in2_mult, k.in2_shift};
    l.add_shift = k.add_shift;
    l.act_min = k.act_min;
    l.act_max = k.act_max;
    const uint8_t* at = table;
    if (p.per_channel_entries > 0) {
        l.out_mult.resize(p.per_channel_entries);
        for (auto& m : l.out_mult) {
            m = {nn::load_le<int32_t>(at), nn::load_le<int32_t>(at + 4)};
            at += 8;
        }
    } else {
        l.out_mult = {{k.out_mult, k.out_shift}};
    }
    for (uint32_t i = 0; i < p.alpha_entries; ++i, at += 4) {
        const uint32_t bits = nn::load_le<uint32_t>(at);
        float alpha;
        std::memcpy(&alpha, &bits, 4);
        l.bin_alpha.push_back(alpha);
    }
    for (uint32_t i = 0; i < p.lut_entries; ++i, at += 4)
        l.act_lut.push_back(nn::load_le<int32_t>(at));
    return l;
}

decoded_layer decode(const command& c, const uint8_t* table, std::size_t table_size) {
    const std::string who = std::string(to_string(c.op)) + " command: ";
    if (!is_compute(c.op))
        throw std::invalid_argument(who + "expected a compute opcode");
    decoded_layer d;
    const check_result r = check_compute(c, UINT64_MAX, d.plan);
    if (!r.ok())
        throw std::invalid_argument(who + r.what);
    if (table_size != d.plan.table.bytes || (table_size > 0 && table == nullptr))
        throw std::invalid_argument(who + "table of " + std::to_string(table_size) +
                                    " bytes: expected " + std::to_string(d.plan.table.bytes));
    d.layer = decode_layer(c, d.plan, table);
    return d;
}

std::size_t table_bytes(const command& c) {
    compute_plan p;
    if (!is_compute(c.op) || !check_compute(c, UINT64_MAX, p).ok())
        return 0;
    return static_cast<std::size_t>(p.table.bytes);
}

opcode to_opcode(op_kind k) {
    switch (k) {
        case op_kind::conv2d:
            return opcode::conv2d;
        case op_kind::fully_connected:
            return opcode::fully_connected;
        case op_kind::max_pool:
            return opcode::max_pool;
        case op_kind::avg_pool:
            return opcode::avg_pool;
        case op_kind::global_avg_pool:
            return opcode::global_avg_pool;
        case op_kind::global_max_pool:
            return opcode::global_max_pool;
        case op_kind::add:
            return opcode::add;
        case op_kind::mul:
            return opcode::mul;
        case op_kind::activation:
            return opcode::activation;
        case op_kind::sub:
            return opcode::sub;
        case op_kind::div:
            return opcode::div;
        case op_kind::max:
            return opcode::max;
        case op_kind::min:
            return opcode::min;
        case op_kind::reduce_sum:
            return opcode::reduce_sum;
        case op_kind::reduce_max:
            return opcode::reduce_max;
        case op_kind::reduce_mean:
            return opcode::reduce_mean;
        case op_kind::softmax:
            return opcode::softmax;
        case op_kind::normalize:
            return opcode::normalize;
    }
    return opcode::end;
}

op_kind to_op_kind(opcode op) {
    if (!is_compute(op))
        throw std::invalid_argument("command: opcode " + std::to_string(static_cast<unsigned>(op)) +
                                    ": expected a compute opcode");
    return static_cast<op_kind>(static_cast<unsigned>(op) - static_cast<unsigned>(opcode::conv2d));
}

}  // namespace nnvp::nncore_cmd
