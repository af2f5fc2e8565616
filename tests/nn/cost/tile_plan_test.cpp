// Tiling: every tile fits half of each buffer, tiles cover the output exactly
// once, halos are right; plus compressed weight bytes.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "nn/cost/layer_cost.h"
#include "nn/ref/ops.h"
#include "tests/nn/cost/timing_test_util.h"

using namespace nnvp;
using namespace nnvp::nncore;
using nnvp::nncore::test::conv;
using nnvp::nncore::test::fc;
using nnvp::nncore::test::simple;
using ref::op_kind;
using ref::precision;

namespace {

// Checks budgets and exact-once coverage of the output grid [N][Eh][Ew][O]
// (fully_connected: [1][N][1][O]), and that tile MACs add up to the layer's.
void check_plan(const ref::layer& l, sw::shape4 in, const core_params& p) {
    const tile_plan plan = plan_tiles(l, in, p);
    ASSERT_TRUE(plan.ok()) << plan.error;
    const layer_cost lc = cost(l, in, dataflow::automatic, p);
    sw::shape4 out = ref::output_shape(l, in);
    if (l.op == op_kind::fully_connected)
        out = sw::shape4{1, in.n, 1, l.out_channels};
    std::vector<int> seen(out.count(), 0);
    uint64_t macs = 0, cycles = 0;
    for (const tile& t : plan.tiles) {
        ASSERT_LE(t.input_bytes, plan.input_budget);
        ASSERT_LE(t.weight_bytes, plan.weight_budget);
        ASSERT_LE(t.psum_bytes, plan.output_budget);
        ASSERT_GT(t.oh_count * t.ow_count * t.oc_count, 0u);
        ASSERT_GT(t.input_bytes, 0u);
        for (uint64_t h = t.oh0; h < t.oh0 + t.oh_count; ++h)
            for (uint64_t w = t.ow0; w < t.ow0 + t.ow_count; ++w)
                for (uint64_t c = t.oc0; c < t.oc0 + t.oc_count; ++c)
                    ++seen[((t.n * out.h + h) * out.w + w) * out.c + c];
        macs += t.macs;
        cycles += t.compute_cycles;
    }
    for (int s : seen)
        ASSERT_EQ(s, 1);
    EXPECT_EQ(macs, lc.macs);
    EXPECT_EQ(cycles, plan.compute_cycles);
    EXPECT_EQ(plan.flow, lc.flow);
}

}  // namespace

// ResNet-50 3x3 56x56x64 -> 64 fp32 with the default 128/128/64 KiB buffers:
// a filter is 576 * 4 = 2304 B, so 32768 / 2304 -> 28 filters per tile
// (ranges 28, 28, 8). Two output rows read 4 input rows * 56 * 64 * 4 =
// 57344 B <= 65536 (three would need 71680); their 2 * 56 * 28 * 4 = 12544 B
// of partial sums fit 32768. 3 ranges * 28 row pairs = 84 tiles.
TEST(tile_plan, resnet50_conv3x3_by_hand) {
    const core_params p;
    const sw::shape4 in{1, 56, 56, 64};
    const tile_plan plan = plan_tiles(conv(3, 1, 1, 64), in, p);
    ASSERT_TRUE(plan.ok()) << plan.error;
    EXPECT_EQ(plan.weight_budget, 65536u);
    EXPECT_EQ(plan.input_budget, 65536u);
    EXPECT_EQ(plan.output_budget, 32768u);
    ASSERT_EQ(plan.tiles.size(), 84u);
    const tile& t0 = plan.tiles[0];
    EXPECT_EQ(t0.oh0, 0u);
    EXPECT_EQ(t0.oh_count, 2u);
    EXPECT_EQ(t0.ow_count, 56u);
    EXPECT_EQ(t0.oc_count, 28u);
    EXPECT_EQ(t0.ih0, 0u);
    EXPECT_EQ(t0.ih_count, 3u);  // rows -1..2, the padding row is not stored
    EXPECT_EQ(t0.ic_count, 64u);
    EXPECT_EQ(t0.input_bytes, 3u * 56 * 64 * 4);
    EXPECT_EQ(t0.weight_bytes, 28u * 576 * 4);
    EXPECT_EQ(t0.output_bytes, 2u * 56 * 28 * 4);
    EXPECT_FALSE(t0.weights_reused);
    EXPECT_TRUE(plan.tiles[1].weights_reused);
    EXPECT_EQ(plan.tiles[1].ih0, 1u);  // output rows 2, 3 read input rows 1..4
    EXPECT_EQ(plan.tiles[1].ih_count, 4u);
    const tile& last = plan.tiles.back();
    EXPECT_EQ(last.oc0, 56u);
    EXPECT_EQ(last.oc_count, 8u);
    // Per tile: P = 112, K = 576, M = 28, WS (the layer's automatic choice):
    // 36 * 2 folds * (32+16+112-2) = 11376 cycles.
    EXPECT_EQ(plan.flow, dataflow::weight_stationary);
    EXPECT_EQ(t0.compute_cycles, 11376u);
    check_plan(conv(3, 1, 1, 64), in, p);
}

