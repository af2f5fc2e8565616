// Layer costs: GEMM views of conv / FC, vector-unit ops, precision, automatic
// dataflow, sparsity and energy.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "nn/cost/layer_cost.h"
#include "tests/nn/cost/timing_test_util.h"

using namespace nnvp;
using namespace nnvp::cost;
using nnvp::test::conv;
using nnvp::test::fc;
using nnvp::test::simple;
using ref::op_kind;
using ref::precision;

namespace {

constexpr dataflow OS = dataflow::output_stationary;
constexpr dataflow WS = dataflow::weight_stationary;
constexpr dataflow IS = dataflow::input_stationary;
constexpr dataflow AUTO = dataflow::automatic;

const nn::shape4 res2{1, 56, 56, 64};

}  // namespace

TEST(layer_cost, resnet50_conv3x3_gemm_view_and_cycles) {
    const core_params p;
    const layer_cost c = of_layer(conv(3, 1, 1, 64), res2, OS, p);
    EXPECT_FALSE(c.vector_unit);
    EXPECT_EQ(c.P, 3136u);
    EXPECT_EQ(c.K, 576u);
    EXPECT_EQ(c.M, 64u);
    EXPECT_EQ(c.groups, 1u);
    EXPECT_EQ(c.folds, 784u);
    EXPECT_EQ(c.compute_cycles, 475104u);
    EXPECT_EQ(c.macs, 115605504u);
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, WS, p).compute_cycles, 458208u);
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, IS, p).compute_cycles, 776160u);
    const layer_cost a = of_layer(conv(3, 1, 1, 64), res2, AUTO, p);
    EXPECT_EQ(a.flow, WS);
    EXPECT_EQ(a.compute_cycles, 458208u);
}

// Energy of the OS mapping at fp32, by hand: 115605504 MACs * 4.6 pJ; input
// and weight buffers (128 KiB: 1.25 * sqrt(16) = 5 pJ/B) each read
// 7225344 * 4 B; outputs 200704 * 4 B into the 64 KiB buffer (1.25 * sqrt(8)).
// PE registers: per MAC (32 + 32 + 2 * 32) / 8 = 16 B at 0.072 pJ/B = 1.152 pJ.
// Network: 2 * 28901376 + 802816 = 58605568 B at 1.0 pJ/B (16 x 16 array).
// Clock: 475104 cycles * 256 PEs * 0.6 pJ = 72975974.4 pJ.
TEST(layer_cost, energy_is_the_sum_of_its_parts) {
    const core_params p;
    const layer_cost c = of_layer(conv(3, 1, 1, 64), res2, OS, p);
    EXPECT_EQ(c.bytes.input_read, 28901376u);
    EXPECT_EQ(c.bytes.weight_read, 28901376u);
    EXPECT_EQ(c.bytes.output_read, 0u);
    EXPECT_EQ(c.bytes.output_write, 802816u);
    EXPECT_NEAR(c.energy.mac_j, 115605504 * 4.6e-12, 1e-12);
    EXPECT_NEAR(c.energy.input_buffer_j, 28901376.0 * 5 * 1e-12, 1e-12);
    EXPECT_NEAR(c.energy.weight_buffer_j, 28901376.0 * 5 * 1e-12, 1e-12);
    EXPECT_NEAR(c.energy.output_buffer_j, 802816.0 * 1.25 * std::sqrt(8.0) * 1e-12, 1e-12);
    EXPECT_NEAR(c.energy.spad_j, 115605504 * 1.152e-12, 1e-12);
    EXPECT_NEAR(c.energy.noc_j, 58605568 * 1.0e-12, 1e-12);
    EXPECT_NEAR(c.energy.clock_j, 72975974.4e-12, 1e-12);
    EXPECT_EQ(c.energy.vector_j, 0.0);
    EXPECT_NEAR(c.energy.total_j(),
                c.energy.mac_j + c.energy.spad_j + c.energy.buffer_j() + c.energy.noc_j +
                    c.energy.clock_j,
                1e-15);
    // Explicit per-buffer energies override the sqrt rule.
    core_params q = p;
    q.input_pj_per_byte = 1.0;
    q.weight_pj_per_byte = 2.0;
    q.output_pj_per_byte = 3.0;
    const layer_cost e = of_layer(conv(3, 1, 1, 64), res2, OS, q);
    EXPECT_NEAR(e.energy.buffer_j(), (28901376.0 * 3 + 802816.0 * 3) * 1e-12, 1e-12);
}

