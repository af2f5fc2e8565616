#include "arch/nncore/layer_codec.h"

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "nn/ref/ops.h"

namespace nnvp::nncore_cmd {


using ref::op_kind;
using nn::dtype;
using nn::shape4;

namespace {

[[noreturn]] void fail(const ref::layer& l, const std::string& field, const std::string& what) {
    throw std::invalid_argument("layer '" + l.name + "': " + field + ": " + what);
}

template <typename T>
T narrow(const ref::layer& l, const std::string& field, int64_t v, int64_t lo) {
    const int64_t hi = static_cast<int64_t>(std::numeric_limits<T>::max());
    if (v < lo || v > hi)
        fail(l, field,
             "expected " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
                 std::to_string(v));
    return static_cast<T>(v);
}

tensor_ref make_ref(const ref::layer& l, const std::string& name, const shape4& s, uint32_t off) {
    tensor_ref t{};
    t.offset = off;
    t.n = narrow<uint16_t>(l, name + ".n", s.n, 1);
    t.h = narrow<uint16_t>(l, name + ".h", s.h, 1);
    t.w = narrow<uint16_t>(l, name + ".w", s.w, 1);
    t.c = narrow<uint16_t>(l, name + ".c", s.c, 1);
    return t;
}

bool float_path(ref::precision p) {
    return p == ref::precision::fp32 || p == ref::precision::fp16;
}

bool has_weights(op_kind k) {
    return k == op_kind::conv2d || k == op_kind::fully_connected;
}
bool has_in2(op_kind k) {
    return k == op_kind::add || k == op_kind::mul;
}
// Ops whose table activation indexes with act_q's zero point (finish_int).
bool uses_act_zp(op_kind k) {
    return has_weights(k) || has_in2(k);
}

// The integer epilogue runs (requantization, clamp or table).
bool int_epilogue(const ref::layer& l) {
    return !float_path(l.prec) &&
           !(l.prec == ref::precision::binary && l.bin_scale == ref::binary_scale::fp32);
}

// Element type the activation table is indexed in.
dtype lut_type(const ref::layer& l) {
    return l.prec == ref::precision::binary ? dtype::int8 : ref::output_type(l);
}

std::size_t lut_entries(const ref::layer& l) {
    return std::size_t{1} << nn::bits_of(lut_type(l));
}

bool needs_lut(const ref::layer& l) {
    return int_epilogue(l) && ref::uses_table(l.act.kind);
}

bool bin_fp32(const ref::layer& l) {
    return l.prec == ref::precision::binary && l.bin_scale == ref::binary_scale::fp32;
}

void put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i)
        v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

uint32_t get32(const uint8_t* p) {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

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
    }
    return opcode::end;
}

op_kind to_op_kind(opcode op) {
    if (!is_compute(op))
        throw std::invalid_argument("command: opcode " + std::to_string(static_cast<unsigned>(op)) +
                                    ": expected a compute opcode");
    return static_cast<op_kind>(static_cast<unsigned>(op) - static_cast<unsigned>(opcode::conv2d));
}

