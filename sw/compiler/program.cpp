// single_layer_program: operands checked, local memory laid out, the layer
// tiled (tiler.cpp), weights stored (dense or compressed), the DRAM image
// laid out and the double-buffered stream written.
#include "sw/compiler/program.h"

#include <algorithm>
#include <stdexcept>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "nn/ref/ops.h"
#include "nn/tensor/tensor_pack.h"
#include "sw/compiler/channel_split.h"
#include "sw/compiler/mapper.h"
#include "sw/compiler/tiler.h"

namespace nnvp::compiler {

using namespace nncore_cmd;
using detail::align_to;
using detail::fail_layer;
using detail::plan_input;
using detail::tag_const;
using detail::tag_in;
using detail::tag_out;
using nn::dtype;
using nn::shape4;
using ref::op_kind;

namespace detail {

// Local memory: two input slots, the weight region, two output slots.
local_layout lay_out_local(const ref::layer& l, const buffer_sizes& buffers, uint64_t A) {
    local_layout loc;
    const uint64_t in_region = uint64_t{buffers.input_kb} * 1024u;
    const uint64_t w_region = uint64_t{buffers.weight_kb} * 1024u;
    const uint64_t out_region = uint64_t{buffers.output_kb} * 1024u;
    if (in_region + w_region + out_region > UINT32_MAX)
        fail_layer(l, "buffers", "local memory larger than 4 GiB");
    loc.in_slot_bytes = static_cast<uint32_t>(in_region / 2 / A * A);
    loc.in_slot[0] = 0;
    loc.in_slot[1] = loc.in_slot_bytes;
    loc.weight_region = static_cast<uint32_t>(in_region);
    loc.weight_region_bytes = static_cast<uint32_t>(w_region);
    loc.output_region = static_cast<uint32_t>(in_region + w_region);
    loc.out_slot_bytes = static_cast<uint32_t>(out_region / 2 / A * A);
    loc.out_slot[0] = loc.output_region;
    loc.out_slot[1] = loc.output_region + loc.out_slot_bytes;
    return loc;
}

}  // namespace detail

namespace {


void check_tensor(const ref::layer& l, const char* what, const nn::tensor& t, dtype type,
                  const shape4* shape) {
    if (t.type() != type)
        fail_layer(l, what,
                   std::string("expected a ") + nn::to_string(type) + " tensor, got " +
                       nn::to_string(t.type()));
    if (shape && t.shape() != *shape)
        fail_layer(l, what,
                   "expected shape " + nn::to_string(*shape) + ", got " +
                       nn::to_string(t.shape()));
}

// The operands match the layer: types, the weights' and the bias' shapes.
void check_operands(const plan_input& p, const nn::tensor& input, const nn::tensor* second,
                    const nn::tensor* bias, bool has_w) {
    const ref::layer& l = p.l;
    check_tensor(l, "input", input, p.in_t, nullptr);
    if (p.has_in2)
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
}


// Weights, bias and tables one after the other in the weight buffer
// (rejected when they do not fit); returns the first byte after them.
uint64_t place_constants(const ref::layer& l, const dram_layout& d, uint64_t A,
                         local_layout& loc) {
    uint64_t w_end = loc.weight_region;
    loc.weights = static_cast<uint32_t>(w_end);
    w_end = align_to(w_end + d.weight_bytes, A);
    loc.bias = static_cast<uint32_t>(w_end);
    w_end = align_to(w_end + d.bias_bytes, A);
    loc.table = static_cast<uint32_t>(w_end);
    w_end += d.table_bytes;
    if (w_end - loc.weight_region > loc.weight_region_bytes)
        fail_layer(l, "weights",
                   "weights (" + std::to_string(d.weight_bytes) + " bytes), bias (" +
                       std::to_string(d.bias_bytes) + ") and tables (" +
                       std::to_string(d.table_bytes) + ") do not fit the weight buffer of " +
                       std::to_string(loc.weight_region_bytes) +
                       " bytes; tiling over output channels is not supported");
    return w_end;
}

// Compressed weights: the blob's staging area (weight buffer after the
// tables, else the output buffer, which no one uses before the first
// compute); no room keeps automatic dense and rejects an explicit format.
void stage_blob(const ref::layer& l, cost::weight_format asked, uint64_t w_end, uint64_t A,
                uint64_t out_region, local_layout& loc, weight_blob& wb) {
    if (wb.format == cost::weight_format::dense)
        return;
    const uint64_t staged = align_to(w_end, A);
    if (staged + wb.blob.size() <= uint64_t{loc.weight_region} + loc.weight_region_bytes)
        loc.weight_staging = static_cast<uint32_t>(staged);
    else if (wb.blob.size() <= out_region)
        loc.weight_staging = loc.output_region;
    else if (asked == cost::weight_format::automatic)
        wb = weight_blob{};
    else
        fail_layer(l, "weight_format",
                   std::string(cost::to_string(wb.format)) + " blob of " +
                       std::to_string(wb.blob.size()) +
                       " bytes fits neither the weight buffer after the weights nor the output "
                       "buffer");
}

// LOAD of the constants (tag 0): the weights dense or as a LOAD_COMPRESSED.
void load_constants(const program& prog, const weight_blob& wb, stream_writer& w) {
    const dram_layout& d = prog.dram;
    const local_layout& loc = prog.local;
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
}

// A tile's rows (of `pixels_per_row` pixels of `channels` channels) from a
// tensor whose rows are `row_pixels` pixels: one move of the whole block when
// the tile spans whole rows, else one row per block row.
nncore_cmd::move_cmd block_move(dtype t, const shape4& whole, int n0, int images, int row0,
                                int rows, int col0, int cols, uint64_t dram, uint32_t local) {
    const std::size_t row = std::size_t(whole.w) * std::size_t(whole.c);
    const std::size_t first = (std::size_t(n0) * std::size_t(whole.h) + std::size_t(row0)) * row +
                              std::size_t(col0) * std::size_t(whole.c);
    const uint64_t at = dram + element_byte_offset(t, first);
    if (cols == whole.w)
        return contiguous(at, local,
                          static_cast<uint32_t>(nn::storage_bytes(
                              t, std::size_t(images) * std::size_t(rows) * row)));
    const auto len = static_cast<uint32_t>(nn::storage_bytes(t, std::size_t(cols) * std::size_t(whole.c)));
    move_cmd m = contiguous(at, local, len);  // column blocks: one image at a time
    m.count1 = static_cast<uint32_t>(rows);
    m.dram_stride1 = static_cast<uint32_t>(nn::storage_bytes(t, row));
    m.local_stride1 = len;
    return m;
}

// LOAD of a tile's input block (and its part of the second operand) into `slot`.
void load_tile(const plan_input& p, const program& prog, const tile_plan& t, int slot,
               uint64_t A, stream_writer& w) {
    const dram_layout& d = prog.dram;
    const uint32_t at = prog.local.in_slot[slot];
    w.load(block_move(p.in_t, p.in, t.n0, t.images, t.in_row0, t.in_rows, t.in_col0, t.in_cols,
                      d.input, at),
           tag_in[slot]);
    if (!p.has_in2)
        return;
    const std::size_t in2_row = std::size_t(p.in2.w) * std::size_t(p.in2.c);
    const std::size_t first2 = (p.in2.n == 1 ? 0 : std::size_t(t.n0) * in2_row * p.in2.h) +
                               (p.in2.h == 1 ? 0 : std::size_t(t.out_row0) * in2_row);
    w.load(contiguous(d.in2 + element_byte_offset(p.in2_t, first2),
                      static_cast<uint32_t>(at + align_to(t.in_bytes, A)),
                      static_cast<uint32_t>(t.in2_bytes)),
           tag_in[slot]);
}

// Tile i in slot s: wait for its loads (and the store that last used the
// slot), compute with the tile's own edge padding, store its rows.
void compute_tile(const plan_input& p, const program& prog, std::size_t i,
                  const program_options& opt, stream_writer& w) {
    const tile_plan& t = prog.tiles[i];
    const int s = static_cast<int>(i % 2);
    const local_layout& loc = prog.local;
    uint16_t mask = static_cast<uint16_t>((1u << tag_in[s]) | (1u << tag_out[s]));
    if (i == 0)
        mask = static_cast<uint16_t>(mask | (1u << tag_const));
    w.barrier(mask);
    operand_offsets off;
    off.in = loc.in_slot[s];
    off.in2 = static_cast<uint32_t>(loc.in_slot[s] + align_to(t.in_bytes, opt.align));
    off.out = loc.out_slot[s];
    off.weights = loc.weights;
    off.bias = loc.bias;
    off.table = loc.table;
    const shape4 in2_t = p.has_in2 ? detail::in2_tile_shape(p, t.images, t.out_rows) : shape4{};
    w.compute(encode_layer(detail::tile_layer(p, t), detail::tile_input_shape(p, t), off, opt.df,
                           in2_t)
                  .cmd);
    w.store(block_move(p.out_t, p.out, t.n0, t.images, t.out_row0, t.out_rows, t.out_col0,
                       t.out_cols, prog.dram.output, loc.out_slot[s]),
            tag_out[s]);
}

// The stream: constants, then tile i+1 loading while tile i computes.
std::vector<uint8_t> write_stream(const plan_input& p, const program& prog, const weight_blob& wb,
                                  const program_options& opt) {
    stream_writer w;
    load_constants(prog, wb, w);
    const std::size_t T = prog.tiles.size();
    load_tile(p, prog, prog.tiles[0], 0, opt.align, w);
    for (std::size_t i = 0; i < T; ++i) {
        if (i + 1 < T)
            load_tile(p, prog, prog.tiles[i + 1], 1 - static_cast<int>(i % 2), opt.align, w);
        compute_tile(p, prog, i, opt, w);
    }
    w.barrier(0xffff);
    w.end();
    return w.bytes();
}

// The program's DRAM image: every operand, the table and the stream where
// the layout put them.
void fill_image(program& prog, uint64_t base, const nn::tensor& input, const nn::tensor* in2,
                const std::vector<uint8_t>* weights, const nn::tensor* bias,
                const std::vector<uint8_t>& table) {
    const dram_layout& d = prog.dram;
    prog.image.assign(d.end - base, 0);
    auto copy = [&](uint64_t addr, const std::vector<uint8_t>& src) {
        std::copy(src.begin(), src.end(), prog.image.begin() + static_cast<long>(addr - base));
    };
    copy(d.input, input.bytes());
    if (in2 && in2->has_values())
        copy(d.in2, in2->bytes());
    if (weights)
        copy(d.weights, *weights);
    if (bias)
        copy(d.bias, bias->bytes());
    if (d.table_bytes)
        copy(d.table, table);
    copy(d.stream, prog.stream);
}

}  // namespace

program single_layer_program(const ref::layer& l, const nn::tensor& input, const nn::tensor* second,
                             const nn::tensor* bias, const buffer_sizes& buffers,
                             const program_options& opt) {
    if (opt.align == 0 || (opt.align & (opt.align - 1)) != 0)
        fail_layer(l, "options.align", "expected a power of two");
    const uint64_t A = opt.align;
    const bool has_w = l.op == op_kind::conv2d || l.op == op_kind::fully_connected;
    const bool has_in2 = ref::is_eltwise(l.op);
    // Full-layer encoding: validates every field the command carries.
    const shape4 in2_shape = has_in2 && second ? second->shape() : shape4{};
    if ((has_w || has_in2) && !second)
        fail_layer(l, has_w ? "weights" : "in2", "missing");
    if (l.has_bias != (bias != nullptr))
        fail_layer(l, "bias",
                   l.has_bias ? "missing (has_bias is set)" : "given but has_bias is not set");
    const encoded_layer whole = encode_layer(l, input.shape(), {}, opt.df, in2_shape);
    const plan_input p{l,
                       input.shape(),
                       in2_shape,
                       ref::output_shape(l, input.shape()),
                       ref::input_type(l),
                       ref::activation_type(l.prec),
                       ref::output_type(l),
                       has_in2};
    check_operands(p, input, second, bias, has_w);
    if (opt.channel_split) {
        if (!has_w || !detail::channel_splittable(l, opt))
            fail_layer(l, "channel_split",
                       "only an INT8 / INT16 conv2d with one group or fully_connected with dense "
                       "weights can be split over its input channels");
        return detail::channel_split_program(l, input, *second, bias, buffers, opt);
    }

    program prog;
    prog.layer_name = l.name;
    prog.out_shape = p.out;
    prog.out_type = p.out_t;
    prog.local = detail::lay_out_local(l, buffers, A);
    dram_layout& d = prog.dram;
    d.input_bytes = input.byte_size();
    d.in2_bytes = has_in2 ? second->byte_size() : 0;
    d.weight_bytes = has_w ? second->byte_size() : 0;  // with values or without (timing)
    d.weight_dense_bytes = d.weight_bytes;
    d.bias_bytes = bias ? bias->byte_size() : 0;
    d.table_bytes = whole.table.size();
    d.output_bytes = nn::storage_bytes(p.out_t, p.out.count());
    const uint64_t w_end = place_constants(l, d, A, prog.local);
    prog.tiles = detail::map_layer(p, {prog.local.in_slot_bytes, prog.local.out_slot_bytes, A},
                                   opt, prog.mapping);
    weight_blob wb;
    if (has_w)
        wb = encode_weights(*second, l.out_channels, opt.weight_format);
    stage_blob(l, opt.weight_format, w_end, A, uint64_t{buffers.output_kb} * 1024u, prog.local,
               wb);
    if (wb.format != cost::weight_format::dense)
        d.weight_bytes = wb.blob.size();
    prog.weight_format = wb.format;

    // DRAM image: operands, output, then the stream.
    detail::dram_placer place = detail::place_operands(d, opt.dram_base, A);
    prog.stream = write_stream(p, prog, wb, opt);
    place(d.stream, prog.stream.size());
    d.stream_bytes = prog.stream.size();
    d.end = place.at;
    fill_image(prog, opt.dram_base, input, has_in2 ? second : nullptr,
               !has_w                                  ? nullptr
               : wb.format != cost::weight_format::dense ? &wb.blob
               : second->has_values()                  ? &second->bytes()
                                                       : nullptr,  // timing: no values
               bias, whole.table);
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
