#include "sw/compiler/program.h"

#include <algorithm>
#include <stdexcept>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "nn/tensor/tensor_pack.h"
#include "nn/ref/ops.h"

namespace nnvp::compiler {

using namespace nncore_cmd;
using ref::op_kind;
using nn::dtype;
using nn::shape4;

namespace {

constexpr uint8_t tag_const = 0;
constexpr uint8_t tag_in[2] = {1, 2};
constexpr uint8_t tag_out[2] = {3, 4};

[[noreturn]] void fail(const ref::layer& l, const std::string& field, const std::string& what) {
    throw std::invalid_argument("layer '" + l.name + "': " + field + ": " + what);
}

uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

bool row_tiled(op_kind k) {
    return k != op_kind::fully_connected && k != op_kind::global_avg_pool &&
           k != op_kind::global_max_pool;
}
bool windowed(op_kind k) {
    return k == op_kind::conv2d || k == op_kind::max_pool || k == op_kind::avg_pool;
}

void check_tensor(const ref::layer& l, const char* what, const nn::tensor& t, dtype type,
                  const shape4* shape) {
    if (t.type() != type)
        fail(l, what,
             std::string("expected a ") + nn::to_string(type) + " tensor, got " +
                 nn::to_string(t.type()));
    if (shape && t.shape() != *shape)
        fail(l, what,
             "expected shape " + nn::to_string(*shape) + ", got " + nn::to_string(t.shape()));
}

// Everything the tiler needs about the layer.
struct plan_input {
    const ref::layer& l;
    shape4 in, in2, out;
    dtype in_t, in2_t, out_t;
    bool has_in2;
};

std::size_t bytes_of(dtype t, std::size_t count) {
    return nn::storage_bytes(t, count);
}

// The second operand's shape in a tile of `images` images and `rows` rows.
shape4 in2_tile_shape(const plan_input& p, int images, int rows) {
    shape4 s = p.in2;
    if (s.n != 1)
        s.n = images;
    if (s.h != 1)
        s.h = rows;
    return s;
}

// Input rows (and the edge padding) output rows [r0, r0 + rt) of a windowed op read.
void input_window(const plan_input& p, tile_plan& t) {
    const ref::geometry& g = p.l.geo;
    if (!row_tiled(p.l.op)) {  // fully connected, global pools: whole images
        t.in_row0 = 0;
        t.in_rows = p.in.h;
        return;
    }
    if (t.out_row0 == 0 && t.out_rows == p.out.h) {  // whole images: the layer's padding
        t.in_row0 = 0;
        t.in_rows = p.in.h;
        t.pad_top = g.pad_top;
        t.pad_bottom = g.pad_bottom;
        return;
    }
    if (!windowed(p.l.op)) {  // element-wise: row for row
        t.in_row0 = t.out_row0;
        t.in_rows = t.out_rows;
        return;
    }
    const int64_t first = int64_t{t.out_row0} * g.stride_h - g.pad_top;
    const int64_t last = int64_t{t.out_row0 + t.out_rows - 1} * g.stride_h - g.pad_top +
                         int64_t{g.kernel_h - 1} * g.dilation_h + 1;  // exclusive
    const int64_t lo = std::max<int64_t>(0, first);
    const int64_t hi = std::min<int64_t>(p.in.h, last);
    t.in_row0 = static_cast<int>(lo);
    t.in_rows = static_cast<int>(hi - lo);
    t.pad_top = static_cast<int>(lo - first);
    t.pad_bottom = static_cast<int>(last - hi);
}

void size_tile(const plan_input& p, tile_plan& t) {
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    t.in_bytes =
        bytes_of(p.in_t, std::size_t(t.images) * std::size_t(std::max(t.in_rows, 0)) * in_row);
    t.out_bytes = bytes_of(p.out_t, std::size_t(t.images) * std::size_t(t.out_rows) * out_row);
    t.in2_bytes =
        p.has_in2 ? bytes_of(p.in2_t, in2_tile_shape(p, t.images, t.out_rows).count()) : 0;
}

bool fits(const tile_plan& t, std::size_t in_slot, std::size_t out_slot, uint64_t align) {
    return align_up(t.in_bytes, align) + t.in2_bytes <= in_slot && t.out_bytes <= out_slot;
}

// Largest tiles that fit the slots: rows of one image when every row starts a
// byte, else whole images (several per tile), else the whole tensor.
std::vector<tile_plan> plan_tiles(const plan_input& p, std::size_t in_slot, std::size_t out_slot,
                                  uint64_t align) {
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    const bool rows_ok = row_tiled(p.l.op) && byte_aligned(p.in_t, in_row) &&
                         byte_aligned(p.out_t, out_row) &&
                         (!p.has_in2 || p.in2.h == 1 ||
                          byte_aligned(p.in2_t, std::size_t(p.in2.w) * std::size_t(p.in2.c)));
    const bool images_ok =
        byte_aligned(p.in_t, in_row * std::size_t(p.in.h)) &&
        byte_aligned(p.out_t, out_row * std::size_t(p.out.h)) &&
        (!p.has_in2 || p.in2.n == 1 || byte_aligned(p.in2_t, p.in2.count() / std::size_t(p.in2.n)));
    std::vector<tile_plan> tiles;
    auto make = [&](int n0, int images, int r0, int rows) {
        tile_plan t;
        t.n0 = n0;
        t.images = images;
        t.out_row0 = r0;
        t.out_rows = rows;
        input_window(p, t);
        size_tile(p, t);
        return t;
    };
    // Size the tiles for an interior tile (full halo), so that they come
    // out equal; edge tiles then read fewer rows.
    auto interior = [&](int rows) {
        tile_plan t;
        t.out_rows = rows;
        t.in_rows = rows;
        if (windowed(p.l.op)) {
            const ref::geometry& g = p.l.geo;
            t.in_rows = static_cast<int>(std::min<int64_t>(
                p.in.h,
                int64_t{rows - 1} * g.stride_h + int64_t{g.kernel_h - 1} * g.dilation_h + 1));
        }
        size_tile(p, t);
        return t;
    };
    if (rows_ok) {
        int rt = p.out.h;
        while (rt > 0 && !fits(interior(rt), in_slot, out_slot, align))
            --rt;
        bool ok = rt > 0;
        for (int n = 0; ok && n < p.in.n; ++n)
            for (int r0 = 0; ok && r0 < p.out.h;) {
                // Interior tiles may read more input rows than the first one.
                tile_plan t = make(n, 1, r0, std::min(rt, p.out.h - r0));
                while (!fits(t, in_slot, out_slot, align) && t.out_rows > 1)
                    t = make(n, 1, r0, t.out_rows - 1);
                ok = fits(t, in_slot, out_slot, align);
                if (ok && t.in_rows <= 0)
                    fail(p.l, "geo",
                         "output rows " + std::to_string(t.out_row0) + ".." +
                             std::to_string(t.out_row0 + t.out_rows - 1) +
                             " read no input row (padding wider than the "
                             "kernel's reach); enlarge the buffers");
                tiles.push_back(t);
                r0 += t.out_rows;
            }
        if (ok)
            return tiles;
        tiles.clear();
    }
    const int step = images_ok ? 1 : p.in.n;
    int nb = p.in.n / step * step;
    while (nb >= step && !fits(make(0, nb, 0, p.out.h), in_slot, out_slot, align))
        nb -= step;
    if (nb < step) {
        const tile_plan t = rows_ok ? interior(1) : make(0, step, 0, p.out.h);
        fail(p.l, "buffers",
             "the smallest tile needs " + std::to_string(t.in_bytes + t.in2_bytes) +
                 " input bytes and " + std::to_string(t.out_bytes) +
                 " output bytes; the double-buffered slots hold " + std::to_string(in_slot) +
                 " and " + std::to_string(out_slot) + " bytes (input_kb/2, output_kb/2)");
    }
    for (int n0 = 0; n0 < p.in.n; n0 += nb)
        tiles.push_back(make(n0, std::min(nb, p.in.n - n0), 0, p.out.h));
    return tiles;
}

}  // namespace

program single_layer_program(const ref::layer& l, const nn::tensor& input, const nn::tensor* second,
                             const nn::tensor* bias, const buffer_sizes& buffers,
                             const program_options& opt) {
    if (opt.align == 0 || (opt.align & (opt.align - 1)) != 0)
        fail(l, "options.align", "expected a power of two");
    const uint64_t A = opt.align;
    const bool has_w = l.op == op_kind::conv2d || l.op == op_kind::fully_connected;
    const bool has_in2 = l.op == op_kind::add || l.op == op_kind::mul;
    // Full-layer encoding: validates every field the command carries.
    const shape4 in2_shape = has_in2 && second ? second->shape() : shape4{};
    if ((has_w || has_in2) && !second)
        fail(l, has_w ? "weights" : "in2", "missing");
    if (l.has_bias != (bias != nullptr))
        fail(l, "bias", l.has_bias ? "missing (has_bias is set)" : "given but has_bias is not set");
    const nncore_cmd::encoded_layer whole =
        nncore_cmd::encode_layer(l, input.shape(), {}, opt.df, in2_shape);

    plan_input p{l,
                 input.shape(),
                 in2_shape,
                 ref::output_shape(l, input.shape()),
                 ref::input_type(l),
                 ref::activation_type(l.prec),
                 ref::output_type(l),
                 has_in2};
    check_tensor(l, "input", input, p.in_t, nullptr);
    if (has_in2)
        check_tensor(l, "in2", *second, p.in2_t, nullptr);
    if (has_w) {
        const shape4 ws =
            l.op == op_kind::conv2d
                ? shape4{l.out_channels, l.geo.kernel_h, l.geo.kernel_w, p.in.c / l.geo.groups}
                : shape4{l.out_channels, 1, 1, p.in.h * p.in.w * p.in.c};
        check_tensor(l, "weights", *second, ref::weight_type(l), &ws);
    }
    if (bias) {
        const shape4 bs{1, 1, 1, l.out_channels};
        check_tensor(l, "bias", *bias, ref::bias_type(l), &bs);
    }

    program prog;
    prog.layer_name = l.name;
    prog.out_shape = p.out;
    prog.out_type = p.out_t;

    // Local memory: input slots, weight region, output slots.
    local_layout& loc = prog.local;
    const uint64_t in_region = uint64_t{buffers.input_kb} * 1024u;
    const uint64_t w_region = uint64_t{buffers.weight_kb} * 1024u;
    const uint64_t out_region = uint64_t{buffers.output_kb} * 1024u;
    if (in_region + w_region + out_region > UINT32_MAX)
        fail(l, "buffers", "local memory larger than 4 GiB");
    loc.in_slot_bytes = static_cast<uint32_t>(in_region / 2 / A * A);
    loc.in_slot[0] = 0;
    loc.in_slot[1] = loc.in_slot_bytes;
    loc.weight_region = static_cast<uint32_t>(in_region);
    loc.weight_region_bytes = static_cast<uint32_t>(w_region);
    loc.output_region = static_cast<uint32_t>(in_region + w_region);
    loc.out_slot_bytes = static_cast<uint32_t>(out_region / 2 / A * A);
    loc.out_slot[0] = loc.output_region;
    loc.out_slot[1] = loc.output_region + loc.out_slot_bytes;

    dram_layout& d = prog.dram;
    d.input_bytes = input.bytes().size();
    d.in2_bytes = has_in2 ? second->bytes().size() : 0;
    d.weight_bytes = has_w ? second->bytes().size() : 0;
    d.weight_dense_bytes = d.weight_bytes;
    d.bias_bytes = bias ? bias->bytes().size() : 0;
    d.table_bytes = whole.table.size();
    d.output_bytes = nn::storage_bytes(p.out_t, p.out.count());

    // Constants in the weight buffer (rejected when they do not fit).
    uint64_t w_end = loc.weight_region;
    loc.weights = static_cast<uint32_t>(w_end);
    w_end = align_up(w_end + d.weight_bytes, A);
    loc.bias = static_cast<uint32_t>(w_end);
    w_end = align_up(w_end + d.bias_bytes, A);
    loc.table = static_cast<uint32_t>(w_end);
    w_end += d.table_bytes;
    if (w_end - loc.weight_region > w_region)
        fail(l, "weights",
             "weights (" + std::to_string(d.weight_bytes) + " bytes), bias (" +
                 std::to_string(d.bias_bytes) + ") and tables (" + std::to_string(d.table_bytes) +
                 ") do not fit the weight buffer of " + std::to_string(w_region) +
                 " bytes; tiling over output channels is not supported");

    prog.tiles = plan_tiles(p, loc.in_slot_bytes, loc.out_slot_bytes, A);

    // Compressed weights: the blob's staging area (weight buffer after the
    // tables, else the output buffer, which no one uses before the first
    // compute); no room keeps automatic dense and rejects an explicit format.
    weight_blob wb;
    if (has_w)
        wb = encode_weights(*second, l.out_channels, opt.weight_format);
    if (wb.format != cost::weight_format::dense) {
        const uint64_t staged = align_up(w_end, A);
        if (staged + wb.blob.size() <= uint64_t{loc.weight_region} + w_region)
            loc.weight_staging = static_cast<uint32_t>(staged);
        else if (wb.blob.size() <= out_region)
            loc.weight_staging = loc.output_region;
        else if (opt.weight_format == cost::weight_format::automatic)
            wb = weight_blob{};
        else
            fail(l, "weight_format",
                 std::string(cost::to_string(wb.format)) + " blob of " + std::to_string(wb.blob.size()) +
                     " bytes fits neither the weight buffer after the weights nor the output "
                     "buffer");
    }
    if (wb.format != cost::weight_format::dense)
        d.weight_bytes = wb.blob.size();
    prog.weight_format = wb.format;

    // DRAM image layout.
    uint64_t at = align_up(opt.dram_base, A);
    auto place = [&](uint64_t& addr, std::size_t bytes) {
        if (bytes == 0)
            return;
        addr = at;
        at = align_up(at + bytes, A);
    };
    place(d.input, d.input_bytes);
    place(d.in2, d.in2_bytes);
    place(d.weights, d.weight_bytes);
    place(d.bias, d.bias_bytes);
    place(d.table, d.table_bytes);
    place(d.output, d.output_bytes);

    // The stream.
    stream_writer w;
    if (wb.format != cost::weight_format::dense) {
        compressed_cmd z{};
        z.blob = contiguous(d.weights, loc.weight_staging, static_cast<uint32_t>(d.weight_bytes));
        z.dest_offset = loc.weights;
        z.elements = wb.shape.elements;
        z.elem_bits = static_cast<uint8_t>(wb.shape.elem_bits);
        z.format = wb.shape.format;
        z.row_len = wb.shape.row_len;
        w.load_compressed(z, tag_const);
    } else if (d.weight_bytes) {
        w.load(contiguous(d.weights, loc.weights, static_cast<uint32_t>(d.weight_bytes)),
               tag_const);
    }
    if (d.bias_bytes)
        w.load(contiguous(d.bias, loc.bias, static_cast<uint32_t>(d.bias_bytes)), tag_const);
    if (d.table_bytes)
        w.load(contiguous(d.table, loc.table, static_cast<uint32_t>(d.table_bytes)), tag_const);
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t in_image = in_row * std::size_t(p.in.h);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    const std::size_t out_image = out_row * std::size_t(p.out.h);
    auto load_tile = [&](const tile_plan& t, int slot) {
        const std::size_t first = std::size_t(t.n0) * in_image + std::size_t(t.in_row0) * in_row;
        w.load(contiguous(d.input + element_byte_offset(p.in_t, first), loc.in_slot[slot],
                          static_cast<uint32_t>(t.in_bytes)),
               tag_in[slot]);
        if (!p.has_in2)
            return;
        const std::size_t in2_row = std::size_t(p.in2.w) * std::size_t(p.in2.c);
        const std::size_t first2 = (p.in2.n == 1 ? 0 : std::size_t(t.n0) * in2_row * p.in2.h) +
                                   (p.in2.h == 1 ? 0 : std::size_t(t.out_row0) * in2_row);
        w.load(contiguous(d.in2 + element_byte_offset(p.in2_t, first2),
                          static_cast<uint32_t>(loc.in_slot[slot] + align_up(t.in_bytes, A)),
                          static_cast<uint32_t>(t.in2_bytes)),
               tag_in[slot]);
    };
    const std::size_t T = prog.tiles.size();
    load_tile(prog.tiles[0], 0);
    for (std::size_t i = 0; i < T; ++i) {
        const tile_plan& t = prog.tiles[i];
        const int s = static_cast<int>(i % 2);
        if (i + 1 < T)
            load_tile(prog.tiles[i + 1], 1 - s);
        uint16_t mask = static_cast<uint16_t>((1u << tag_in[s]) | (1u << tag_out[s]));
        if (i == 0)
            mask = static_cast<uint16_t>(mask | (1u << tag_const));
        w.barrier(mask);
        ref::layer lt = l;
        lt.geo.pad_top = windowed(l.op) ? t.pad_top : l.geo.pad_top;
        lt.geo.pad_bottom = windowed(l.op) ? t.pad_bottom : l.geo.pad_bottom;
        operand_offsets off;
        off.in = loc.in_slot[s];
        off.in2 = static_cast<uint32_t>(loc.in_slot[s] + align_up(t.in_bytes, A));
        off.out = loc.out_slot[s];
        off.weights = loc.weights;
        off.bias = loc.bias;
        off.table = loc.table;
        const shape4 in_t{t.images, t.in_rows, p.in.w, p.in.c};
        const shape4 in2_t = p.has_in2 ? in2_tile_shape(p, t.images, t.out_rows) : shape4{};
        w.compute(nncore_cmd::encode_layer(lt, in_t, off, opt.df, in2_t).cmd);
        const std::size_t ofirst =
            std::size_t(t.n0) * out_image + std::size_t(t.out_row0) * out_row;
        w.store(contiguous(d.output + element_byte_offset(p.out_t, ofirst), loc.out_slot[s],
                           static_cast<uint32_t>(t.out_bytes)),
                tag_out[s]);
    }
    w.barrier(0xffff);
    w.end();
    prog.stream = w.bytes();
    place(d.stream, prog.stream.size());
    d.stream_bytes = prog.stream.size();
    d.end = at;

    const uint64_t base = opt.dram_base;
    prog.image.assign(d.end - base, 0);
    auto copy = [&](uint64_t addr, const std::vector<uint8_t>& src) {
        std::copy(src.begin(), src.end(), prog.image.begin() + static_cast<long>(addr - base));
    };
    copy(d.input, input.bytes());
    if (has_in2)
        copy(d.in2, second->bytes());
    if (has_w)
        copy(d.weights, wb.format == cost::weight_format::dense ? second->bytes() : wb.blob);
    if (bias)
        copy(d.bias, bias->bytes());
    if (d.table_bytes)
        copy(d.table, whole.table);
    copy(d.stream, prog.stream);
    return prog;
}

nn::tensor read_output(const program& p, const std::vector<uint8_t>& image) {
    const uint64_t base = p.dram.end - p.image.size();
    const std::size_t off = static_cast<std::size_t>(p.dram.output - base);
    if (off > image.size())
        throw std::invalid_argument("read_output: image smaller than the program's layout");
    return unpack(p.out_type, p.out_shape, image.data() + off, image.size() - off);
}

}  // namespace nnvp::compiler
