// single_layer_program: the host interpreter runs the generated stream
// (loads, stores, barriers, tiled computes through to_layer) and its output
// must equal ref::execute of the whole layer bit for bit. Buffers are made
// small on purpose so that layers split into many tiles with halos.
#include <gtest/gtest.h>

#include <stdexcept>

#include "arch/nncore/stream.h"
#include "nn/cost/layer_cost.h"
#include "sw/compiler/mapper.h"
#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::compiler;
using namespace nnvp::nncore_cmd;
using ref::act_kind;
using ref::op_kind;
using ref::precision;
using nn::shape4;

namespace {

// Random operands of the types `l` expects, then the program check.
test::program_run check(const ref::layer& l, shape4 in, buffer_sizes buf, unsigned seed,
                        shape4 in2 = {1, 1, 1, 1}) {
    std::mt19937 rng(seed);
    const nn::tensor x = test::random_tensor(rng, ref::input_type(l), in);
    nn::tensor second, bias;
    const bool w = l.op == op_kind::conv2d || l.op == op_kind::fully_connected;
    if (w) {
        const shape4 ws =
            l.op == op_kind::conv2d
                ? shape4{l.out_channels, l.geo.kernel_h, l.geo.kernel_w, in.c / l.geo.groups}
                : shape4{l.out_channels, 1, 1, in.h * in.w * in.c};
        second = test::random_tensor(rng, ref::weight_type(l), ws, -7, 7);
    } else if (l.op == op_kind::add || l.op == op_kind::mul) {
        second = test::random_tensor(rng, ref::activation_type(l.prec), in2);
    }
    if (l.has_bias)
        bias = test::random_tensor(rng, ref::bias_type(l), {1, 1, 1, l.out_channels}, -300, 300);
    const bool has_second = w || l.op == op_kind::add || l.op == op_kind::mul;
    test::program_run r = test::run_and_compare(l, x, has_second ? &second : nullptr,
                                                l.has_bias ? &bias : nullptr, buf);
    // Every tile fits its double-buffered slots.
    const local_layout& loc = r.prog.local;
    for (const tile_plan& t : r.prog.tiles) {
        EXPECT_LE((t.in_bytes + 63) / 64 * 64 + t.in2_bytes, loc.in_slot_bytes);
        EXPECT_LE(t.out_bytes, loc.out_slot_bytes);
    }
    EXPECT_EQ(r.stats.computes, r.prog.tiles.size());
    EXPECT_EQ(r.stats.stores, r.prog.tiles.size());
    EXPECT_EQ(r.stats.bytes_stored, r.prog.dram.output_bytes);
    return r;
}

ref::layer conv(precision p, int k, int oc, int stride, int pad, act_kind a = act_kind::none,
                bool per_channel = false) {
    ref::layer l = test::make_layer(op_kind::conv2d, p, oc, a, per_channel);
    l.geo.kernel_h = l.geo.kernel_w = k;
    l.geo.stride_h = l.geo.stride_w = stride;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = pad;
    l.has_bias = true;
    test::lower(l);
    return l;
}

const buffer_sizes tiny{1, 4, 1};  // 512-byte input and output slots

}  // namespace

TEST(single_layer_program, conv3x3_pad1_stride1_int8_tiles_with_halos) {
    const ref::layer l = conv(precision::int8, 3, 8, 1, 1, act_kind::relu, true);
    const auto r = check(l, {1, 20, 16, 8}, tiny, 1);
    // 128-byte input rows: 4 per slot -> 2 output rows per tile (2 + halo 2).
    ASSERT_EQ(r.prog.tiles.size(), 10u);
    EXPECT_EQ(r.prog.tiles[0].in_row0, 0);
    EXPECT_EQ(r.prog.tiles[0].in_rows, 3);
    EXPECT_EQ(r.prog.tiles[0].pad_top, 1);
    EXPECT_EQ(r.prog.tiles[1].in_row0, 1);
    EXPECT_EQ(r.prog.tiles[1].in_rows, 4);
    EXPECT_EQ(r.prog.tiles[1].pad_top, 0);
    EXPECT_EQ(r.prog.tiles[9].pad_bottom, 1);
    EXPECT_GE(r.stats.max_pending, 2u);  // a load in flight while the previous tile stores
}