// WS partial sums: 200704 outputs * 35 extra row folds written and read at
// the 32-bit accumulator width, plus the final outputs.
TEST(layer_cost, weight_stationary_partial_sums_in_output_buffer) {
    const layer_cost c = of_layer(conv(3, 1, 1, 64), res2, WS, core_params{});
    EXPECT_EQ(c.bytes.weight_read, 36864u * 4);
    EXPECT_EQ(c.bytes.output_read, 7024640u * 4);
    EXPECT_EQ(c.bytes.output_write, 7024640u * 4 + 200704u * 4);
}

// 1x1 conv 56x56x64 -> 256 (ResNet-50 expansion): WS 203648 is the minimum.
TEST(layer_cost, pointwise_conv) {
    const layer_cost c = of_layer(conv(1, 1, 0, 256), res2, AUTO, core_params{});
    EXPECT_EQ(c.K, 64u);
    EXPECT_EQ(c.flow, WS);
    EXPECT_EQ(c.compute_cycles, 203648u);
}

// ResNet-50 fc 2048 -> 1000, batch 1: P = 1, K = 2048, M = 1000.
// OS: 1 * ceil(1000/16) = 63 folds * (2048+30) = 130914
// WS: 128 * 63 = 8064 folds * (48+1-2) = 379008
// IS: 128 * 1 folds * (48+1000-2) = 133888
TEST(layer_cost, fully_connected) {
    const core_params p;
    const nn::shape4 in{1, 1, 1, 2048};
    EXPECT_EQ(of_layer(fc(1000), in, OS, p).compute_cycles, 130914u);
    EXPECT_EQ(of_layer(fc(1000), in, WS, p).compute_cycles, 379008u);
    EXPECT_EQ(of_layer(fc(1000), in, IS, p).compute_cycles, 133888u);
    EXPECT_EQ(of_layer(fc(1000), in, AUTO, p).flow, OS);
    // The input flattens: [2, 2, 2, 512] is P = 2 rows of K = 2048.
    const layer_cost b = of_layer(fc(1000), nn::shape4{2, 2, 2, 512}, OS, p);
    EXPECT_EQ(b.P, 2u);
    EXPECT_EQ(b.K, 2048u);
    EXPECT_EQ(b.macs, 2u * 2048u * 1000u);
}

// MobileNet v1 depthwise 3x3, 112x112x32: 32 groups of P = 12544, K = 9, M = 1.
// OS: 784 folds * (9+30) = 30576 per group -> 978432
// WS: 1 fold * (48+12544-2) = 12590 per group -> 402880
// IS: 784 folds * (48+1-2) = 36848 per group -> 1179136
TEST(layer_cost, depthwise_conv_runs_groups_one_after_another) {
    const core_params p;
    const nn::shape4 in{1, 112, 112, 32};
    const layer_cost os = of_layer(conv(3, 1, 1, 32, 32), in, OS, p);
    EXPECT_EQ(os.groups, 32u);
    EXPECT_EQ(os.K, 9u);
    EXPECT_EQ(os.M, 1u);
    EXPECT_EQ(os.folds, 784u * 32);
    EXPECT_EQ(os.compute_cycles, 978432u);
    EXPECT_EQ(os.macs, 3612672u);
    EXPECT_EQ(of_layer(conv(3, 1, 1, 32, 32), in, WS, p).compute_cycles, 402880u);
    EXPECT_EQ(of_layer(conv(3, 1, 1, 32, 32), in, IS, p).compute_cycles, 1179136u);
}

// int8 (4 MACs / PE): the 3x3 layer's OS time 784 * (144+30) = 136416.
// Binary with +-1 activations (32 / PE): 784 * (18+30) = 37632. Binary
// weights with int8 activations are costed as int8.
TEST(layer_cost, precision_scaling) {
    const core_params p;
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64, 1, precision::int8), res2, OS, p).compute_cycles, 136416u);
    ref::layer b = conv(3, 1, 1, 64, 1, precision::binary);
    b.binary_input = true;
    const layer_cost bc = of_layer(b, res2, OS, p);
    EXPECT_EQ(bc.compute_cycles, 37632u);
    EXPECT_EQ(bc.prec, precision::binary);
    EXPECT_EQ(bc.bytes.input_read, 7225344u / 8);  // 1-bit operands
    b.binary_input = false;
    EXPECT_EQ(of_layer(b, res2, OS, p).compute_cycles, 136416u);
    EXPECT_EQ(of_layer(b, res2, OS, p).prec, precision::int8);
    // int8 MAC energy 0.2 + 0.1 pJ.
    EXPECT_NEAR(of_layer(conv(3, 1, 1, 64, 1, precision::int8), res2, OS, p).energy.mac_j,
                115605504 * 0.3e-12, 1e-12);
}