encoded_layer from_layer(const ref::layer& l, const shape4& in, const operand_offsets& at,
                         cost::dataflow df, const shape4& in2) {
    // The reference's own checks first (geometry, kernel vs. padded input).
    shape4 out;
    try {
        out = ref::output_shape(l, in);
    } catch (const std::invalid_argument& e) {
        fail(l, "geometry", e.what());
    }
    if (static_cast<unsigned>(df) > unsigned{max_dataflow})
        fail(l, "dataflow", "expected output/weight/input stationary or automatic");
    const bool bin = l.prec == ref::precision::binary;
    if (bin && !has_weights(l.op))
        fail(l, "prec", "binary precision only for conv2d and fully_connected");
    if (!bin && (l.binary_input || l.binary_output || l.bin_scale != ref::binary_scale::fp32))
        fail(l, "binary_input/binary_output/bin_scale", "expected defaults for a non-binary layer");

    encoded_layer e;
    command& c = e.cmd;
    c.op = to_opcode(l.op);
    c.prec = l.prec;
    c.act = l.act.kind;
    c.df = df;
    compute_cmd& k = c.compute;
    k.in = make_ref(l, "input", in, at.in);
    if (has_in2(l.op)) {
        if ((in2.n != in.n && in2.n != 1) || (in2.h != in.h && in2.h != 1) ||
            (in2.w != in.w && in2.w != 1) || (in2.c != in.c && in2.c != 1))
            fail(l, "in2", "cannot broadcast " + nn::to_string(in2) + " onto " + nn::to_string(in));
        k.in2 = make_ref(l, "in2", in2, at.in2);
    }
    const int oc = has_weights(l.op) ? l.out_channels : out.c;
    k.out_channels = narrow<uint16_t>(l, "out_channels", oc, 1);
    make_ref(l, "output", out, 0);  // the output shape must be expressible too
    k.out_offset = at.out;
    k.weight_offset = has_weights(l.op) ? at.weights : 0;
    k.bias_offset = l.has_bias ? at.bias : 0;
    if (l.has_bias && !has_weights(l.op))
        fail(l, "has_bias", "only conv2d and fully_connected take a bias");
    const ref::geometry& g = l.geo;
    k.kernel_h = narrow<uint8_t>(l, "geo.kernel_h", g.kernel_h, 1);
    k.kernel_w = narrow<uint8_t>(l, "geo.kernel_w", g.kernel_w, 1);
    k.stride_h = narrow<uint8_t>(l, "geo.stride_h", g.stride_h, 1);
    k.stride_w = narrow<uint8_t>(l, "geo.stride_w", g.stride_w, 1);
    k.dilation_h = narrow<uint8_t>(l, "geo.dilation_h", g.dilation_h, 1);
    k.dilation_w = narrow<uint8_t>(l, "geo.dilation_w", g.dilation_w, 1);
    k.pad_top = narrow<uint8_t>(l, "geo.pad_top", g.pad_top, 0);
    k.pad_bottom = narrow<uint8_t>(l, "geo.pad_bottom", g.pad_bottom, 0);
    k.pad_left = narrow<uint8_t>(l, "geo.pad_left", g.pad_left, 0);
    k.pad_right = narrow<uint8_t>(l, "geo.pad_right", g.pad_right, 0);
    k.groups = narrow<uint16_t>(l, "geo.groups", g.groups, 1);
    if (l.op == op_kind::conv2d && (in.c % g.groups != 0 || l.out_channels % g.groups != 0))
        fail(l, "geo.groups",
             "expected a divisor of the input channels (" + std::to_string(in.c) +
                 ") and out_channels (" + std::to_string(l.out_channels) + ")");

    uint16_t flags = 0;
    if (l.has_bias)
        flags |= flag::has_bias;
    if (l.count_include_pad && l.op == op_kind::avg_pool)  // the only op it means anything to
        flags |= flag::count_include_pad;
    if (l.binary_input)
        flags |= flag::binary_input;
    if (l.binary_output)
        flags |= flag::binary_output;
    if (bin && l.bin_scale == ref::binary_scale::fixed)
        flags |= flag::binary_fixed_scale;

    k.in_zero_point = l.in_q.zero_point;
    k.in2_zero_point = has_in2(l.op) ? l.in2_q.zero_point : 0;
    k.out_zero_point = l.out_q.zero_point;
    k.act_zero_point = needs_lut(l) && uses_act_zp(l.op) ? l.act_q.zero_point : 0;
    k.act_min = l.act_min;
    k.act_max = l.act_max;
    const ref::fixed_multiplier unit{};
    const ref::fixed_multiplier om = l.out_mult.empty() ? unit : l.out_mult[0];
    k.out_mult = om.multiplier;
    k.out_shift = om.shift;
    k.in_mult = l.in_mult.multiplier;
    k.in_shift = l.in_mult.shift;
    k.in2_mult = l.in2_mult.multiplier;
    k.in2_shift = l.in2_mult.shift;
    k.add_shift = l.add_shift;
    k.clip_lo = l.act.clip_lo;
    k.clip_hi = l.act.clip_hi;
    k.alpha = l.act.alpha;

    // Table image: binary scales or multipliers, then the activation table.
    const std::size_t O = static_cast<std::size_t>(oc);
    if (bin && l.bin_scale == ref::binary_scale::fp32) {
        if (l.bin_alpha.size() != O)
            fail(l, "bin_alpha",
                 "expected " + std::to_string(O) + " entries, got " +
                     std::to_string(l.bin_alpha.size()));
        for (float a : l.bin_alpha) {
            uint32_t u;
            std::memcpy(&u, &a, 4);
            put32(e.table, u);
        }
    } else if (int_epilogue(l) && l.out_mult.size() > 1) {
        if (!has_weights(l.op) || l.out_mult.size() != O)
            fail(l, "out_mult",
                 "expected 1 entry" + (has_weights(l.op) ? " or " + std::to_string(O) : "") +
                     ", got " + std::to_string(l.out_mult.size()));
        flags |= flag::per_channel;
        for (const auto& m : l.out_mult) {
            put32(e.table, static_cast<uint32_t>(m.multiplier));
            put32(e.table, static_cast<uint32_t>(m.shift));
        }
    }
    if (needs_lut(l)) {
        if (l.act_lut.size() != lut_entries(l))
            fail(l, "act_lut",
                 "expected " + std::to_string(lut_entries(l)) + " entries for " +
                     nn::to_string(lut_type(l)) + ", got " + std::to_string(l.act_lut.size()));
        for (int32_t v : l.act_lut)
            put32(e.table, static_cast<uint32_t>(v));
    }
    c.flags = flags;
    k.table_offset = e.table.empty() ? 0 : at.table;
    return e;
}

