// The architecture questions of scenarios/exploration/, answered by running
// the scenarios (timing mode) and comparing their reports. Each expectation
// is derived from the fold model (docs/nncore_timing.md) before measuring;
// bounds are wide enough for model refinements and tight enough to catch a
// change of answer. Measured values are in docs/exploration.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "app/headline.h"
#include "tests/scenarios/scenario_runner.h"

namespace {

using nlohmann::json;
using namespace nnvp::test;

bool depthwise(const json& l) {
    return l.value("name", std::string()).find("/dw") != std::string::npos;
}
// conv2d layers with a full reduction (conv1 and the pointwise 1x1 layers).
bool dense_conv(const json& l) {
    return on_core(l) && l.value("type", std::string()) == "conv2d" && !depthwise(l);
}
bool depthwise_conv(const json& l) {
    return on_core(l) && depthwise(l);
}
bool any_core(const json& l) {
    return on_core(l);
}

double core(const json& r, const std::string& col) {
    return sum_layers(r, col, any_core);
}
double latency(const json& r) {
    return r.at("inferences").at(0).at("latency_s").get<double>();
}
double dram_bytes(const json& r) {
    const json& d = r.at("bus").at("targets").at("dram");
    return d.at("bytes_read").get<double>() + d.at("bytes_written").get<double>();
}
double energy(const json& r) {
    return r.at("power").at("energy_j").get<double>();
}
double mhz(const json& r, const std::string& domain) {
    const json& d = r.at("platform").at("domains").at(domain);
    return d.at("opps").at(d.at("initial").get<std::size_t>()).at("mhz").get<double>();
}

#define RUN(var, rel)                  \
    const json var = run_checked(rel); \
    ASSERT_TRUE(var.is_object())
// A variant of a scenario (its expected metrics do not apply).
#define RUN_WITH(var, rel, extra)                         \
    const json var = run_checked(rel, extra, false); \
    ASSERT_TRUE(var.is_object())

}  // namespace

// Fold model: a dense conv on 32x32 has a quarter of the folds, each longer
// by the fill and drain (rows + cols more cycles), so the ratio lies between
// 4 (long streams) and about 2.4 (MobileNet's shortest pointwise streams).
// A depthwise group maps one filter (M = 1) onto one column: no fewer folds,
// only a longer fill, so the bigger array is slower there.
TEST(exploration, a_32x32_array_speeds_up_dense_convs_but_not_depthwise_ones) {
    RUN(base, "exploration/mobilenet_v1_base.json");
    RUN(big, "exploration/mobilenet_v1_array_32x32.json");
    EXPECT_EQ(core(base, "macs"), core(big, "macs"));
    const double dense = sum_layers(base, "compute_cycles", dense_conv) /
                         sum_layers(big, "compute_cycles", dense_conv);
    EXPECT_GE(dense, 2.5);
    EXPECT_LE(dense, 4.0);
    const double dw = sum_layers(base, "compute_cycles", depthwise_conv) /
                      sum_layers(big, "compute_cycles", depthwise_conv);
    EXPECT_GT(dw, 0.5);
    EXPECT_LT(dw, 0.95);
    // The answer for MobileNet: depthwise time and DRAM stalls dominate, so
    // four times the PEs buy no latency (measured: 8% slower).
    EXPECT_GT(latency(big), 0.98 * latency(base));
    EXPECT_LT(*nnvp::headline_value(big, "utilization"),
              *nnvp::headline_value(base, "utilization"));
}

// INT4 PEs take 8 MACs per cycle instead of 4: the stream halves, fill and
// drain do not, so the INT4 layers' compute cycles drop by 1.5x..2x; their
// tensors are half as many bytes (4-bit), so DRAM traffic about halves.
TEST(exploration, int4_layers_take_fewer_cycles_and_bytes_than_int8) {
    RUN(int8, "exploration/mobilenet_v1_base.json");
    RUN(int4, "exploration/mobilenet_v1_int4.json");
    std::set<std::string> int4_layers;
    for (const json& l : int4["layers"]) {
        EXPECT_FALSE(!on_core(l) && l.value("macs", 0.0) > 0)
            << l["name"] << " fell back to the CPU";
        if (on_core(l) && l.value("precision", std::string()) == "int4")
            int4_layers.insert(l["name"].get<std::string>());
    }
    EXPECT_GE(int4_layers.size(), 12u);  // conv1 .. conv4_2/sep
    const auto in_int4 = [&](const json& l) { return int4_layers.count(l.value("name", "")) > 0; };
    const double cycles =
        sum_layers(int8, "compute_cycles", in_int4) / sum_layers(int4, "compute_cycles", in_int4);
    EXPECT_GE(cycles, 1.5);
    EXPECT_LE(cycles, 2.0);
    const double bytes =
        sum_layers(int8, "dram_read_bytes", in_int4) / sum_layers(int4, "dram_read_bytes", in_int4);
    EXPECT_GE(bytes, 1.8);
    EXPECT_LT(latency(int4), 0.95 * latency(int8));
    EXPECT_LT(energy(int4), 0.9 * energy(int8));
    EXPECT_LT(dram_bytes(int4), 0.8 * dram_bytes(int8));
}