// Energy by mapping for the 3x3 fp32 layer: OS reads both operands from the
// buffers ~4x but keeps partial sums in the PEs; WS/IS spill 35 rounds of
// partial sums, so OS has the least energy while WS has the fewest cycles.
TEST(layer_cost, energy_objective_picks_least_energy) {
    core_params p;
    double best = 1e300;
    dataflow best_flow = AUTO;
    for (dataflow d : {OS, WS, IS}) {
        const double e = of_layer(conv(3, 1, 1, 64), res2, d, p).energy.total_j();
        if (e < best) {
            best = e;
            best_flow = d;
        }
    }
    EXPECT_EQ(best_flow, OS);
    const layer_cost a = of_layer(conv(3, 1, 1, 64), res2, AUTO, p, {}, objective::energy);
    EXPECT_EQ(a.flow, OS);
    EXPECT_DOUBLE_EQ(a.energy.total_j(), best);
    p.auto_objective = objective::energy;
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, AUTO, p).flow, OS);
    p.auto_objective = objective::cycles;
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, AUTO, p).flow, WS);
    // edp keeps the dataflow with the least energy x cycles.
    double best_edp = 1e300;
    for (dataflow d : {OS, WS, IS}) {
        const layer_cost c = of_layer(conv(3, 1, 1, 64), res2, d, p);
        if (c.energy.total_j() * double(c.compute_cycles) < best_edp) {
            best_edp = c.energy.total_j() * double(c.compute_cycles);
            best_flow = d;
        }
    }
    const layer_cost e = of_layer(conv(3, 1, 1, 64), res2, AUTO, p, {}, objective::edp);
    EXPECT_EQ(e.flow, best_flow);
    EXPECT_DOUBLE_EQ(e.energy.total_j() * double(e.compute_cycles), best_edp);
}

TEST(layer_cost, gating_saves_mac_energy_not_cycles) {
    const core_params p;
    const layer_cost dense = of_layer(conv(3, 1, 1, 64), res2, OS, p);
    sparsity sp;
    sp.kind = sparsity::gate;
    sp.weight_density = 0.5;
    sp.activation_density = 0.5;
    const layer_cost g = of_layer(conv(3, 1, 1, 64), res2, OS, p, sp);
    EXPECT_EQ(g.compute_cycles, dense.compute_cycles);
    EXPECT_EQ(g.zero_skipped_macs, 0u);
    EXPECT_EQ(g.gated_macs, 115605504u - 28901376u);
    EXPECT_NEAR(g.energy.mac_j, 28901376 * 4.6e-12, 1e-12);
    EXPECT_DOUBLE_EQ(g.energy.buffer_j(), dense.energy.buffer_j());
    // The registers of gated MACs are not accessed either: 28901376 * 1.152 pJ.
    EXPECT_NEAR(g.energy.spad_j, 28901376 * 1.152e-12, 1e-12);
    EXPECT_DOUBLE_EQ(g.energy.clock_j, dense.energy.clock_j);
    // none ignores the densities.
    sp.kind = sparsity::none;
    EXPECT_DOUBLE_EQ(of_layer(conv(3, 1, 1, 64), res2, OS, p, sp).energy.mac_j, dense.energy.mac_j);
}

// Skipping per dataflow on the 3x3 fp32 layer:
// WS (activations streamed), ad = 0.5: 144 * (48+1568-2) = 232416
// OS (both streamed), wd = ad = 0.5, t = 576 * 0.25 = 144: 784 * 174 = 136416
// IS (filters streamed), wd = 0.5, t = 32: 7056 * (48+32-2) = 550368
TEST(layer_cost, skipping_saves_cycles_at_temporal_step_granularity) {
    const core_params p;
    sparsity sp;
    sp.kind = sparsity::skip;
    sp.activation_density = 0.5;
    const layer_cost ws = of_layer(conv(3, 1, 1, 64), res2, WS, p, sp);
    EXPECT_EQ(ws.compute_cycles, 232416u);
    EXPECT_EQ(ws.zero_skipped_macs, 576u * 64u * 1568u);
    EXPECT_EQ(ws.bytes.input_read, 576u * 1568u * 4u * 4u);  // zeros are not fetched
    EXPECT_LE(ws.utilization, 1.0);
    sp.weight_density = 0.5;
    const layer_cost os = of_layer(conv(3, 1, 1, 64), res2, OS, p, sp);
    EXPECT_EQ(os.compute_cycles, 136416u);
    EXPECT_EQ(os.zero_skipped_macs, 115605504u - 28901376u);
    EXPECT_EQ(os.gated_macs, 0u);
    sp.activation_density = 1.0;
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, IS, p, sp).compute_cycles, 550368u);
    // Gating also applies to the MACs skipping could not remove.
    sp.activation_density = 0.5;
    const layer_cost ws2 = of_layer(conv(3, 1, 1, 64), res2, WS, p, sp);
    EXPECT_EQ(ws2.gated_macs, 576u * 64u * 1568u - 28901376u);
    EXPECT_NEAR(ws2.energy.mac_j, 28901376 * 4.6e-12, 1e-12);
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, AUTO, p, sp).flow, OS);
}