TEST(single_layer_program, conv3x3_stride2_fp32_fp16_int16) {
    check(conv(precision::fp32, 3, 4, 2, 1), {1, 17, 9, 4}, tiny, 2);
    check(conv(precision::fp16, 3, 4, 2, 1, act_kind::relu6), {1, 15, 8, 6}, tiny, 3);
    check(conv(precision::int16, 3, 4, 2, 1, act_kind::clip, true), {1, 13, 7, 4}, tiny, 4);
}

TEST(single_layer_program, conv1x1_int4_and_batch) {
    const auto r =
        check(conv(precision::int4, 1, 6, 1, 0, act_kind::none, true), {2, 30, 10, 8}, tiny, 5);
    // 40-byte input rows, 12 per slot: 3 tiles of up to 12 rows per image.
    EXPECT_EQ(r.prog.tiles.size(), 6u);
    EXPECT_EQ(r.prog.tiles.back().n0, 1);
}

TEST(single_layer_program, depthwise_and_dilation) {
    ref::layer dw = test::make_layer(op_kind::conv2d, precision::int8, 8, act_kind::sigmoid);
    dw.geo.kernel_h = dw.geo.kernel_w = 3;
    dw.geo.groups = 8;
    dw.geo.pad_top = dw.geo.pad_bottom = dw.geo.pad_left = dw.geo.pad_right = 1;
    test::lower(dw);
    check(dw, {1, 19, 12, 8}, tiny, 6);
    ref::layer dil = conv(precision::int8, 3, 4, 1, 2, act_kind::leaky_relu, true);
    dil.geo.dilation_h = dil.geo.dilation_w = 2;
    dil.geo.pad_bottom = 1;  // asymmetric
    const auto r = check(dil, {1, 21, 16, 4}, tiny, 7);
    EXPECT_GT(r.prog.tiles.size(), 3u);
    ref::layer strided = conv(precision::fp32, 2, 3, 3, 0);  // stride > kernel: skipped rows
    check(strided, {1, 23, 7, 2}, tiny, 8);
}

TEST(single_layer_program, binary_conv_both_scales) {
    ref::layer a = test::make_layer(op_kind::conv2d, precision::binary, 5, act_kind::relu);
    a.geo.kernel_h = a.geo.kernel_w = 3;
    a.geo.pad_top = a.geo.pad_bottom = a.geo.pad_left = a.geo.pad_right = 1;
    a.binary_input = true;
    a.has_bias = true;
    check(a, {1, 12, 8, 16}, {1, 4, 1}, 9);
    ref::layer b = test::make_layer(op_kind::conv2d, precision::binary, 8);
    b.geo.kernel_h = b.geo.kernel_w = 3;
    b.bin_scale = ref::binary_scale::fixed;
    b.binary_output = true;
    b.has_bias = true;
    test::lower(b);
    check(b, {1, 14, 9, 4}, tiny, 10);
}

TEST(single_layer_program, fully_connected_tiles_over_batch_rows) {
    ref::layer l =
        test::make_layer(op_kind::fully_connected, precision::int8, 10, act_kind::tanh, true);
    l.has_bias = true;
    test::lower(l);
    const auto r = check(l, {7, 3, 4, 10}, {1, 4, 1}, 11);  // 120-byte rows: 4 per slot
    ASSERT_EQ(r.prog.tiles.size(), 2u);
    EXPECT_EQ(r.prog.tiles[0].images, 4);
    EXPECT_EQ(r.prog.tiles[1].images, 3);
    ref::layer f = test::make_layer(op_kind::fully_connected, precision::fp32, 3);
    check(f, {3, 1, 1, 40}, tiny, 12);
}