std::size_t table_bytes(const command& c) {
    if (!is_compute(c.op))
        return 0;
    ref::layer l;
    l.op = to_op_kind(c.op);
    l.prec = c.prec;
    l.act.kind = c.act;
    l.binary_output = (c.flags & flag::binary_output) != 0;
    l.bin_scale =
        (c.flags & flag::binary_fixed_scale) ? ref::binary_scale::fixed : ref::binary_scale::fp32;
    if (static_cast<unsigned>(c.prec) > unsigned{max_precision} ||
        static_cast<unsigned>(c.act) > unsigned{max_act_kind})
        return 0;
    const std::size_t O = c.compute.out_channels;
    const bool gemm = l.op == op_kind::conv2d || l.op == op_kind::fully_connected;
    std::size_t n = 0;
    if (l.prec == ref::precision::binary && l.bin_scale == ref::binary_scale::fp32)
        n += 4 * O;
    else if (gemm && (c.flags & flag::per_channel))
        n += 8 * O;
    if (needs_lut(l))
        n += 4 * lut_entries(l);
    return n;
}

decoded_layer to_layer(const command& c, const uint8_t* table, std::size_t table_size) {
    decoded_layer d;
    ref::layer& l = d.layer;
    l.name = std::string("command ") + std::to_string(static_cast<unsigned>(c.op));
    auto bad = [&](const std::string& field, const std::string& what) { fail(l, field, what); };
    if (!is_compute(c.op))
        bad("op", "expected a compute opcode");
    if (static_cast<unsigned>(c.prec) > unsigned{max_precision})
        bad("prec", "expected 0..5");
    if (static_cast<unsigned>(c.act) > unsigned{max_act_kind})
        bad("act", "expected 0..6");
    if (static_cast<unsigned>(c.df) > unsigned{max_dataflow})
        bad("df", "expected 0..3");
    if ((c.flags & ~flag::known) != 0 || c.tag != 0 || c.reserved0 != 0)
        bad("flags/tag/reserved0", "unknown flag bits or non-zero reserved fields");
    const compute_cmd& k = c.compute;
    l.op = to_op_kind(c.op);
    l.name = std::string(ref::to_string(l.op)) + " command";
    l.prec = c.prec;
    l.act.kind = c.act;
    l.act.clip_lo = k.clip_lo;
    l.act.clip_hi = k.clip_hi;
    l.act.alpha = k.alpha;
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
    l.out_channels = k.out_channels;
    l.has_bias = (c.flags & flag::has_bias) != 0;
    l.count_include_pad = (c.flags & flag::count_include_pad) != 0;
    l.binary_input = (c.flags & flag::binary_input) != 0;
    l.binary_output = (c.flags & flag::binary_output) != 0;
    const bool bin = l.prec == ref::precision::binary;
    l.bin_scale =
        (c.flags & flag::binary_fixed_scale) ? ref::binary_scale::fixed : ref::binary_scale::fp32;
    if (!bin && (c.flags & (flag::binary_input | flag::binary_output | flag::binary_fixed_scale)))
        bad("flags", "binary flags on a non-binary command");
    if ((c.flags & (flag::has_bias | flag::per_channel)) && !has_weights(l.op))
        bad("flags", "has_bias / per_channel on an op without weights");
    if (l.count_include_pad && l.op != op_kind::avg_pool)
        bad("flags", "count_include_pad on an op other than avg_pool");
    l.in_q.zero_point = k.in_zero_point;
    l.in2_q.zero_point = k.in2_zero_point;
    l.out_q.zero_point = k.out_zero_point;
    l.act_q.zero_point = k.act_zero_point;
    l.act_min = k.act_min;
    l.act_max = k.act_max;
    l.in_mult = {k.in_mult, k.in_shift};
    l.in2_mult = {k.in2_mult, k.in2_shift};
    l.add_shift = k.add_shift;

    auto shape_of = [&](const tensor_ref& t, const char* name) {
        if (t.n == 0 || t.h == 0 || t.w == 0 || t.c == 0)
            bad(name, "expected non-zero dimensions");
        return shape4{t.n, t.h, t.w, t.c};
    };
    d.in = shape_of(k.in, "in");
    d.has_in2 = has_in2(l.op);
    if (d.has_in2)
        d.in2 = shape_of(k.in2, "in2");
    d.has_weights = has_weights(l.op);
    if (d.has_weights && (k.out_channels == 0 || k.groups == 0))
        bad("out_channels/groups", "expected non-zero");
    try {
        d.out = ref::output_shape(l, d.in);
    } catch (const std::invalid_argument& e) {
        bad("geometry", e.what());
    }
    if (l.op == op_kind::conv2d) {
        if (d.in.c % k.groups != 0 || k.out_channels % k.groups != 0)
            bad("groups", "expected a divisor of the input and output channels");
        d.weights = {k.out_channels, k.kernel_h, k.kernel_w, d.in.c / k.groups};
    } else if (l.op == op_kind::fully_connected) {
        d.weights = {k.out_channels, 1, 1, d.in.h * d.in.w * d.in.c};
    }

    // Table image.
    const std::size_t need = table_bytes(c);
    if (need > 0 && (table == nullptr || table_size < need))
        bad("table", "expected " + std::to_string(need) + " bytes, got " +
                         std::to_string(table == nullptr ? 0 : table_size));
    const uint8_t* p = table;
    const std::size_t O = k.out_channels;
    if (bin && l.bin_scale == ref::binary_scale::fp32) {
        for (std::size_t i = 0; i < O; ++i, p += 4) {
            const uint32_t u = get32(p);
            float a;
            std::memcpy(&a, &u, 4);
            l.bin_alpha.push_back(a);
        }
    }
    if ((c.flags & flag::per_channel) && !bin_fp32(l)) {
        for (std::size_t i = 0; i < O; ++i, p += 8)
            l.out_mult.push_back(
                {static_cast<int32_t>(get32(p)), static_cast<int32_t>(get32(p + 4))});
    } else {
        l.out_mult.push_back({k.out_mult, k.out_shift});
    }
    if (needs_lut(l))
        for (std::size_t i = 0; i < lut_entries(l); ++i, p += 4)
            l.act_lut.push_back(static_cast<int32_t>(get32(p)));

    d.in_type = ref::input_type(l);
    d.in2_type = ref::activation_type(l.prec);
    d.out_type = ref::output_type(l);
    d.weight_type = ref::weight_type(l);
    d.bias_type = ref::bias_type(l);
    return d;
}

std::size_t in_bytes(const decoded_layer& d) {
    return nn::storage_bytes(d.in_type, d.in.count());
}
std::size_t in2_bytes(const decoded_layer& d) {
    return d.has_in2 ? nn::storage_bytes(d.in2_type, d.in2.count()) : 0;
}
std::size_t out_bytes(const decoded_layer& d) {
    return nn::storage_bytes(d.out_type, d.out.count());
}
std::size_t weight_bytes(const decoded_layer& d) {
    return d.has_weights ? nn::storage_bytes(d.weight_type, d.weights.count()) : 0;
}
std::size_t bias_bytes(const decoded_layer& d) {
    return d.layer.has_bias
               ? nn::storage_bytes(d.bias_type, static_cast<std::size_t>(d.layer.out_channels))
               : 0;
}

}  // namespace nnvp::nncore_cmd
