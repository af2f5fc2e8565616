// encode_layer: a reference layer as a compute command and its table image.
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "arch/nncore/layer_codec.h"
#include "nn/ref/ops.h"
#include "nn/tensor/endian.h"

namespace nnvp::nncore_cmd {

using nn::dtype;
using nn::shape4;
using ref::op_kind;

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

bool has_weights(op_kind k) {
    return k == op_kind::conv2d || k == op_kind::fully_connected;
}
bool has_in2(op_kind k) {
    return ref::is_eltwise(k);
}
// Binary fp32 scales are applied (not on raw partial sums).
bool bin_fp32(const ref::layer& l) {
    return l.prec == ref::precision::binary && l.bin_scale == ref::binary_scale::fp32 &&
           !l.partial_out;
}
// The integer epilogue runs (requantization, clamp or table).
bool int_epilogue(const ref::layer& l) {
    const bool float_path = l.prec == ref::precision::fp32 || l.prec == ref::precision::fp16;
    return !float_path && !bin_fp32(l) && !l.partial_out;
}
// Table activations, and the integer softmax's exp table.
bool needs_lut(const ref::layer& l) {
    return int_epilogue(l) && (ref::uses_table(l.act.kind) || l.op == op_kind::softmax);
}
// Element type the activation table is indexed in, and its entries.
dtype lut_type(const ref::layer& l) {
    return l.prec == ref::precision::binary ? dtype::int8 : ref::output_type(l);
}
std::size_t lut_entries(const ref::layer& l) {
    return std::size_t{1} << nn::bits_of(lut_type(l));
}

void put32(std::vector<uint8_t>& v, uint32_t x) {
    uint8_t b[4];
    nn::store_le(b, x);
    v.insert(v.end(), b, b + 4);
}

// Precision, flags and the binary fields a layer of this op may carry.
uint16_t encode_flags(const ref::layer& l) {
    const bool bin = l.prec == ref::precision::binary;
    if (bin && !has_weights(l.op))
        fail(l, "prec", "binary precision only for conv2d and fully_connected");
    if (!bin && (l.binary_input || l.binary_output || l.bin_scale != ref::binary_scale::fp32))
        fail(l, "binary_input/binary_output/bin_scale", "expected defaults for a non-binary layer");
    if (l.has_bias && !has_weights(l.op))
        fail(l, "has_bias", "only conv2d and fully_connected take a bias");
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
    if (ref::uses_partials(l)) {
        if (!has_weights(l.op))
            fail(l, "partial_in/partial_out", "only conv2d and fully_connected accumulate");
        if (l.prec == ref::precision::fp32 || l.prec == ref::precision::fp16)
            fail(l, "partial_in/partial_out",
                 "expected an integer precision (float sums depend on their order)");
        if (l.partial_out && (l.has_bias || l.binary_output || l.act.kind != ref::act_kind::none))
            fail(l, "partial_out",
                 "raw sums take no bias, binary_output or activation (the last pass has them)");
    }
    if (l.partial_in)
        flags |= flag::partial_in;
    if (l.partial_out)
        flags |= flag::partial_out;
    return flags;
}

void encode_geometry(const ref::layer& l, const shape4& in, compute_cmd& k) {
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
}

void encode_quantization(const ref::layer& l, compute_cmd& k) {
    k.in_zero_point = l.in_q.zero_point;
    k.in2_zero_point = has_in2(l.op) ? l.in2_q.zero_point : 0;
    k.out_zero_point = l.out_q.zero_point;
    // Only ops whose table activation indexes with act_q's zero point carry it
    // (the ones that requantize an accumulator first).
    const bool uses_act_zp = has_weights(l.op) || has_in2(l.op) || ref::is_reduce(l.op);
    k.act_zero_point = needs_lut(l) && uses_act_zp ? l.act_q.zero_point : 0;
    k.act_min = l.act_min;
    k.act_max = l.act_max;
    const ref::fixed_multiplier om = l.out_mult.empty() ? ref::fixed_multiplier{} : l.out_mult[0];
    k.out_mult = om.multiplier;
    k.out_shift = om.shift;
    k.in_mult = l.in_mult.multiplier;
    k.in_shift = l.in_mult.shift;
    k.in2_mult = l.in2_mult.multiplier;
    k.in2_shift = l.in2_mult.shift;
    k.add_shift = l.add_shift;
    k.clip_lo = l.act.kind == ref::act_kind::hard_sigmoid ? l.act.beta : l.act.clip_lo;
    k.clip_hi = l.act.clip_hi;
    if (l.op == op_kind::normalize)  // epsilon, in input steps squared on integer paths
        k.alpha = int_epilogue(l) ? ref::norm_epsilon_steps(l) : l.norm_epsilon;
    else
        k.alpha = l.act.alpha;
}

// Binary scales or per-channel multipliers, then the activation table.
std::vector<uint8_t> encode_table(const ref::layer& l, std::size_t out_channels, uint16_t& flags) {
    std::vector<uint8_t> table;
    if (bin_fp32(l)) {
        if (l.bin_alpha.size() != out_channels)
            fail(l, "bin_alpha",
                 "expected " + std::to_string(out_channels) + " entries, got " +
                     std::to_string(l.bin_alpha.size()));
        for (float a : l.bin_alpha) {
            uint32_t u;
            std::memcpy(&u, &a, 4);
            put32(table, u);
        }
    } else if (int_epilogue(l) && l.out_mult.size() > 1) {
        if (!has_weights(l.op) || l.out_mult.size() != out_channels)
            fail(l, "out_mult",
                 "expected 1 entry" +
                     (has_weights(l.op) ? " or " + std::to_string(out_channels) : "") + ", got " +
                     std::to_string(l.out_mult.size()));
        flags |= flag::per_channel;
        for (const auto& m : l.out_mult) {
            put32(table, static_cast<uint32_t>(m.multiplier));
            put32(table, static_cast<uint32_t>(m.shift));
        }
    }
    if (needs_lut(l)) {
        if (l.act_lut.size() != lut_entries(l))
            fail(l, "act_lut",
                 "expected " + std::to_string(lut_entries(l)) + " entries for " +
                     nn::to_string(lut_type(l)) + ", got " + std::to_string(l.act_lut.size()));
        for (int32_t v : l.act_lut)
            put32(table, static_cast<uint32_t>(v));
    }
    return table;
}

}  // namespace