TEST(single_layer_program, pooling) {
    for (bool include_pad : {false, true}) {
        ref::layer l = test::make_layer(op_kind::avg_pool, precision::int8);
        l.geo.kernel_h = l.geo.kernel_w = 3;
        l.geo.stride_h = l.geo.stride_w = 2;
        l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
        l.count_include_pad = include_pad;
        test::lower(l);
        check(l, {1, 25, 8, 16}, tiny, 13);
    }
    ref::layer m = test::make_layer(op_kind::max_pool, precision::fp16);
    m.geo.kernel_h = m.geo.kernel_w = 2;
    m.geo.stride_h = m.geo.stride_w = 2;
    check(m, {2, 16, 8, 8}, tiny, 14);
    ref::layer g = test::make_layer(op_kind::global_avg_pool, precision::fp32);
    check(g, {3, 4, 4, 8}, tiny, 15);
    ref::layer gm = test::make_layer(op_kind::global_max_pool, precision::int4, 1, act_kind::relu);
    test::lower(gm);
    check(gm, {3, 5, 5, 6}, tiny, 16);
}

TEST(single_layer_program, add_mul_activation) {
    ref::layer add = test::make_layer(op_kind::add, precision::int8, 1, act_kind::relu);
    test::lower(add);
    check(add, {2, 12, 8, 16}, tiny, 17, {2, 12, 8, 16});
    check(add, {1, 12, 8, 16}, tiny, 18, {1, 1, 8, 16});  // broadcast row
    check(add, {2, 6, 4, 8}, tiny, 19, {1, 6, 1, 8});     // broadcast image and column
    ref::layer mul = test::make_layer(op_kind::mul, precision::fp16);
    check(mul, {1, 9, 8, 8}, tiny, 20, {1, 9, 8, 1});
    ref::layer act = test::make_layer(op_kind::activation, precision::int4, 1, act_kind::tanh);
    test::lower(act);
    check(act, {1, 10, 6, 10}, tiny, 21);
    ref::layer i16 = test::make_layer(op_kind::add, precision::int16, 1, act_kind::relu6);
    test::lower(i16);
    check(i16, {1, 7, 5, 9}, tiny, 22, {1, 7, 5, 9});
}

TEST(single_layer_program, sub_byte_rows_fall_back_to_whole_images) {
    // int4 rows of 9*3 = 27 elements do not fill whole bytes: whole images.
    const ref::layer l = conv(precision::int4, 3, 2, 1, 1);
    const auto r = check(l, {3, 20, 9, 3}, tiny, 23);
    // A 540-element image is 270 bytes: one image per 512-byte slot.
    ASSERT_EQ(r.prog.tiles.size(), 3u);
    EXPECT_EQ(r.prog.tiles[0].out_rows, 20);
    EXPECT_EQ(r.prog.tiles[2].n0, 2);
    // Images of 45 elements (22.5 bytes): the whole batch as one tile.
    const auto s = check(l, {3, 5, 3, 3}, tiny, 24);
    ASSERT_EQ(s.prog.tiles.size(), 1u);
    EXPECT_EQ(s.prog.tiles[0].images, 3);
}

