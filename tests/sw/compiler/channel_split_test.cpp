// Programs over input-channel passes (sw/compiler/channel_split.h): layers
// whose weights or input rows do not fit the buffers whole run in passes
// whose partial sums stay in the output buffer; the host interpreter runs
// the stream and its output equals ref::execute of the whole layer bit for
// bit. The mapper's estimate is the sum of its passes' fold-model cycles.
#include <gtest/gtest.h>

#include <stdexcept>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "nn/cost/layer_cost.h"
#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::compiler;
using ref::act_kind;
using ref::op_kind;
using ref::precision;
using nn::shape4;

namespace {

struct operands {
    nn::tensor x, w, b;
};

operands make_operands(const ref::layer& l, shape4 in, unsigned seed) {
    std::mt19937 rng(seed);
    operands o;
    o.x = test::random_tensor(rng, ref::input_type(l), in);
    const shape4 ws = l.op == op_kind::conv2d
                          ? shape4{l.out_channels, l.geo.kernel_h, l.geo.kernel_w, in.c}
                          : shape4{l.out_channels, 1, 1, in.h * in.w * in.c};
    o.w = test::random_tensor(rng, ref::weight_type(l), ws, -7, 7);
    o.b = test::random_tensor(rng, ref::bias_type(l), {1, 1, 1, l.out_channels}, -300, 300);
    return o;
}

struct split_run {
    program prog;
    interpreter_stats stats;
};

// Compiles with channel_split, interprets, compares with the whole layer.
split_run run_split(const ref::layer& l, const operands& o, buffer_sizes buf,
                    program_options opt = {}) {
    opt.dram_base = 0x8000'0000;
    opt.channel_split = true;
    split_run r;
    r.prog = single_layer_program(l, o.x, &o.w, &o.b, buf, opt);
    std::vector<uint8_t> dram = r.prog.image;
    stream_interpreter it(dram, opt.dram_base, buf.local_bytes());
    r.stats = it.run(r.prog.stream);
    const nn::tensor got = read_output(r.prog, dram);
    const nn::tensor want = ref::execute(l, o.x, &o.w, &o.b);
    EXPECT_EQ(got.bytes(), want.bytes()) << l.name;
    return r;
}

ref::layer conv3x3(precision p, int oc) {
    ref::layer l = test::make_layer(op_kind::conv2d, p, oc, act_kind::relu, true);
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.has_bias = true;
    test::lower(l);
    return l;
}

const mapping_choice& mapping(const split_run& r) { return r.prog.mapping; }

}  // namespace

// 64 input channels of 3x3 weights for 16 outputs: 9 KiB of weights against
// a 4 KiB weight buffer, and 64-channel rows against 512-byte input slots.
TEST(channel_split, conv_passes_equal_the_whole_layer) {
    const ref::layer l = conv3x3(precision::int8, 16);
    const operands o = make_operands(l, {1, 9, 10, 64}, 1);
    EXPECT_THROW(single_layer_program(l, o.x, &o.w, &o.b, {1, 4, 4}),
                 std::invalid_argument);  // does not fit unsplit
    const split_run r = run_split(l, o, {1, 4, 4});
    const tiling_candidate& c = mapping(r).candidates[mapping(r).chosen];
    EXPECT_GT(c.passes, 1);
    EXPECT_EQ(c.passes, (64 + c.in_channels - 1) / c.in_channels);
    EXPECT_EQ(r.stats.computes, r.prog.tiles.size() * std::size_t(c.passes));
    EXPECT_EQ(r.stats.stores, r.prog.tiles.size());  // only the last pass stores
    EXPECT_EQ(r.stats.bytes_stored, r.prog.dram.output_bytes);
}

