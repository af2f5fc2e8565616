// Energy by level and action: technology scaling, derived leakage, the
// array's network, clock, PE registers and hardware zero gating. Every
// expected number is computed by hand in the comment beside it.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "nn/cost/layer_cost.h"
#include "nn/cost/technology.h"
#include "tests/nn/cost/timing_test_util.h"

using namespace nnvp;
using namespace nnvp::cost;
using nnvp::test::conv;
using nnvp::test::simple;
using ref::precision;

namespace {

constexpr dataflow OS = dataflow::output_stationary;
const nn::shape4 res2{1, 56, 56, 64};
// Stillmaker & Baas at 45 nm, 0.9 V: 1.103 * 0.81 - 0.362 * 0.9 + 0.2767.
constexpr double e45 = 0.89343 - 0.3258 + 0.2767;  // 0.84433

}  // namespace

TEST(technology, factors_follow_the_fitted_polynomials) {
    EXPECT_DOUBLE_EQ(technology_energy_factor(45, 0.9), 1.0);
    // 65 nm at 1.0 V: 3.755 - 4.398 + 1.975 = 1.332; / 0.84433 = 1.5776.
    EXPECT_NEAR(technology_energy_factor(65, 1.0), 1.332 / e45, 1e-12);
    // 45 nm at 1.0 V: 1.103 - 0.362 + 0.2767 = 1.0177 -> 1.2053, within 3 %
    // of the (1.0 / 0.9)^2 = 1.2346 of the plain V^2 rule.
    EXPECT_NEAR(technology_energy_factor(45, 1.0), 1.0177 / e45, 1e-12);
    // 7 nm at 0.7 V: 0.1776 * 0.49 - 0.09097 * 0.7 + 0.02447 = 0.047815.
    EXPECT_NEAR(technology_energy_factor(7, 0.7), 0.047815 / e45, 1e-6);
    EXPECT_TRUE(known_technology(65));
    EXPECT_FALSE(known_technology(40));
    EXPECT_EQ(known_technologies(), "130, 90, 65, 45, 32, 20, 16, 14, 10 or 7");
    EXPECT_THROW(technology_energy_factor(40, 0.9), std::invalid_argument);
}

// An Eyeriss-like core in 65 nm at 1 V: every figure x 1.5776.
TEST(technology, scales_every_action_and_the_derived_leakage) {
    core_params p;
    p.rows = 12;
    p.cols = 14;
    p.input_kb = 64;
    p.weight_kb = 16;
    p.output_kb = 28;
    p.technology_nm = 65;
    p.nominal_v = 1.0;
    const double k = 1.332 / e45;
    EXPECT_NEAR(p.mac_energy_pj(precision::int16), 1.0 * k, 1e-12);
    EXPECT_NEAR(p.vector_energy_pj(precision::int16), 0.05 * k, 1e-12);
    EXPECT_NEAR(p.spad_energy_pj_per_byte(), 0.072 * k, 1e-12);
    EXPECT_NEAR(p.clock_energy_pj_per_pe_cycle(), 0.6 * k, 1e-12);
    // 168 PEs: the wire of one traversal is sqrt(168 / 256) of the reference.
    EXPECT_NEAR(p.noc_energy_pj_per_byte(), std::sqrt(168.0 / 256.0) * k, 1e-12);
    // 16 KiB weight buffer: 1.25 * sqrt(2) pJ/B at 45 nm.
    EXPECT_NEAR(p.weight_buffer_pj_per_byte(), 1.25 * std::sqrt(2.0) * k, 1e-12);
    // Leakage: (168 * 85 + 108 * 72) uW = 22.056 mW at 45 nm -> x k.
    EXPECT_NEAR(p.core_leakage_mw(), 22.056 * k, 1e-9);
    p.leakage_mw = 30.0;  // an explicit figure is taken as it is
    EXPECT_DOUBLE_EQ(p.core_leakage_mw(), 30.0);
}

// The network's energy grows with the array's side: 32 x 32 = 4 x 256 PEs,
// sqrt(4) = 2 pJ/B. The 3x3 OS layer on it: ifmap read once per column fold
// (ceil(64/32) = 2) and filters once per row fold (ceil(3136/32) = 98):
// 3136*576*2 + 64*576*98 = 3612672 + 3612672 = 7225344 elements of 4 B,
// plus 200704 outputs of 4 B: 29704192 B x 2 pJ.
TEST(action_energy, network_energy_per_byte_grows_with_the_array_side) {
    core_params p;
    p.rows = p.cols = 32;
    const layer_cost c = of_layer(conv(3, 1, 1, 64), res2, OS, p);
    EXPECT_EQ(c.bytes.input_read + c.bytes.weight_read + c.bytes.output_write, 29704192u);
    EXPECT_NEAR(c.energy.noc_j, 29704192 * 2.0e-12, 1e-12);
    // Clock: every active cycle of all 1024 PEs.
    EXPECT_NEAR(c.energy.clock_j, c.compute_cycles * 1024 * 0.6e-12, 1e-15);
}

// Unused PEs are clock-gated: 20 filters on 16 columns leave a second column
// fold with 4 of 16 columns mapped. OS, P = 3136 (196 full row folds), K =
// 576: 606 cycles per fold, 196 * 2 * 606 = 237552 cycles; clocked PE-cycles
// 3136 * 20 * 606 = 38008320 (not 237552 * 256 = 60813312) -> x 0.6 pJ.
TEST(action_energy, clock_counts_only_the_mapped_pes) {
    const layer_cost c = of_layer(conv(3, 1, 1, 20), res2, OS, core_params{});
    EXPECT_EQ(c.compute_cycles, 237552u);
    EXPECT_EQ(c.clocked_pe_cycles, 38008320u);
    EXPECT_NEAR(c.energy.clock_j, 38008320 * 0.6e-12, 1e-15);
}