TEST(single_layer_program, dram_layout_and_stream_shape) {
    const ref::layer l = conv(precision::int8, 3, 8, 1, 1);
    std::mt19937 rng(25);
    const nn::tensor x = test::random_tensor(rng, nn::dtype::int8, {1, 8, 16, 8});
    const nn::tensor w = test::random_tensor(rng, nn::dtype::int8, {8, 3, 3, 8});
    const nn::tensor b = test::random_tensor(rng, nn::dtype::int32, {1, 1, 1, 8});
    program_options opt;
    opt.dram_base = 0x8000'0010;  // not aligned: areas start at the next 64 bytes
    const program p = single_layer_program(l, x, &w, &b, tiny, opt);
    EXPECT_EQ(p.dram.input, 0x8000'0040u);
    EXPECT_EQ(p.dram.weights, p.dram.input + 1024);
    EXPECT_EQ(p.dram.bias, p.dram.weights + 576);
    EXPECT_EQ(p.dram.output, p.dram.bias + 64);
    EXPECT_EQ(p.dram.stream % 64, 0u);
    EXPECT_EQ(p.dram.end - opt.dram_base, p.image.size());
    const parsed_stream s = parse_stream(p.stream.data(), p.stream.size());
    // LOAD w, LOAD b, LOAD t0, then per tile [LOAD next], BARRIER, COMPUTE, STORE.
    using nncore_cmd::opcode;
    ASSERT_GE(s.commands.size(), 8u);
    EXPECT_EQ(s.commands[0].op, opcode::load);
    EXPECT_EQ(s.commands[0].tag, 0);
    EXPECT_EQ(s.commands[2].op, opcode::load);
    EXPECT_EQ(s.commands[2].tag, 1);
    EXPECT_EQ(s.commands[3].op, opcode::load);  // tile 1 before tile 0's compute
    EXPECT_EQ(s.commands[3].tag, 2);
    EXPECT_EQ(s.commands[4].op, opcode::barrier);
    EXPECT_EQ(s.commands[4].barrier_mask, 0b01011);  // tags 0 (constants), 1 (in), 3 (out)
    EXPECT_EQ(s.commands[5].op, opcode::conv2d);
    EXPECT_EQ(s.commands[6].op, opcode::store);
    EXPECT_EQ(s.commands[6].tag, 3);
    EXPECT_EQ(s.commands[s.commands.size() - 2].op, opcode::barrier);
    EXPECT_EQ(s.commands.back().op, opcode::end);
    // The stream in the image equals the stream.
    const std::size_t at = static_cast<std::size_t>(p.dram.stream - opt.dram_base);
    EXPECT_TRUE(std::equal(p.stream.begin(), p.stream.end(), p.image.begin() + long(at)));
}

TEST(single_layer_program, too_big_layers_get_clear_errors) {
    auto expect_error = [](const ref::layer& l, shape4 in, buffer_sizes buf, const char* what) {
        std::mt19937 rng(26);
        const nn::tensor x = test::random_tensor(rng, ref::input_type(l), in);
        const nn::tensor w = test::random_tensor(
            rng, ref::weight_type(l), {l.out_channels, l.geo.kernel_h, l.geo.kernel_w, in.c});
        const nn::tensor b = test::random_tensor(rng, ref::bias_type(l), {1, 1, 1, l.out_channels});
        try {
            single_layer_program(l, x, &w, &b, buf);
            ADD_FAILURE() << "accepted, expected: " << what;
        } catch (const std::invalid_argument& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("layer '" + l.name + "'"), std::string::npos) << m;
            EXPECT_NE(m.find(what), std::string::npos) << m;
        }
    };
    // 64 x 3 x 3 x 64 int8 weights = 36 KiB > 16 KiB.
    expect_error(conv(precision::int8, 3, 64, 1, 1), {1, 8, 8, 64}, {64, 16, 64}, "weight buffer");
    // One output pixel needs a 3 x 3 window of 512 channels (4.5 KiB): more
    // than a 1 KiB slot, even in one-column blocks.
    expect_error(conv(precision::int8, 3, 4, 1, 1), {1, 8, 8, 512}, {2, 64, 64}, "buffers");
    // One fp32 input pixel of 1024 channels (4 KiB) in 2 KiB slots.
    expect_error(conv(precision::fp32, 1, 2, 1, 0), {1, 4, 16, 1024}, {4, 16, 4}, "buffers");
    // Wrong operand type.
    ref::layer l = conv(precision::int8, 3, 4, 1, 1);
    std::mt19937 rng(27);
    const nn::tensor x = test::random_tensor(rng, nn::dtype::fp32, {1, 4, 4, 4});
    const nn::tensor w = test::random_tensor(rng, nn::dtype::int8, {4, 3, 3, 4});
    const nn::tensor b = test::random_tensor(rng, nn::dtype::int32, {1, 1, 1, 4});
    EXPECT_THROW(single_layer_program(l, x, &w, &b, tiny), std::invalid_argument);
    EXPECT_THROW(single_layer_program(l, x, &w, nullptr, tiny), std::invalid_argument);
}