TEST(tile_plan, layers_that_fit_whole_are_one_tile) {
    const core_params p;
    const tile_plan plan = plan_tiles(conv(3, 1, 1, 16), sw::shape4{1, 8, 8, 8}, p);
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan.tiles.size(), 1u);
    EXPECT_EQ(plan.compute_cycles,
              cost(conv(3, 1, 1, 16), sw::shape4{1, 8, 8, 8}, plan.flow, p).compute_cycles);
}

TEST(tile_plan, single_pixel_that_does_not_fit_is_an_error) {
    core_params p;
    p.weight_kb = 1;  // 512 B per tile; one fp32 filter of K = 2048 needs 8192
    const tile_plan plan = plan_tiles(fc(10), sw::shape4{1, 1, 1, 2048}, p);
    EXPECT_FALSE(plan.ok());
    EXPECT_TRUE(plan.tiles.empty());
    EXPECT_NE(plan.error.find("one output pixel of one channel"), std::string::npos);
    EXPECT_NE(plan.error.find("8192 weight bytes"), std::string::npos);
    // Input side: a 3x3 window over 4096 fp32 channels (147456 B) vs 512 B.
    core_params q;
    q.input_kb = 1;
    EXPECT_FALSE(plan_tiles(conv(3, 1, 0, 4), sw::shape4{1, 3, 3, 4096}, q).ok());
    // A malformed layer is an error too, not an exception.
    const tile_plan bad = plan_tiles(conv(3, 1, 1, 64, 5), sw::shape4{1, 8, 8, 64}, p);
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.error.find("groups"), std::string::npos);
}

TEST(tile_plan, column_runs_when_one_row_does_not_fit) {
    core_params p;
    p.input_kb = 8;  // 4 KiB per tile: 3 rows of a 64-wide, 16-channel fp32 row need 12 KiB
    const sw::shape4 in{1, 64, 64, 16};
    const tile_plan plan = plan_tiles(conv(3, 1, 1, 16), in, p);
    ASSERT_TRUE(plan.ok()) << plan.error;
    EXPECT_EQ(plan.tiles[0].oh_count, 1u);
    EXPECT_LT(plan.tiles[0].ow_count, 64u);
    check_plan(conv(3, 1, 1, 16), in, p);
}

TEST(tile_plan, random_layers_fit_and_cover_exactly_once) {
    std::mt19937_64 rng(4242);
    const precision precs[] = {precision::fp32, precision::fp16, precision::int8, precision::int4};
    int planned = 0, multi_tile = 0;
    for (int i = 0; i < 300; ++i) {
        core_params p;
        p.weight_kb = 1 + static_cast<unsigned>(rng() % 16);
        p.input_kb = 2 + static_cast<unsigned>(rng() % 16);
        p.output_kb = 1 + static_cast<unsigned>(rng() % 8);
        const int c = 1 + static_cast<int>(rng() % 24);
        const int k = 1 + static_cast<int>(rng() % 3);
        const sw::shape4 in{1 + static_cast<int>(rng() % 2), k + static_cast<int>(rng() % 20),
                            k + static_cast<int>(rng() % 20), c};
        ref::layer l;
        switch (rng() % 6) {
            case 0:
                l = fc(1 + static_cast<int>(rng() % 40));
                break;
            case 1:
                l = conv(k, 1, static_cast<int>(rng() % k), c, c);
                break;  // depthwise
            case 2: {
                const int g = c % 2 == 0 ? 2 : 1;
                l = conv(k, 1 + static_cast<int>(rng() % 2), 0,
                         g * (1 + static_cast<int>(rng() % 12)), g);
                break;
            }
            case 3:
                l = simple(op_kind::max_pool);
                l.geo.kernel_h = l.geo.kernel_w = k;
                l.geo.stride_h = l.geo.stride_w = 1 + static_cast<int>(rng() % 2);
                break;
            case 4:
                l = simple(rng() % 2 ? op_kind::add : op_kind::global_avg_pool);
                break;
            default:
                l = conv(k, 1 + static_cast<int>(rng() % 2), static_cast<int>(rng() % k),
                         1 + static_cast<int>(rng() % 48));
        }
        l.prec = precs[rng() % 4];
        const tile_plan plan = plan_tiles(l, in, p);
        if (!plan.ok())
            continue;  // one pixel may legitimately not fit tiny buffers
        SCOPED_TRACE(i);
        check_plan(l, in, p);
        ++planned;
        multi_tile += plan.tiles.size() > 1 ? 1 : 0;
    }
    // The generator mostly produces plannable layers, many needing several tiles.
    EXPECT_GT(planned, 200);
    EXPECT_GT(multi_tile, 100);
}