// FP16 PEs take 2 MACs per cycle instead of 4 (compute cycles x1.8..2) and
// every tensor doubles in bytes; an FP16 MAC costs 2.0 pJ against 0.3.
TEST(exploration, fp16_doubles_compute_cycles_and_dram_bytes_of_int8) {
    RUN(int8, "exploration/mobilenet_v1_base.json");
    RUN(fp16, "exploration/mobilenet_v1_fp16.json");
    EXPECT_EQ(core(int8, "macs"), core(fp16, "macs"));
    const double cycles = core(fp16, "compute_cycles") / core(int8, "compute_cycles");
    EXPECT_GE(cycles, 1.8);
    EXPECT_LE(cycles, 2.0);
    EXPECT_GE(dram_bytes(fp16) / dram_bytes(int8), 1.8);
    EXPECT_GE(energy(fp16) / energy(int8), 1.5);
    EXPECT_GE(latency(fp16) / latency(int8), 1.5);
}

// DRAM bandwidth does not enter the fold model, only the mapper's choice of
// tiles (it weighs each tile's DRAM time against its compute): compute
// cycles stay within 1%. A layer is memory-bound when it moves more DRAM bytes per
// compute cycle than DRAM delivers per NN-core cycle (16 B x 800 MHz /
// 1000 MHz = 12.8); at half bandwidth its time grows by well over 1.4x,
// while layers under half that (6.4 B/cycle) stay compute-bound (< 1.2x).
TEST(exploration, halved_dram_bandwidth_slows_the_memory_bound_layers) {
    RUN(base, "exploration/mobilenet_v1_base.json");
    RUN(half, "exploration/mobilenet_v1_dram_half.json");
    RUN(twice, "exploration/mobilenet_v1_dram_double.json");
    EXPECT_NEAR(core(half, "compute_cycles"), core(base, "compute_cycles"),
                0.01 * core(base, "compute_cycles"));
    EXPECT_NEAR(core(twice, "compute_cycles"), core(base, "compute_cycles"),
                0.01 * core(base, "compute_cycles"));

    const double bytes_per_core_cycle = base["platform"]["dram"]["bytes_per_cycle"].get<double>() *
                                        mhz(base, "dram") / mhz(base, "nncore");
    ASSERT_NEAR(bytes_per_core_cycle, 12.8, 1e-9);
    std::set<std::string> memory_bound, compute_bound;
    for (const json& l : base["layers"]) {
        if (!on_core(l) || l["compute_cycles"].get<double>() <= 0)
            continue;
        const double per_cycle =
            (l["dram_read_bytes"].get<double>() + l["dram_write_bytes"].get<double>()) /
            l["compute_cycles"].get<double>();
        if (per_cycle > bytes_per_core_cycle)
            memory_bound.insert(l["name"].get<std::string>());
        else if (per_cycle < bytes_per_core_cycle / 2)
            compute_bound.insert(l["name"].get<std::string>());
    }
    ASSERT_GE(memory_bound.size(), 4u);   // conv1, early pointwise, conv6/sep, fc7 ...
    ASSERT_GE(compute_bound.size(), 8u);  // the depthwise layers
    const auto in = [](const std::set<std::string>& s) {
        return [&s](const json& l) { return s.count(l.value("name", "")) > 0; };
    };
    EXPECT_GE(
        sum_layers(half, "cycles", in(memory_bound)) / sum_layers(base, "cycles", in(memory_bound)),
        1.4);
    EXPECT_LE(sum_layers(half, "cycles", in(compute_bound)) /
                  sum_layers(base, "cycles", in(compute_bound)),
              1.2);
    EXPECT_GE(latency(half) / latency(base), 1.15);
    // Doubling buys little: most time is compute and fill/drain already.
    EXPECT_LE(latency(twice), latency(base));
    EXPECT_GE(latency(twice), 0.9 * latency(base));
}