// Three input rows of 1 KiB do not fit a 1 KiB slot: the tiler cuts the
// output into blocks of columns (each block row one strided LOAD / STORE),
// with the padding of the edge blocks, bit for bit.
TEST(single_layer_program, column_blocks_let_wide_rows_fit) {
    const ref::layer l = conv(precision::int8, 3, 8, 1, 1, act_kind::relu, true);
    const auto r = check(l, {1, 8, 128, 8}, {2, 16, 2}, 31);
    // Whole rows need 3 x 1 KiB; blocks of 64 and 43 columns need 3 x 66 x 8
    // = 1584 and 3 x 45 x 8 = 1080 bytes; 32 columns need 3 x 34 x 8 = 816
    // (2 rows: 4 x 34 x 8 = 1088): 8 bands of 4 blocks of 1 row.
    ASSERT_EQ(r.prog.tiles.size(), 32u);
    const tile_plan& first = r.prog.tiles.front();
    const tile_plan& last = r.prog.tiles.back();
    EXPECT_EQ(first.out_cols, 32);
    EXPECT_EQ(first.out_rows, 1);
    EXPECT_EQ(first.out_col0, 0);
    EXPECT_EQ(first.in_col0, 0);
    EXPECT_EQ(first.pad_left, 1);
    EXPECT_EQ(first.pad_right, 0);
    EXPECT_EQ(first.in_cols, first.out_cols + 1);
    EXPECT_EQ(last.out_col0 + last.out_cols, 128);
    EXPECT_EQ(last.pad_right, 1);
    EXPECT_EQ(last.in_col0 + last.in_cols, 128);
    EXPECT_EQ(r.prog.mapping.objective, "largest");
    // Every input pixel of every band is loaded, halo columns twice.
    EXPECT_GT(r.stats.bytes_loaded, std::size_t{8} * 128 * 8);
}

TEST(single_layer_program, column_blocks_with_stride_dilation_and_pools) {
    ref::layer s2 = conv(precision::fp32, 3, 4, 2, 1);
    check(s2, {1, 9, 61, 4}, {2, 16, 2}, 32);  // 976-byte fp32 input rows
    ref::layer dil = conv(precision::int16, 3, 4, 1, 2);
    dil.geo.dilation_h = dil.geo.dilation_w = 2;
    check(dil, {1, 7, 90, 4}, {2, 16, 2}, 33);
    ref::layer pool = test::make_layer(op_kind::max_pool, precision::int8, 16);
    pool.geo.kernel_h = pool.geo.kernel_w = 3;
    pool.geo.stride_h = pool.geo.stride_w = 2;
    pool.geo.pad_top = pool.geo.pad_bottom = pool.geo.pad_left = pool.geo.pad_right = 1;
    test::lower(pool);
    const auto r = check(pool, {1, 6, 100, 16}, {2, 16, 2}, 34);
    EXPECT_LT(r.prog.tiles.front().out_cols, 50);
}