encoded_layer encode_layer(const ref::layer& l, const shape4& in, const operand_offsets& at,
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
    encoded_layer e;
    command& c = e.cmd;
    c.op = to_opcode(l.op);
    c.prec = l.prec;
    c.act = l.act.kind;
    c.df = df;
    uint16_t flags = encode_flags(l);
    compute_cmd& k = c.compute;
    k.in = make_ref(l, "input", in, at.in);
    if (has_in2(l.op)) {
        if ((in2.n != in.n && in2.n != 1) || (in2.h != in.h && in2.h != 1) ||
            (in2.w != in.w && in2.w != 1) || (in2.c != in.c && in2.c != 1))
            fail(l, "in2", "cannot broadcast " + nn::to_string(in2) + " onto " + nn::to_string(in));
        k.in2 = make_ref(l, "in2", in2, at.in2);
    }
    if (l.partial_in)  // earlier passes' sums, the output's shape
        k.in2 = make_ref(l, "partials", out, at.in2);
    const int oc = has_weights(l.op) ? l.out_channels : out.c;
    k.out_channels = narrow<uint16_t>(l, "out_channels", oc, 1);
    make_ref(l, "output", out, 0);  // the output shape must be expressible too
    k.out_offset = at.out;
    k.weight_offset = has_weights(l.op) ? at.weights : 0;
    k.bias_offset = l.has_bias ? at.bias : 0;
    encode_geometry(l, in, k);
    encode_quantization(l, k);
    e.table = encode_table(l, static_cast<std::size_t>(oc), flags);
    c.flags = flags;
    k.table_offset = e.table.empty() ? 0 : at.table;
    return e;
}

}  // namespace nnvp::nncore_cmd