TEST(channel_split, int16_conv_and_batched_fully_connected) {
    const ref::layer c16 = conv3x3(precision::int16, 8);
    run_split(c16, make_operands(c16, {2, 6, 5, 40}, 2), {1, 4, 4});
    ref::layer fc = test::make_layer(op_kind::fully_connected, precision::int8, 24,
                                     act_kind::relu6, true);
    fc.has_bias = true;
    test::lower(fc);
    // K = 4 * 4 * 96 = 1536 bytes per image: three images do not fit a 512-byte slot.
    const split_run r = run_split(fc, make_operands(fc, {3, 4, 4, 96}, 3), {1, 4, 2});
    EXPECT_GT(mapping(r).candidates[mapping(r).chosen].passes, 1);
}

// Weights that fit the weight buffer together are loaded once; otherwise
// each pass reloads its own, double-buffered.
TEST(channel_split, resident_weights_load_once) {
    const ref::layer l = conv3x3(precision::int8, 4);
    const operands o = make_operands(l, {1, 12, 16, 48}, 4);  // 1.7 KiB of weights
    const split_run r = run_split(l, o, {1, 8, 4});
    std::size_t weight_loads = 0;
    for (const nncore_cmd::command& c :
         nncore_cmd::parse_stream(r.prog.stream.data(), r.prog.stream.size()).commands)
        if (c.op == nncore_cmd::opcode::load && c.move.dram_addr >= r.prog.dram.weights &&
            c.move.dram_addr < r.prog.dram.weights + r.prog.dram.weight_bytes)
            ++weight_loads;
    EXPECT_EQ(weight_loads, 1u);
    EXPECT_GT(r.prog.tiles.size(), 1u);
}

// With the core's parameters every group size that fits is costed and the
// cheapest kept; its estimate is the sum of its passes' fold-model cycles.
TEST(channel_split, the_mapper_keeps_the_cheapest_group_size) {
    const ref::layer l = conv3x3(precision::int8, 16);
    program_options opt;
    opt.core = cost::core_params{};
    opt.dram_bytes_per_cycle = 16;
    const operands o = make_operands(l, {1, 9, 10, 64}, 5);
    const split_run r = run_split(l, o, {1, 4, 4}, opt);
    const mapping_choice& m = mapping(r);
    ASSERT_GT(m.candidates.size(), 1u);
    const tiling_candidate& best = m.candidates[m.chosen];
    for (const tiling_candidate& c : m.candidates)
        EXPECT_GE(c.est_cycles, best.est_cycles);
    uint64_t cycles = 0;
    for (const tile_plan& t : r.prog.tiles)
        for (int g = 0; g < best.passes; ++g) {
            ref::layer lp = l;
            lp.geo.pad_top = t.pad_top;
            lp.geo.pad_bottom = t.pad_bottom;
            lp.partial_in = g > 0;
            lp.partial_out = g + 1 < best.passes;
            if (lp.partial_out) {
                lp.has_bias = false;
                lp.act = ref::activation{};
            }
            const int kc = std::min(best.in_channels, 64 - g * best.in_channels);
            cycles += cost::of_layer(lp, {1, t.in_rows, 10, kc}, opt.df, *opt.core).compute_cycles;
        }
    EXPECT_EQ(cycles, best.compute_cycles);
}

TEST(channel_split, layers_it_cannot_split_get_clear_errors) {
    program_options opt;
    opt.channel_split = true;
    ref::layer f = test::make_layer(op_kind::conv2d, precision::fp32, 4);
    f.geo.kernel_h = f.geo.kernel_w = 3;
    const operands o = make_operands(f, {1, 6, 6, 8}, 6);
    try {
        single_layer_program(f, o.x, &o.w, nullptr, {1, 4, 4}, opt);
        ADD_FAILURE() << "a float layer was split";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("channel_split"), std::string::npos) << e.what();
    }
    // One channel per pass still needs a row of the input: 4096-pixel rows do not fit.
    ref::layer wide = conv3x3(precision::int8, 2);
    const operands ow = make_operands(wide, {1, 3, 4096, 2}, 7);
    try {
        single_layer_program(wide, ow.x, &ow.w, &ow.b, {1, 4, 4}, opt);
        ADD_FAILURE() << "an impossible split was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("no split over the input channels fits"),
                  std::string::npos)
            << e.what();
    }
}