// With the core's parameters the mapper costs every tiling that fits and
// keeps the one with the fewest estimated cycles.
TEST(single_layer_program, the_mapper_keeps_the_cheapest_tiling) {
    const ref::layer l = conv(precision::int8, 3, 16, 1, 1);
    std::mt19937 rng(35);
    const nn::tensor x = test::random_tensor(rng, nn::dtype::int8, {1, 30, 60, 16});
    const nn::tensor w = test::random_tensor(rng, nn::dtype::int8, {16, 3, 3, 16});
    const nn::tensor b = test::random_tensor(rng, nn::dtype::int32, {1, 1, 1, 16});
    program_options opt;
    opt.core = cost::core_params{};
    opt.dram_bytes_per_cycle = 16;
    const program p = single_layer_program(l, x, &w, &b, {8, 16, 8}, opt);
    const mapping_choice& m = p.mapping;
    EXPECT_EQ(m.objective, "cycles");
    ASSERT_GT(m.candidates.size(), 1u);
    for (const tiling_candidate& c : m.candidates) {
        EXPECT_GE(c.est_cycles, m.candidates[m.chosen].est_cycles);
        EXPECT_GE(c.est_cycles, c.compute_cycles);
        EXPECT_GT(c.dram_bytes, 0u);
    }
    EXPECT_EQ(p.tiles.size(), m.candidates[m.chosen].tiles);
    // The whole-row tiling comes first; the others are column blocks.
    EXPECT_EQ(m.candidates[0].cols, 60);
    EXPECT_LT(m.candidates[1].cols, 60);
    // The estimate is the sum of its tiles' fold-model cycles.
    uint64_t cycles = 0;
    for (const tile_plan& t : p.tiles) {
        ref::layer lt = l;
        lt.geo.pad_top = t.pad_top;
        lt.geo.pad_bottom = t.pad_bottom;
        lt.geo.pad_left = t.pad_left;
        lt.geo.pad_right = t.pad_right;
        cycles += cost::of_layer(lt, {1, t.in_rows, t.in_cols, 16}, cost::dataflow::automatic,
                                 *opt.core)
                      .compute_cycles;
    }
    EXPECT_EQ(cycles, m.candidates[m.chosen].compute_cycles);
}

// edp keeps the tiling with the least energy x estimated cycles.
TEST(single_layer_program, the_mapper_minimises_energy_delay_when_asked) {
    const ref::layer l = conv(precision::int8, 3, 16, 1, 1);
    std::mt19937 rng(36);
    const nn::tensor x = test::random_tensor(rng, nn::dtype::int8, {1, 30, 60, 16});
    const nn::tensor w = test::random_tensor(rng, nn::dtype::int8, {16, 3, 3, 16});
    const nn::tensor b = test::random_tensor(rng, nn::dtype::int32, {1, 1, 1, 16});
    program_options opt;
    opt.core = cost::core_params{};
    opt.core->auto_objective = cost::objective::edp;
    opt.dram_bytes_per_cycle = 16;
    opt.dram_pj_per_byte = 160;
    const mapping_choice m = single_layer_program(l, x, &w, &b, {8, 16, 8}, opt).mapping;
    EXPECT_EQ(m.objective, "edp");
    ASSERT_GT(m.candidates.size(), 1u);
    const tiling_candidate& best = m.candidates[m.chosen];
    for (const tiling_candidate& c : m.candidates)
        EXPECT_GE(c.energy_j * double(c.est_cycles), best.energy_j * double(best.est_cycles));
}

// A move's DMA time: its bytes over the bandwidth, or its bursts (one per
// row at most burst_bytes long) at the latency over the bursts in flight.
TEST(single_layer_program, short_rows_are_latency_bound_in_the_estimate) {
    program_options opt;
    opt.dram_bytes_per_cycle = 16;
    opt.dram_burst_bytes = 256;
    opt.dram_burst_cycles = 12.5;
    EXPECT_EQ(detail::transfer_cycles(1, 4096, opt), 256u);    // 16 bursts: 200 cycles < 256
    EXPECT_EQ(detail::transfer_cycles(100, 32, opt), 1250u);   // 100 bursts of 32 bytes
    EXPECT_EQ(detail::transfer_cycles(10, 300, opt), 250u);    // 2 bursts a row
    opt.dram_burst_cycles = 0;
    EXPECT_EQ(detail::transfer_cycles(100, 32, opt), 200u);
    opt.dram_bytes_per_cycle = 0;  // no DRAM model: compute time only
    EXPECT_EQ(detail::transfer_cycles(100, 32, opt), 0u);
}
