// The fold model against hand-computed SCALE-Sim v2 cycles and its invariants.
#include <gtest/gtest.h>

#include <random>

#include "nn/cost/layer_cost.h"

using namespace nnvp::cost;

namespace {

constexpr dataflow OS = dataflow::output_stationary;
constexpr dataflow WS = dataflow::weight_stationary;
constexpr dataflow IS = dataflow::input_stationary;

uint64_t cdiv(uint64_t a, uint64_t b) {
    return (a + b - 1) / b;
}

// SCALE-Sim v2's runtime, written out independently of the library.
uint64_t scalesim_cycles(uint64_t P, uint64_t K, uint64_t M, dataflow d, uint64_t R, uint64_t C) {
    uint64_t sr = P, sc = M, t = K;
    if (d == WS) {
        sr = K;
        sc = M;
        t = P;
    } else if (d == IS) {
        sr = K;
        sc = P;
        t = M;
    }
    const uint64_t per_fold = d == OS ? t + R + C - 2 : 2 * R + C + t - 2;
    return cdiv(sr, R) * cdiv(sc, C) * per_fold;
}

}  // namespace

// ResNet-50 conv2_x 3x3, 56x56x64 -> 64, stride 1, pad 1, 16x16 array, fp32:
// P = 56*56 = 3136, K = 3*3*64 = 576, M = 64.
// OS: folds ceil(3136/16)=196 * ceil(64/16)=4 = 784, per fold 576+16+16-2 = 606 -> 475104
// WS: folds ceil(576/16)=36 * 4 = 144, per fold 32+16+3136-2 = 3182        -> 458208
// IS: folds 36 * 196 = 7056, per fold 32+16+64-2 = 110                       -> 776160
TEST(fold_model, resnet50_conv3x3_each_dataflow) {
    const core_params p;
    const fold_timing os = fold_model(3136, 576, 64, OS, p, 1);
    EXPECT_EQ(os.folds, 784u);
    EXPECT_EQ(os.cycles_per_fold, 606u);
    EXPECT_EQ(os.compute_cycles, 475104u);
    EXPECT_EQ(os.macs, 115605504u);
    EXPECT_DOUBLE_EQ(os.utilization, 115605504.0 / (475104.0 * 256.0));
    const fold_timing ws = fold_model(3136, 576, 64, WS, p, 1);
    EXPECT_EQ(ws.folds, 144u);
    EXPECT_EQ(ws.cycles_per_fold, 3182u);
    EXPECT_EQ(ws.compute_cycles, 458208u);
    const fold_timing is = fold_model(3136, 576, 64, IS, p, 1);
    EXPECT_EQ(is.folds, 7056u);
    EXPECT_EQ(is.cycles_per_fold, 110u);
    EXPECT_EQ(is.compute_cycles, 776160u);
    // automatic: the fewest cycles.
    EXPECT_EQ(fold_model(3136, 576, 64, dataflow::automatic, p, 1).flow, WS);
}

// Same layer at int8 (4 MACs per PE): the temporal stream shrinks to ceil(t/4).
// OS t' = 144: 784 * (144+30) = 136416; WS t' = 784: 144 * (48+784-2) = 119520;
// IS t' = 16: 7056 * (48+16-2) = 437472.
TEST(fold_model, int8_packs_four_macs_per_pe_along_time) {
    const core_params p;
    EXPECT_EQ(fold_model(3136, 576, 64, OS, p, 4).compute_cycles, 136416u);
    EXPECT_EQ(fold_model(3136, 576, 64, WS, p, 4).compute_cycles, 119520u);
    EXPECT_EQ(fold_model(3136, 576, 64, IS, p, 4).compute_cycles, 437472u);
    // The ratio to fp32 approaches macs_per_pe only when streaming dominates
    // fill and drain: one OS fold with K = 4096 -> (4096+30) / (1024+30).
    const uint64_t fp32 = fold_model(16, 4096, 16, OS, p, 1).compute_cycles;
    const uint64_t int8 = fold_model(16, 4096, 16, OS, p, 4).compute_cycles;
    EXPECT_EQ(fp32, 4126u);
    EXPECT_EQ(int8, 1054u);
}

// 1x1 conv 56x56x64 -> 256: P = 3136, K = 64, M = 256.
// OS: 196*16 = 3136 folds * (64+30) = 294784
// WS: 4*16 = 64 folds * (48+3136-2) = 203648
// IS: 4*196 = 784 folds * (48+256-2) = 236768
TEST(fold_model, pointwise_conv) {
    const core_params p;
    EXPECT_EQ(fold_model(3136, 64, 256, OS, p, 1).compute_cycles, 294784u);
    EXPECT_EQ(fold_model(3136, 64, 256, WS, p, 1).compute_cycles, 203648u);
    EXPECT_EQ(fold_model(3136, 64, 256, IS, p, 1).compute_cycles, 236768u);
}