// Vector unit, 16 elements per cycle.
// max_pool 3x3/2 pad 1 on 112x112x64 -> 56x56x64 = 200704 outputs * 9 taps = 1806336 ops
// -> 112896 cycles; global avg pool 7x7x2048: 2048 * 49 = 100352 ops -> 6272 cycles;
// add on 56x56x256 int8: 802816 ops -> 50176 cycles, reading both operands.
TEST(layer_cost, vector_unit_ops) {
    const core_params p;
    ref::layer mp = simple(op_kind::max_pool);
    mp.geo.kernel_h = mp.geo.kernel_w = 3;
    mp.geo.stride_h = mp.geo.stride_w = 2;
    mp.geo.pad_top = mp.geo.pad_bottom = mp.geo.pad_left = mp.geo.pad_right = 1;
    const layer_cost c = of_layer(mp, nn::shape4{1, 112, 112, 64}, AUTO, p);
    EXPECT_TRUE(c.vector_unit);
    EXPECT_EQ(c.macs, 0u);
    EXPECT_EQ(c.vector_ops, 1806336u);
    EXPECT_EQ(c.compute_cycles, 112896u);
    EXPECT_NEAR(c.energy.vector_j, 1806336 * 0.9e-12, 1e-15);
    EXPECT_EQ(c.bytes.output_write, 200704u * 4);
    const layer_cost g = of_layer(simple(op_kind::global_avg_pool), nn::shape4{1, 7, 7, 2048}, AUTO, p);
    EXPECT_EQ(g.vector_ops, 100352u);
    EXPECT_EQ(g.compute_cycles, 6272u);
    const layer_cost a =
        of_layer(simple(op_kind::add, precision::int8), nn::shape4{1, 56, 56, 256}, OS, p);
    EXPECT_EQ(a.compute_cycles, 50176u);
    EXPECT_EQ(a.bytes.input_read, 2u * 802816u);
    EXPECT_NEAR(a.energy.vector_j, 802816 * 0.03e-12, 1e-15);
    const layer_cost m =
        of_layer(simple(op_kind::mul, precision::int8), nn::shape4{1, 56, 56, 256}, OS, p);
    EXPECT_NEAR(m.energy.vector_j, 802816 * 0.3e-12, 1e-15);  // a multiply per element
    EXPECT_EQ(of_layer(simple(op_kind::activation), nn::shape4{1, 3, 5, 7}, AUTO, p).compute_cycles,
              7u);  // ceil(105 / 16)
}

// A piecewise function on a float path costs vector_function_ops more per
// element; integer paths read their table in one pass. [1,4,4,16] = 256 outputs:
// fp32 exp 256 + 256 * 4 = 1280 ops -> 80 cycles; int8 exp 256 ops -> 16;
// fp32 abs (no function) 256 ops -> 16.
TEST(layer_cost, vector_functions_cost_extra_passes_on_float_paths) {
    core_params p;
    ref::layer e = simple(op_kind::activation);
    e.act.kind = ref::act_kind::exp;
    const nn::shape4 s{1, 4, 4, 16};
    const layer_cost f = of_layer(e, s, AUTO, p);
    EXPECT_EQ(f.vector_ops, 1280u);
    EXPECT_EQ(f.compute_cycles, 80u);
    EXPECT_NEAR(f.energy.vector_j, 1280 * 0.9e-12, 1e-15);
    ref::layer i = simple(op_kind::activation, precision::int8);
    i.act.kind = ref::act_kind::exp;
    EXPECT_EQ(of_layer(i, s, AUTO, p).compute_cycles, 16u);
    e.act.kind = ref::act_kind::abs;
    EXPECT_EQ(of_layer(e, s, AUTO, p).compute_cycles, 16u);
    e.act.kind = ref::act_kind::gelu;
    p.vector_function_ops = 0;
    EXPECT_EQ(of_layer(e, s, AUTO, p).compute_cycles, 16u);
    // Row ops: four passes per element; softmax's exp is a function.
    // normalize 256 * 4 = 1024 ops -> 64 cycles; softmax 1024 + 256 * 4 -> 128.
    p.vector_function_ops = 4;
    EXPECT_EQ(of_layer(simple(op_kind::normalize), s, AUTO, p).compute_cycles, 64u);
    EXPECT_EQ(of_layer(simple(op_kind::softmax), s, AUTO, p).compute_cycles, 128u);
}

