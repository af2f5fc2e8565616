#include "arch/nncore/command_check.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "nn/ref/ops.h"

namespace nnvp::nncore {

using nncore_cmd::command;
using nncore_cmd::opcode;
using nncore_regs::error_code;
using nn::dtype;
using nn::shape4;

namespace {

check_result fail(error_code code, const std::string& what) {
    return {code, what};
}

bool all_zero(const unsigned char* p, std::size_t n) {
    return std::all_of(p, p + n, [](unsigned char b) { return b == 0; });
}

bool is_gemm(opcode op) {
    return op == opcode::conv2d || op == opcode::fully_connected;
}
bool is_window_pool(opcode op) {
    return op == opcode::max_pool || op == opcode::avg_pool;
}
bool is_eltwise(opcode op) {
    return op == opcode::add || op == opcode::mul;
}

ref::op_kind kind_of(opcode op) {
    switch (op) {
        case opcode::conv2d:
            return ref::op_kind::conv2d;
        case opcode::fully_connected:
            return ref::op_kind::fully_connected;
        case opcode::max_pool:
            return ref::op_kind::max_pool;
        case opcode::avg_pool:
            return ref::op_kind::avg_pool;
        case opcode::global_avg_pool:
            return ref::op_kind::global_avg_pool;
        case opcode::global_max_pool:
            return ref::op_kind::global_max_pool;
        case opcode::add:
            return ref::op_kind::add;
        case opcode::mul:
            return ref::op_kind::mul;
        default:
            return ref::op_kind::activation;
    }
}

// Elements of a shape, or 0 when it has a zero dimension or passes 2^31
// (tensor indices are int-sized in the reference).
uint64_t elements(const shape4& s) {
    if (s.n < 1 || s.h < 1 || s.w < 1 || s.c < 1)
        return 0;
    const uint64_t n = uint64_t(s.n) * uint64_t(s.h) * uint64_t(s.w) * uint64_t(s.c);
    return n >= (uint64_t{1} << 31) ? 0 : n;
}

shape4 shape_of(const nncore_cmd::tensor_ref& t) {
    return {t.n, t.h, t.w, t.c};
}

// [offset, offset + bytes) inside the local memory.
bool fits(span s, uint64_t local_bytes) {
    return s.bytes <= local_bytes && s.offset <= local_bytes - s.bytes;
}

bool in_range(int64_t v, dtype t) {
    return v >= nn::min_of(t) && v <= nn::max_of(t);
}

std::string describe(const char* what, span s) {
    std::ostringstream o;
    o << what << " [0x" << std::hex << s.offset << ", +0x" << s.bytes << ")";
    return o.str();
}

}  // namespace

const char* to_string(error_code e) {
    switch (e) {
        case error_code::none:
            return "none";
        case error_code::bad_header:
            return "bad_header";
        case error_code::unknown_opcode:
            return "unknown_opcode";
        case error_code::bad_dims:
            return "bad_dims";
        case error_code::buffer_overrun:
            return "buffer_overrun";
        case error_code::bus_error:
            return "bus_error";
        case error_code::dma_error:
            return "dma_error";
        case error_code::no_end:
            return "no_end";
        case error_code::unsupported:
            return "unsupported";
        case error_code::bad_field:
            return "bad_field";
        case error_code::bad_compressed:
            return "bad_compressed";
    }
    return "?";
}

check_result check_common(const command& c) {
    if (c.reserved0 != 0)
        return fail(error_code::bad_field, "reserved0 is not 0");
    const auto op = static_cast<uint8_t>(c.op);
    const bool known = op <= static_cast<uint8_t>(opcode::load_compressed) ||
                       nncore_cmd::is_compute(static_cast<opcode>(op));
    if (!known)
        return fail(error_code::unknown_opcode, "unknown opcode " + std::to_string(op));
    if (nncore_cmd::is_compute(c.op))
        return c.tag == 0 ? check_result{}
                          : fail(error_code::bad_field, "tag on a compute command");
    const bool move =
        c.op == opcode::load || c.op == opcode::store || c.op == opcode::load_compressed;
    if (c.prec != ref::precision::fp32 || c.act != ref::act_kind::none ||
        c.df != cost::dataflow::output_stationary || c.flags != 0 || (!move && c.tag != 0))
        return fail(error_code::bad_field,
                    std::string(to_string(c.op)) + ": compute fields are not 0");
    std::size_t used = 0;
    if (c.op == opcode::load_compressed)
        used = sizeof(nncore_cmd::compressed_cmd);
    else if (move)
        used = sizeof(nncore_cmd::move_cmd);
    else if (c.op == opcode::barrier)
        used = sizeof(c.barrier_mask);
    if (!all_zero(c.raw + used, sizeof(c.raw) - used))
        return fail(error_code::bad_field,
                    std::string(to_string(c.op)) + ": reserved body bytes are not 0");
    return {};
}

check_result check_move(const command& c, uint64_t local_bytes) {
    const nncore_cmd::move_cmd& m = c.move;
    if (c.tag >= 16)
        return fail(error_code::bad_field, "tag " + std::to_string(c.tag) + " is not in 0..15");
    if (m.len == 0)
        return fail(error_code::bad_dims, "len is 0");
    const uint64_t c1 = std::max<uint32_t>(m.count1, 1) - 1;
    const uint64_t c2 = std::max<uint32_t>(m.count2, 1) - 1;
    // Last byte + 1 of each side, computed without overflow (all terms < 2^64).
    const unsigned __int128 local_end = (unsigned __int128)m.local_offset +
                                        (unsigned __int128)c2 * m.local_stride2 +
                                        (unsigned __int128)c1 * m.local_stride1 + m.len;
    const unsigned __int128 dram_end = (unsigned __int128)m.dram_addr +
                                       (unsigned __int128)c2 * m.dram_stride2 +
                                       (unsigned __int128)c1 * m.dram_stride1 + m.len;
    // Rows may overlap in local memory (stride 0), but a block that moves more
    // bytes than the local memory holds is a programming error, and rejecting
    // it bounds every transfer the core starts.
    const unsigned __int128 total = (unsigned __int128)m.len * (c1 + 1) * (c2 + 1);
    if (total > local_bytes)
        return fail(error_code::bad_dims, "block moves more bytes than the local memory holds");
    if (dram_end > ((unsigned __int128)1 << 64))
        return fail(error_code::bad_dims, "DRAM block runs past the end of the address space");
    if (local_end > local_bytes) {
        std::ostringstream o;
        o << "local block ends at 0x" << std::hex << (uint64_t)local_end
          << ", past the local memory (0x" << local_bytes << " bytes)";
        return fail(error_code::buffer_overrun, o.str());
    }
    return {};
}

check_result check_compressed(const command& c, uint64_t local_bytes, blob_shape& shape) {
    const nncore_cmd::compressed_cmd& z = c.compressed;
    const nncore_cmd::move_cmd& m = z.blob;
    if (c.tag >= 16)
        return fail(error_code::bad_field, "tag " + std::to_string(c.tag) + " is not in 0..15");
    if (z.reserved != 0)
        return fail(error_code::bad_field, "load_compressed: reserved is not 0");
    const auto bad = [](const std::string& what) { return fail(error_code::bad_compressed, what); };
    if (m.len == 0)
        return bad("blob len is 0");
    if (m.count1 > 1 || m.count2 > 1)
        return bad("blob move is not 1D (count1 " + std::to_string(m.count1) + ", count2 " +
                   std::to_string(m.count2) + ")");
    if (m.dram_addr > UINT64_MAX - m.len + 1)
        return bad("blob runs past the end of the address space");
    shape.elements = z.elements;
    shape.elem_bits = z.elem_bits;
    shape.format = z.format;
    shape.row_len = z.row_len;
    const codec_result sc = check_shape(shape);
    if (!sc.ok)
        return bad(sc.what);
    const span staging{m.local_offset, m.len};
    const span dest{z.dest_offset, shape.dense_bytes()};
    if (!fits(staging, local_bytes))
        return bad(describe("staging", staging) + " is outside the local memory");
    if (!fits(dest, local_bytes))
        return bad(describe("destination", dest) + " is outside the local memory");
    if (staging.offset < dest.offset + dest.bytes && dest.offset < staging.offset + staging.bytes)
        return bad(describe("staging", staging) + " overlaps " + describe("destination", dest));
    return {};
}

check_result check_compute(const command& c, uint64_t local_bytes, compute_plan& p) {
    using nncore_cmd::flag::binary_fixed_scale;
    using nncore_cmd::flag::binary_input;
    using nncore_cmd::flag::binary_output;
    const nncore_cmd::compute_cmd& k = c.compute;
    const opcode op = c.op;
    if (static_cast<uint8_t>(c.prec) > static_cast<uint8_t>(ref::precision::binary))
        return fail(error_code::bad_field, "precision " + std::to_string(int(c.prec)));
    if (static_cast<uint8_t>(c.act) > static_cast<uint8_t>(ref::act_kind::tanh))
        return fail(error_code::bad_field, "activation " + std::to_string(int(c.act)));
    if (static_cast<uint8_t>(c.df) > static_cast<uint8_t>(cost::dataflow::automatic))
        return fail(error_code::bad_field, "dataflow " + std::to_string(int(c.df)));
    if ((c.flags & ~nncore_cmd::flag::known) != 0)
        return fail(error_code::bad_field, "unknown flag bits");
    const bool binary = c.prec == ref::precision::binary;
    if (binary && !is_gemm(op))
        return fail(error_code::unsupported,
                    std::string(to_string(op)) + " has no binary precision");
    if (!binary && (c.flags & (binary_input | binary_output | binary_fixed_scale)))
        return fail(error_code::bad_field, "binary flags on a non-binary command");
    if (!is_gemm(op) && (c.flags & (nncore_cmd::flag::has_bias | nncore_cmd::flag::per_channel)))
        return fail(error_code::bad_field, "has_bias / per_channel on an op without weights");
    if (op != opcode::avg_pool && (c.flags & nncore_cmd::flag::count_include_pad))
        return fail(error_code::bad_field, "count_include_pad on an op other than avg_pool");

    // Types (as the reference defines them).
    ref::layer shape_l;
    shape_l.op = kind_of(op);
    shape_l.prec = c.prec;
    shape_l.binary_input = (c.flags & binary_input) != 0;
    shape_l.binary_output = (c.flags & binary_output) != 0;
    shape_l.bin_scale =
        (c.flags & binary_fixed_scale) ? ref::binary_scale::fixed : ref::binary_scale::fp32;
    shape_l.out_channels = k.out_channels;
    p = compute_plan{};
    p.in_type = ref::input_type(shape_l);
    p.out_type = ref::output_type(shape_l);
    p.in_shape = shape_of(k.in);
    if (elements(p.in_shape) == 0)
        return fail(error_code::bad_dims,
                    "input " + nn::to_string(p.in_shape) + " has a zero dimension or is too large");
    const bool float_path = !binary && nn::is_float(p.in_type);
    const bool fixed_binary = binary && shape_l.bin_scale == ref::binary_scale::fixed;
    const bool integer_epilogue = !float_path && (!binary || fixed_binary);

    // Geometry.
    shape_l.geo.kernel_h = k.kernel_h;
    shape_l.geo.kernel_w = k.kernel_w;
    shape_l.geo.stride_h = k.stride_h;
    shape_l.geo.stride_w = k.stride_w;
    shape_l.geo.dilation_h = k.dilation_h;
    shape_l.geo.dilation_w = k.dilation_w;
    shape_l.geo.pad_top = k.pad_top;
    shape_l.geo.pad_bottom = k.pad_bottom;
    shape_l.geo.pad_left = k.pad_left;
    shape_l.geo.pad_right = k.pad_right;
    shape_l.geo.groups = k.groups;
    const shape4 is = p.in_shape;
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
        shape_l.geo = ref::geometry{};
    } else if (is_window_pool(op)) {
        if (k.kernel_h == 0 || k.kernel_w == 0 || k.stride_h == 0 || k.stride_w == 0)
            return fail(error_code::bad_dims, "pool: kernel and stride must be >= 1");
        if (k.dilation_h > 1 || k.dilation_w > 1 || k.groups > 1)
            return fail(error_code::bad_field, "pool: dilation and groups must be 0 or 1");
        shape_l.geo.dilation_h = shape_l.geo.dilation_w = shape_l.geo.groups = 1;
        if (k.pad_top >= k.kernel_h || k.pad_bottom >= k.kernel_h || k.pad_left >= k.kernel_w ||
            k.pad_right >= k.kernel_w)
            return fail(error_code::bad_dims, "pool: padding must be smaller than the kernel");
    } else {
        shape_l.geo = ref::geometry{};
    }
    if (op == opcode::conv2d || is_window_pool(op)) {
        const int64_t eff_h = int64_t{shape_l.geo.dilation_h} * (k.kernel_h - 1) + 1;
        const int64_t eff_w = int64_t{shape_l.geo.dilation_w} * (k.kernel_w - 1) + 1;
        if (int64_t{is.h} + k.pad_top + k.pad_bottom < eff_h ||
            int64_t{is.w} + k.pad_left + k.pad_right < eff_w)
            return fail(error_code::bad_dims, "kernel larger than the padded input");
    }
    if (op == opcode::fully_connected &&
        uint64_t(is.h) * uint64_t(is.w) * uint64_t(is.c) >= (uint64_t{1} << 31))
        return fail(error_code::bad_dims, "fully_connected: K too large");
    p.out_shape = ref::output_shape(shape_l, is);  // cannot throw after the checks above
    if (elements(p.out_shape) == 0)
        return fail(error_code::bad_dims, "output " + nn::to_string(p.out_shape) + " too large");