// 64 filters of K = 576 int8 weights (36864), density 0.3 -> nnz = 11060 (rounded up).
// dense 36864 B; bitmap 36864/8 + 11060 = 15668 B; CSR 11060 + 2 * 11060 + 65 * 4 = 33440 B;
// int4 bitmap 4608 + 5530 = 10138 B.
TEST(compression, weight_bytes_by_format) {
    EXPECT_EQ(compressed_weight_bytes(64, 576, 8, 0.3, weight_format::dense), 36864u);
    EXPECT_EQ(compressed_weight_bytes(64, 576, 8, 0.3, weight_format::bitmap), 15668u);
    EXPECT_EQ(compressed_weight_bytes(64, 576, 8, 0.3, weight_format::csr), 33440u);
    EXPECT_EQ(compressed_weight_bytes(64, 576, 4, 0.3, weight_format::bitmap), 10138u);
    compression_params cp;
    cp.index_bytes = 1;
    cp.pointer_bytes = 2;
    EXPECT_EQ(compressed_weight_bytes(64, 576, 8, 0.3, weight_format::csr, cp),
              11060u * 2 + 65u * 2);
    EXPECT_EQ(compressed_weight_bytes(64, 576, 8, 0.0, weight_format::csr), 65u * 4);
    const ref::layer l = conv(3, 1, 1, 64, 1, precision::int8);
    EXPECT_EQ(weight_dram_bytes(l, sw::shape4{1, 56, 56, 64}, 0.3, weight_format::bitmap), 15668u);
    EXPECT_EQ(weight_dram_bytes(l, sw::shape4{1, 56, 56, 64}, 1.0, weight_format::dense), 36864u);
    EXPECT_EQ(
        weight_dram_bytes(simple(op_kind::add), sw::shape4{1, 4, 4, 4}, 0.5, weight_format::csr),
        0u);
    EXPECT_STREQ(to_string(weight_format::bitmap), "bitmap");
}

// A tile costed as its own command: the ResNet-50 tile above is a GEMM of
// P = 2*56 = 112, K = 576, M = 28. WS: 11376 cycles (as planned); skipping
// half the activations: t = 56 -> 72 * (48+56-2) = 7344. A layer that fits
// whole costs exactly what cost() says.
TEST(tile_plan, cost_of_one_tile) {
    const core_params p;
    const sw::shape4 in{1, 56, 56, 64};
    const ref::layer l = conv(3, 1, 1, 64);
    const tile_plan plan = plan_tiles(l, in, p);
    ASSERT_TRUE(plan.ok());
    const tile& t0 = plan.tiles[0];
    const layer_cost c = cost_tile(l, in, t0, dataflow::weight_stationary, p);
    EXPECT_EQ(c.P, 112u);
    EXPECT_EQ(c.K, 576u);
    EXPECT_EQ(c.M, 28u);
    EXPECT_EQ(c.compute_cycles, 11376u);
    EXPECT_EQ(c.macs, t0.macs);
    sparsity sp;
    sp.kind = sparsity::skip;
    sp.activation_density = 0.5;
    EXPECT_EQ(cost_tile(l, in, t0, dataflow::weight_stationary, p, sp).compute_cycles, 7344u);
    double energy = 0.0;
    uint64_t macs = 0;
    for (const tile& t : plan.tiles) {
        const layer_cost tc = cost_tile(l, in, t, plan.flow, p);
        EXPECT_EQ(tc.compute_cycles, t.compute_cycles);
        energy += tc.energy.total_j();
        macs += tc.macs;
    }
    EXPECT_EQ(macs, cost(l, in, plan.flow, p).macs);
    EXPECT_GT(energy, 0.0);

    const sw::shape4 small{1, 8, 8, 8};
    const tile_plan one = plan_tiles(conv(3, 1, 1, 16), small, p);
    ASSERT_EQ(one.tiles.size(), 1u);
    const layer_cost whole = cost(conv(3, 1, 1, 16), small, dataflow::automatic, p);
    const layer_cost as_tile =
        cost_tile(conv(3, 1, 1, 16), small, one.tiles[0], dataflow::automatic, p);
    EXPECT_EQ(as_tile.compute_cycles, whole.compute_cycles);
    EXPECT_DOUBLE_EQ(as_tile.energy.total_j(), whole.energy.total_j());
    // Depthwise tiles hold whole groups: 32 channels of a 3x3 depthwise layer.
    const ref::layer dw = conv(3, 1, 1, 32, 32);
    const tile_plan dwp = plan_tiles(dw, sw::shape4{1, 112, 112, 32}, p);
    ASSERT_TRUE(dwp.ok());
    const layer_cost dwc =
        cost_tile(dw, sw::shape4{1, 112, 112, 32}, dwp.tiles[0], dataflow::output_stationary, p);
    EXPECT_EQ(dwc.groups, dwp.tiles[0].oc_count);
    EXPECT_EQ(dwc.K, 9u);
    EXPECT_EQ(dwc.M, 1u);
}