TEST(layer_cost, malformed_layers_throw_invalid_argument) {
    const core_params p;
    EXPECT_THROW(of_layer(conv(3, 1, 1, 64, 3), res2, OS, p), std::invalid_argument);  // groups
    EXPECT_THROW(of_layer(conv(9, 1, 0, 8), nn::shape4{1, 4, 4, 8}, OS, p), std::invalid_argument);
    EXPECT_THROW(of_layer(conv(3, 1, 1, 8), nn::shape4{1, 0, 4, 8}, OS, p), std::invalid_argument);
    EXPECT_THROW(of_layer(fc(0), nn::shape4{1, 1, 1, 8}, OS, p), std::invalid_argument);
}

// Property: over random layers, no mapping beats the array's peak, utilization
// stays in [0, 1], energy is the sum of its parts and automatic is minimal.
TEST(layer_cost, random_layers_never_faster_than_peak) {
    std::mt19937_64 rng(12345);
    const precision precs[] = {precision::fp32, precision::fp16, precision::int16,
                               precision::int8, precision::int4, precision::binary};
    for (int i = 0; i < 1500; ++i) {
        core_params p;
        p.rows = 1 + static_cast<unsigned>(rng() % 32);
        p.cols = 1 + static_cast<unsigned>(rng() % 32);
        const int c = 1 + static_cast<int>(rng() % 64);
        const int k = 1 + static_cast<int>(rng() % 5);
        const nn::shape4 in{1 + static_cast<int>(rng() % 2), k + static_cast<int>(rng() % 30),
                            k + static_cast<int>(rng() % 30), c};
        ref::layer l = rng() % 4 == 0
                           ? fc(1 + static_cast<int>(rng() % 300))
                           : conv(k, 1 + static_cast<int>(rng() % 2), static_cast<int>(rng() % k),
                                  1 + static_cast<int>(rng() % 96));
        if (l.op == op_kind::conv2d && rng() % 3 == 0) {  // depthwise
            l.geo.groups = c;
            l.out_channels = c;
        }
        l.prec = precs[rng() % 6];
        l.binary_input = rng() % 2 == 0;
        sparsity sp;
        sp.kind = static_cast<sparsity::mode>(rng() % 3);
        sp.weight_density = static_cast<double>(rng() % 101) / 100.0;
        sp.activation_density = static_cast<double>(rng() % 101) / 100.0;
        uint64_t min_cycles = UINT64_MAX;
        for (dataflow d : {OS, WS, IS}) {
            const layer_cost lc = of_layer(l, in, d, p, sp);
            const uint64_t peak = uint64_t{p.rows} * p.cols * p.macs_for(lc.prec);
            ASSERT_GE(lc.compute_cycles * peak, lc.macs - lc.zero_skipped_macs);
            if (sp.kind != sparsity::skip) {
                ASSERT_EQ(lc.zero_skipped_macs, 0u);
                ASSERT_GE(lc.compute_cycles * peak, lc.macs);
            }
            ASSERT_LE(lc.utilization, 1.0);
            ASSERT_GE(lc.utilization, 0.0);
            ASSERT_LE(lc.zero_skipped_macs + lc.gated_macs, lc.macs);
            // MAC energy counts exactly the MACs that did work.
            const uint64_t worked = lc.macs - lc.zero_skipped_macs - lc.gated_macs;
            ASSERT_NEAR(lc.energy.mac_j, worked * p.mac_energy_pj(lc.prec) * 1e-12, 1e-15);
            ASSERT_GE(lc.energy.spad_j, 0.0);
            ASSERT_GE(lc.energy.clock_j, 0.0);
            min_cycles = std::min(min_cycles, lc.compute_cycles);
        }
        ASSERT_EQ(of_layer(l, in, AUTO, p, sp).compute_cycles, min_cycles);
    }
}