// Smaller buffers: smaller tiles (more partly used folds) and more channel
// groups (the input read again per group): more cycles and DRAM bytes.
// Bigger buffers the reverse. The MACs never change.
TEST(exploration, buffer_size_trades_dram_traffic_and_latency) {
    RUN(base, "exploration/mobilenet_v1_base.json");
    RUN(half, "exploration/mobilenet_v1_buffers_half.json");
    RUN(twice, "exploration/mobilenet_v1_buffers_double.json");
    EXPECT_EQ(core(half, "macs"), core(base, "macs"));
    EXPECT_EQ(core(twice, "macs"), core(base, "macs"));
    EXPECT_GE(dram_bytes(half) / dram_bytes(base), 1.1);
    EXPECT_GE(latency(half) / latency(base), 1.2);
    EXPECT_LE(dram_bytes(twice) / dram_bytes(base), 0.95);
    EXPECT_LE(latency(twice) / latency(base), 0.95);
}

// Automatic dataflow minimises what it is asked to, per layer: with
// auto_objective = energy the core's layer energy goes down and its compute
// cycles up, and some layers change dataflow (WS/IS spill partial sums).
TEST(exploration, dataflow_chosen_for_energy_saves_energy_and_costs_cycles) {
    RUN(cycles, "exploration/mobilenet_v1_base.json");
    RUN(joules, "exploration/mobilenet_v1_dataflow_energy.json");
    EXPECT_LE(core(joules, "energy_j"), 0.9 * core(cycles, "energy_j"));
    EXPECT_GT(core(joules, "compute_cycles"), core(cycles, "compute_cycles"));
    int changed = 0;
    ASSERT_EQ(cycles["layers"].size(), joules["layers"].size());
    for (std::size_t i = 0; i < cycles["layers"].size(); ++i)
        changed += cycles["layers"][i]["dataflow"] != joules["layers"][i]["dataflow"];
    EXPECT_GE(changed, 3);
}

// 50% zero INT8 weights as a bitmap: 1 presence bit per weight (73728 / 8 =
// 9216 B) plus the non-zero bytes (36864, less the ~1/41 of the kept values
// that the seeded draw in [-20, 20] makes zero: ~35965) = ~45181 B instead
// of 73728. The layer reads that much less from DRAM, within 1%; its
// compute cycles do not change (no gating or skipping in this program); the
// expansion (73728 / 16 elements per cycle = 4608 cycles) outweighs the
// DMA time saved (28.5 KB / 12.8 B per cycle = ~2230), so stalls grow.
TEST(exploration, compressed_sparse_weights_save_dram_bytes_not_cycles) {
    RUN(dense, "exploration/conv_dense.json");
    RUN(sparse, "exploration/conv_sparse50_compressed.json");
    EXPECT_EQ(core(sparse, "compute_cycles"), core(dense, "compute_cycles"));
    EXPECT_EQ(core(sparse, "zero_skipped_macs"), 0);
    const double saved = core(dense, "dram_read_bytes") - core(sparse, "dram_read_bytes");
    EXPECT_NEAR(saved, 73728.0 - 45181.0, 0.01 * 73728);
    EXPECT_GT(core(sparse, "stall_cycles"), core(dense, "stall_cycles"));
    // The saved bytes at 160 pJ/B, less what the expansion costs: 73728
    // dense bytes written into the 128 KiB weight buffer (5 pJ/B) plus the
    // decompressor's 0.03 pJ/B, ~0.37 uJ of the ~4.6 uJ saved.
    const double dj = energy(dense) - energy(sparse);
    const double expansion_j = 73728.0 * (5.0 + 0.03) * 1e-12;
    EXPECT_LT(dj, saved * 160e-12);
    EXPECT_NEAR(dj, saved * 160e-12 - expansion_j, 0.02 * saved * 160e-12);
}

// Skipping on one layer: the output-stationary stream carries weights and
// inputs along K, so with half the weights zero (inputs dense) half of each
// fold's steps go; fill and drain stay, so the cycles fall by less than
// half. Gating comes with skipping: the skipped MACs cost nothing, and
// neither do the executed ones with a zero operand. DRAM reads do not move.
TEST(exploration, zero_skipping_halves_the_stream_of_a_half_zero_layer) {
    RUN(stored, "exploration/conv_sparse50_compressed.json");
    RUN(skip, "exploration/conv_sparse50_skip.json");
    EXPECT_EQ(core(skip, "macs"), core(stored, "macs"));
    EXPECT_NEAR(core(skip, "zero_skipped_macs") / core(skip, "macs"), 0.5, 0.01);
    const double ratio = core(skip, "compute_cycles") / core(stored, "compute_cycles");
    EXPECT_GT(ratio, 0.5);
    EXPECT_LT(ratio, 0.75);
    EXPECT_EQ(core(skip, "dram_read_bytes"), core(stored, "dram_read_bytes"));
    EXPECT_LT(core(skip, "energy_j"), 0.7 * core(stored, "energy_j"));
}