// PE registers per MAC: both operands read, the accumulator read and written.
// int8 (accumulator 32 bits): (8 + 8 + 64) / 8 = 10 B x 0.072 = 0.72 pJ;
// int16 (64-bit accumulator): (16 + 16 + 128) / 8 = 20 B -> 1.44 pJ.
TEST(action_energy, registers_per_mac_follow_operand_and_accumulator_widths) {
    const core_params p;
    const layer_cost i8 = of_layer(conv(3, 1, 1, 64, 1, precision::int8), res2, OS, p);
    EXPECT_NEAR(i8.energy.spad_j, 115605504 * 0.72e-12, 1e-12);
    EXPECT_NEAR(i8.energy.mac_j, 115605504 * 0.3e-12, 1e-12);
    const layer_cost i16 = of_layer(conv(3, 1, 1, 64, 1, precision::int16), res2, OS, p);
    EXPECT_NEAR(i16.energy.spad_j, 115605504 * 1.44e-12, 1e-12);
}

// Vector unit: no MACs nor registers; the clock of its 16 lanes for every
// cycle: max_pool 3x3/2 on 112x112x64 runs 112896 cycles -> 112896 * 16 *
// 0.6 pJ; its 1806336 taps read 4 B each and 200704 outputs written, all
// across the network at 1 pJ/B.
TEST(action_energy, vector_unit_pays_clock_and_network) {
    const core_params p;
    ref::layer mp = simple(ref::op_kind::max_pool);
    mp.geo.kernel_h = mp.geo.kernel_w = 3;
    mp.geo.stride_h = mp.geo.stride_w = 2;
    mp.geo.pad_top = mp.geo.pad_bottom = mp.geo.pad_left = mp.geo.pad_right = 1;
    const layer_cost c = of_layer(mp, nn::shape4{1, 112, 112, 64}, OS, p);
    EXPECT_EQ(c.energy.mac_j, 0.0);
    EXPECT_EQ(c.energy.spad_j, 0.0);
    EXPECT_NEAR(c.energy.clock_j, 112896.0 * 16 * 0.6e-12, 1e-15);
    EXPECT_NEAR(c.energy.noc_j, (1806336.0 * 4 + 200704.0 * 4) * 1e-12, 1e-15);
    EXPECT_NEAR(c.energy.vector_j, 1806336 * 0.9e-12, 1e-15);
}

// Hardware zero gating (Eyeriss) gates on zero activations alone, even when
// the command asks for no sparsity handling: activation density 0.25 leaves
// 115605504 / 4 = 28901376 MACs and their registers; the weight density is
// not looked at; cycles, buffers, network and clock are unchanged.
TEST(action_energy, hardware_zero_gating_uses_the_activation_density) {
    core_params p;
    p.zero_gating = true;
    sparsity sp;
    sp.kind = sparsity::none;
    sp.activation_density = 0.25;
    sp.weight_density = 0.5;
    const layer_cost dense = of_layer(conv(3, 1, 1, 64), res2, OS, core_params{}, sp);
    const layer_cost g = of_layer(conv(3, 1, 1, 64), res2, OS, p, sp);
    EXPECT_EQ(g.gated_macs, 115605504u - 28901376u);
    EXPECT_NEAR(g.energy.mac_j, 28901376 * 4.6e-12, 1e-12);
    EXPECT_NEAR(g.energy.spad_j, 28901376 * 1.152e-12, 1e-12);
    EXPECT_EQ(g.compute_cycles, dense.compute_cycles);
    EXPECT_DOUBLE_EQ(g.energy.buffer_j(), dense.energy.buffer_j());
    EXPECT_DOUBLE_EQ(g.energy.noc_j, dense.energy.noc_j);
    EXPECT_DOUBLE_EQ(g.energy.clock_j, dense.energy.clock_j);
    // Without the platform flag the same command gates nothing.
    EXPECT_EQ(dense.gated_macs, 0u);
    // With MODE.sparsity = gate both densities count: 0.25 * 0.5 of the MACs.
    sp.kind = sparsity::gate;
    EXPECT_EQ(of_layer(conv(3, 1, 1, 64), res2, OS, p, sp).gated_macs, 115605504u - 14450688u);
}

TEST(action_energy, split_adds_and_scales_every_part) {
    energy_split a;
    a.mac_j = 1;
    a.vector_j = 2;
    a.spad_j = 3;
    a.input_buffer_j = 4;
    a.weight_buffer_j = 5;
    a.output_buffer_j = 6;
    a.noc_j = 7;
    a.clock_j = 8;
    EXPECT_DOUBLE_EQ(a.total_j(), 36.0);
    EXPECT_DOUBLE_EQ(a.buffer_j(), 15.0);
    energy_split b = a.scaled(0.5);
    EXPECT_DOUBLE_EQ(b.total_j(), 18.0);
    EXPECT_DOUBLE_EQ(b.clock_j, 4.0);
    b += a;
    EXPECT_DOUBLE_EQ(b.total_j(), 54.0);
    EXPECT_DOUBLE_EQ(b.noc_j, 10.5);
}