    // Quantization fields in range of their types.
    if (!float_path) {
        const dtype act_t = ref::activation_type(shape_l.prec);
        const dtype out_q_t = binary ? dtype::int8 : act_t;
        const bool uses_in_zp = !(binary && shape_l.binary_input);
        if (uses_in_zp && !in_range(k.in_zero_point, act_t))
            return fail(error_code::bad_field, "in_zero_point outside the input type");
        if (integer_epilogue && !in_range(k.out_zero_point, out_q_t))
            return fail(error_code::bad_field, "out_zero_point outside the output type");
        if (is_eltwise(op) && !in_range(k.in2_zero_point, act_t))
            return fail(error_code::bad_field, "in2_zero_point outside the input type");
        if (integer_epilogue && ref::uses_table(c.act) &&
            !in_range(k.act_zero_point, out_q_t))
            return fail(error_code::bad_field, "act_zero_point outside the output type");
        if (op == opcode::add && (k.add_shift < 0 || k.add_shift > 30))
            return fail(error_code::bad_field, "add_shift outside [0, 30]");
        if ((is_window_pool(op) || op == opcode::global_avg_pool ||
             op == opcode::global_max_pool) &&
            !ref::uses_table(c.act) &&
            k.in_zero_point != k.out_zero_point)
            return fail(error_code::bad_field,
                        "integer pooling needs in_zero_point == "
                        "out_zero_point");
    }