// Buffer accesses of the 3x3 layer (elements).
// OS: ifmap P*K*col_folds = 3136*576*4, filter M*K*row_folds = 64*576*196, ofmap P*M.
// WS: filter K*M once, ifmap K*P*col_folds, partial sums P*M*(row_folds-1) = 200704*35.
// IS: ifmap K*P once, filter K*M*col_folds = 576*64*196.
TEST(fold_model, buffer_access_counts) {
    const core_params p;
    const operand_counts os = fold_model(3136, 576, 64, OS, p, 1).accesses;
    EXPECT_EQ(os.ifmap_reads, 7225344u);
    EXPECT_EQ(os.filter_reads, 7225344u);
    EXPECT_EQ(os.psum_reads, 0u);
    EXPECT_EQ(os.psum_writes, 0u);
    EXPECT_EQ(os.ofmap_writes, 200704u);
    const operand_counts ws = fold_model(3136, 576, 64, WS, p, 1).accesses;
    EXPECT_EQ(ws.filter_reads, 36864u);
    EXPECT_EQ(ws.ifmap_reads, 7225344u);
    EXPECT_EQ(ws.psum_writes, 7024640u);
    EXPECT_EQ(ws.psum_reads, 7024640u);
    EXPECT_EQ(ws.ofmap_writes, 200704u);
    const operand_counts is = fold_model(3136, 576, 64, IS, p, 1).accesses;
    EXPECT_EQ(is.ifmap_reads, 1806336u);
    EXPECT_EQ(is.filter_reads, 7225344u);
    EXPECT_EQ(is.psum_writes, 7024640u);
}

TEST(fold_model, one_mac_per_pe_equals_scalesim_on_random_gemms) {
    std::mt19937_64 rng(20261122);
    for (int i = 0; i < 2000; ++i) {
        core_params p;
        p.rows = 1 + static_cast<unsigned>(rng() % 64);
        p.cols = 1 + static_cast<unsigned>(rng() % 64);
        const uint64_t P = 1 + rng() % 5000, K = 1 + rng() % 5000, M = 1 + rng() % 1000;
        for (dataflow d : {OS, WS, IS}) {
            const fold_timing f = fold_model(P, K, M, d, p, 1);
            ASSERT_EQ(f.compute_cycles, scalesim_cycles(P, K, M, d, p.rows, p.cols))
                << "P=" << P << " K=" << K << " M=" << M << " " << to_string(d);
        }
    }
}

TEST(fold_model, never_faster_than_peak_and_utilization_at_most_one) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 5000; ++i) {
        core_params p;
        p.rows = 1 + static_cast<unsigned>(rng() % 48);
        p.cols = 1 + static_cast<unsigned>(rng() % 48);
        const unsigned m = 1u << (rng() % 6);
        const double density = static_cast<double>(rng() % 101) / 100.0;
        const uint64_t P = 1 + rng() % 4000, K = 1 + rng() % 4000, M = 1 + rng() % 600;
        for (dataflow d : {OS, WS, IS}) {
            const fold_timing f = fold_model(P, K, M, d, p, m, density);
            const uint64_t peak = uint64_t{p.rows} * p.cols * m;
            ASSERT_GE(f.compute_cycles * peak, f.executed_macs);
            ASSERT_LE(f.utilization, 1.0);
            ASSERT_LE(f.executed_macs, f.macs);
            if (density == 1.0) {
                ASSERT_EQ(f.executed_macs, f.macs);
                ASSERT_GT(f.utilization, 0.0);
            }
        }
    }
}

TEST(fold_model, automatic_is_the_minimum_with_os_ws_is_tie_order) {
    std::mt19937_64 rng(99);
    const core_params p;
    for (int i = 0; i < 1000; ++i) {
        const uint64_t P = 1 + rng() % 3000, K = 1 + rng() % 3000, M = 1 + rng() % 500;
        const uint64_t os = fold_model(P, K, M, OS, p, 1).compute_cycles;
        const uint64_t ws = fold_model(P, K, M, WS, p, 1).compute_cycles;
        const uint64_t is = fold_model(P, K, M, IS, p, 1).compute_cycles;
        const fold_timing a = fold_model(P, K, M, dataflow::automatic, p, 1);
        ASSERT_EQ(a.compute_cycles, std::min({os, ws, is}));
        const dataflow expect = os <= ws && os <= is ? OS : (ws <= is ? WS : IS);
        ASSERT_EQ(a.flow, expect);
    }
}

TEST(fold_model, degenerate_dimensions_cost_nothing) {
    const core_params p;
    const fold_timing f = fold_model(0, 10, 10, WS, p, 4);
    EXPECT_EQ(f.compute_cycles, 0u);
    EXPECT_EQ(f.macs, 0u);
    EXPECT_EQ(f.accesses.ifmap_reads, 0u);
    EXPECT_EQ(f.utilization, 0.0);
    // macs_per_pe 0 counts as 1.
    EXPECT_EQ(fold_model(3136, 576, 64, OS, p, 0).compute_cycles, 475104u);
}

// Zero skipping removes temporal steps; fill and drain stay.
// WS with activation density 0.5: t = 3136 -> 1568, 144 * (48+1568-2) = 232416.
TEST(fold_model, stream_density_shortens_time_only) {
    const core_params p;
    const fold_timing f = fold_model(3136, 576, 64, WS, p, 1, 0.5);
    EXPECT_EQ(f.t_active, 1568u);
    EXPECT_EQ(f.compute_cycles, 232416u);
    EXPECT_EQ(f.executed_macs, 576u * 64u * 1568u);
    // density 0: only fill and drain remain.
    EXPECT_EQ(fold_model(3136, 576, 64, WS, p, 1, 0.0).compute_cycles, 144u * 46u);
    // 0.3 * 10 rounds to 3 steps, not 4.
    EXPECT_EQ(fold_model(16, 10, 16, OS, p, 1, 0.3).t_active, 3u);
}