// A pruned network (half of every layer's weights zero, activation density
// 0.5): pruning alone changes nothing (dense storage, no zero handling);
// gating keeps every cycle and saves exactly the MAC and PE-register energy
// of the MACs with a zero operand, 1 - 0.5 * 0.5 of them, at 0.3 pJ per INT8
// MAC plus (8 + 8 + 2 * 32) / 8 = 10 register bytes x 0.072 pJ = 0.72 pJ, at
// the nominal 0.9 V scaled by (0.85 / 0.9)^2 for the core's 1 GHz OPP
// (nn/cost/core_params.h); skipping also shortens the streams.
TEST(exploration, gating_saves_mac_energy_and_skipping_saves_cycles_on_a_pruned_network) {
    RUN(base, "exploration/mobilenet_v1_base.json");
    RUN_WITH(pruned, "exploration/mobilenet_v1_pruned50_skip.json",
             "--set workload.sparsity.mode=none");
    RUN_WITH(gate, "exploration/mobilenet_v1_pruned50_skip.json",
             "--set workload.sparsity.mode=gate");
    RUN(skip, "exploration/mobilenet_v1_pruned50_skip.json");
    EXPECT_DOUBLE_EQ(energy(pruned), energy(base));
    EXPECT_EQ(core(pruned, "compute_cycles"), core(base, "compute_cycles"));
    EXPECT_EQ(core(gate, "compute_cycles"), core(base, "compute_cycles"));
    EXPECT_DOUBLE_EQ(latency(gate), latency(base));
    const double mac_j = (0.3e-12 + 0.72e-12) * (0.85 / 0.9) * (0.85 / 0.9);
    EXPECT_NEAR(energy(base) - energy(gate), 0.75 * core(base, "macs") * mac_j,
                0.01 * 0.75 * core(base, "macs") * mac_j);
    EXPECT_GT(core(skip, "zero_skipped_macs"), 0.5 * core(skip, "macs"));
    for (std::size_t i = 0; i < base["layers"].size(); ++i)
        EXPECT_LE(skip["layers"][i]["compute_cycles"], base["layers"][i]["compute_cycles"])
            << base["layers"][i]["name"];
    EXPECT_LT(core(skip, "compute_cycles"), 0.8 * core(base, "compute_cycles"));
    EXPECT_LT(latency(skip), 0.9 * latency(base));
    EXPECT_LT(energy(skip), energy(gate));
    EXPECT_EQ(dram_bytes(skip), dram_bytes(base));
}

// Activations on chip: MobileNet's 1.36 MB arena in a 2 MiB SRAM. The
// compute cycles stay; the activation traffic leaves DRAM byte for byte;
// each such byte costs the SRAM's 17.7 pJ instead of DRAM's 160 pJ, less
// the bigger SRAM's extra 6 mW of leakage over the run; stalls fall a
// little (SRAM answers in 2 cycles, DRAM in 40), so latency does too.
TEST(exploration, activations_in_sram_save_the_dram_energy_of_their_traffic) {
    RUN(base, "exploration/mobilenet_v1_base.json");
    RUN(sram, "exploration/mobilenet_v1_sram_2m.json");
    EXPECT_EQ(core(sram, "compute_cycles"), core(base, "compute_cycles"));
    const json& t = sram.at("bus").at("targets").at("sram");
    const double moved = t.at("bytes_read").get<double>() + t.at("bytes_written").get<double>();
    EXPECT_EQ(dram_bytes(base) - dram_bytes(sram), moved);
    EXPECT_GT(moved, 0.7 * dram_bytes(base));
    const double leak = 6e-3 * sram.at("sim").at("simulated_s").get<double>();
    const double saved = moved * (160e-12 - 17.7e-12) - leak;
    EXPECT_NEAR(energy(base) - energy(sram), saved, 0.05 * saved);
    EXPECT_LT(core(sram, "stall_cycles"), core(base, "stall_cycles"));
    EXPECT_LT(latency(sram), latency(base));
}