    // Operands.
    p.in = {k.in.offset, nn::storage_bytes(p.in_type, p.in_shape.count())};
    p.out = {k.out_offset, nn::storage_bytes(p.out_type, p.out_shape.count())};
    if (is_eltwise(op)) {
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
    if (is_gemm(op)) {
        p.has_weights = true;
        p.w_type = ref::weight_type(shape_l);
        p.w_shape = op == opcode::conv2d
                        ? shape4{k.out_channels, k.kernel_h, k.kernel_w, is.c / k.groups}
                        : shape4{k.out_channels, 1, 1, is.h * is.w * is.c};
        if (elements(p.w_shape) == 0)
            return fail(error_code::bad_dims, "weights " + nn::to_string(p.w_shape) + " too large");
        p.weights = {k.weight_offset, nn::storage_bytes(p.w_type, p.w_shape.count())};
        p.bias_type = ref::bias_type(shape_l);
        if (c.flags & nncore_cmd::flag::has_bias)
            p.bias = {k.bias_offset, nn::storage_bytes(p.bias_type, k.out_channels)};
        if (binary && !fixed_binary)
            p.alpha_entries = k.out_channels;
        else if (c.flags & nncore_cmd::flag::per_channel)
            p.per_channel_entries = k.out_channels;
    }
    if (integer_epilogue && ref::uses_table(c.act)) {
        const dtype lut_t = binary ? dtype::int8 : ref::activation_type(shape_l.prec);
        p.lut_entries = static_cast<uint32_t>(nn::max_of(lut_t) - nn::min_of(lut_t) + 1);
    }
    const uint64_t table_bytes = uint64_t{p.per_channel_entries} * 8 +
                                 uint64_t{p.alpha_entries} * 4 + uint64_t{p.lut_entries} * 4;
    if (table_bytes > 0)
        p.table = {k.table_offset, table_bytes};

    for (const auto& [name, s] : {std::pair<const char*, span>{"input", p.in},
                                  {"second input", p.in2},
                                  {"weights", p.weights},
                                  {"bias", p.bias},
                                  {"table", p.table},
                                  {"output", p.out}})
        if (s.bytes > 0 && !fits(s, local_bytes))
            return fail(error_code::buffer_overrun,
                        describe(name, s) + " does not fit in the local memory");
    return {};
}

namespace {

template <class T>
T load(const uint8_t* local, uint64_t at) {
    T v;
    std::memcpy(&v, local + at, sizeof v);
    return v;
}

}  // namespace

ref::layer to_layer(const command& c, const compute_plan& p, const uint8_t* local) {
    const nncore_cmd::compute_cmd& k = c.compute;
    ref::layer l;
    l.name = to_string(c.op);
    l.op = kind_of(c.op);
    l.prec = c.prec;
    l.geo.kernel_h = k.kernel_h;
    l.geo.kernel_w = k.kernel_w;
    l.geo.stride_h = k.stride_h;
    l.geo.stride_w = k.stride_w;
    l.geo.pad_top = k.pad_top;
    l.geo.pad_bottom = k.pad_bottom;
    l.geo.pad_left = k.pad_left;
    l.geo.pad_right = k.pad_right;
    l.geo.dilation_h = std::max<int>(k.dilation_h, 1);
    l.geo.dilation_w = std::max<int>(k.dilation_w, 1);
    l.geo.groups = std::max<int>(k.groups, 1);
    if (c.op == opcode::fully_connected || c.op == opcode::global_avg_pool ||
        c.op == opcode::global_max_pool || is_eltwise(c.op) || c.op == opcode::activation)
        l.geo = ref::geometry{};
    l.out_channels = std::max<int>(k.out_channels, 1);
    l.has_bias = (c.flags & nncore_cmd::flag::has_bias) != 0;
    l.act.kind = c.act;
    l.act.clip_lo = k.clip_lo;
    l.act.clip_hi = k.clip_hi;
    l.act.alpha = k.alpha;
    l.count_include_pad = (c.flags & nncore_cmd::flag::count_include_pad) != 0;
    l.bin_scale = (c.flags & nncore_cmd::flag::binary_fixed_scale) ? ref::binary_scale::fixed
                                                                   : ref::binary_scale::fp32;
    l.binary_input = (c.flags & nncore_cmd::flag::binary_input) != 0;
    l.binary_output = (c.flags & nncore_cmd::flag::binary_output) != 0;
    l.in_q.zero_point = k.in_zero_point;
    l.in2_q.zero_point = k.in2_zero_point;
    l.out_q.zero_point = k.out_zero_point;
    l.act_q.zero_point = k.act_zero_point;
    l.in_mult = {k.in_mult, k.in_shift};
    l.in2_mult = {k.in2_mult, k.in2_shift};
    l.add_shift = k.add_shift;
    l.act_min = k.act_min;
    l.act_max = k.act_max;
    uint64_t at = p.table.offset;
    if (p.per_channel_entries > 0) {
        l.out_mult.resize(p.per_channel_entries);
        for (auto& m : l.out_mult) {
            m = {load<int32_t>(local, at), load<int32_t>(local, at + 4)};
            at += 8;
        }
    } else {
        l.out_mult = {{k.out_mult, k.out_shift}};
    }
    for (uint32_t i = 0; i < p.alpha_entries; ++i, at += 4)
        l.bin_alpha.push_back(load<float>(local, at));
    for (uint32_t i = 0; i < p.lut_entries; ++i, at += 4)
        l.act_lut.push_back(load<int32_t>(local, at));
    return l;
}

nn::tensor read_tensor(const uint8_t* local, span at, dtype t, shape4 s) {
    nn::tensor out(t, s);
    std::memcpy(out.bytes().data(), local + at.offset, out.bytes().size());
    return out;
}

void write_tensor(uint8_t* local, uint32_t offset, const nn::tensor& t) {
    std::memcpy(local + offset, t.bytes().data(), t.bytes().size());
}

double zero_fraction(const nn::tensor& t, int32_t zero_point) {
    if (t.size() == 0 || t.type() == dtype::binary)
        return 0.0;
    std::size_t zeros = 0;
    if (nn::is_float(t.type())) {
        for (std::size_t i = 0; i < t.size(); ++i)
            zeros += t.get_float(i) == 0.0f;
    } else {
        for (std::size_t i = 0; i < t.size(); ++i)
            zeros += t.get_int(i) == zero_point;
    }
    return static_cast<double>(zeros) / static_cast<double>(t.size());
}

}  // namespace nnvp::nncore
