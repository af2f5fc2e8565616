// Packages whose layers run in passes over their input channels
// (sw/compiler/channel_split.h): a fully connected layer whose input row
// does not fit the input slot, and a conv the mapper runs in wide output-
// channel groups of passes rather than narrow groups. Each package runs on
// the host interpreter and equals compiler::reference_run bit for bit.
#include <gtest/gtest.h>

#include "sw/compiler/reference.h"
#include "tests/sw/compiler/graph_package_util.h"

using namespace nnvp;
using namespace nnvp::compiler;
using namespace nnvp::test;

namespace {

build_options small_buffers(channel_split_policy split) {
    build_options o = options();
    o.buffers = {8, 8, 8};  // 4 KiB input and output slots
    o.channel_split = split;
    return o;
}

}  // namespace

// 6144 inputs per image against a 4 KiB input slot: no tile of whole images
// fits, so the layer is a CPU step unless it runs in passes over K.
TEST(split_package, fully_connected_wider_than_the_input_slot_runs_in_passes) {
    std::mt19937 rng(31);
    network net;
    net.name = "wide_input_fc";
    net.input_shape = {2, 4, 4, 384};
    net.input_q = q_act;
    const ref::layer fc = int8_layer("fc", ref::op_kind::fully_connected, 40);
    net.ops.push_back(layer_op(fc, random_int8(rng, {40, 1, 1, 6144})));
    const built_package off = build(net, small_buffers(channel_split_policy::off));
    EXPECT_EQ(off.kinds[0], step_kind::cpu_layer);
    const built_package p = build(net, small_buffers(channel_split_policy::fallback));
    ASSERT_EQ(p.kinds[0], step_kind::core);
    const mapping_choice& m = p.mappings[0].front();
    EXPECT_GT(m.candidates[m.chosen].passes, 1);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x}, small_buffers(channel_split_policy::fallback).buffers)),
              reference_run(net, {x}).back().bytes());
}

// 512 input channels of 3x3 weights (4.5 KiB per output channel) against an
// 8 KiB weight buffer: output-channel groups of one channel each (fallback:
// they fit), or (the
// mapper's pick with the core's parameters) wide groups in passes.
TEST(split_package, the_mapper_prefers_wide_groups_in_passes_and_stays_exact) {
    std::mt19937 rng(32);
    network net;
    net.name = "deep_conv";
    net.input_shape = {1, 6, 2, 512};  // 1 KiB rows: three fit the input slot
    net.input_q = q_act;
    const ref::layer c = int8_layer("conv", ref::op_kind::conv2d, 64, 3);
    net.ops.push_back(layer_op(c, random_int8(rng, {64, 3, 3, 512})));
    build_options o = small_buffers(channel_split_policy::mapper);
    o.core = cost::core_params{};
    o.dram_bytes_per_cycle = 16;
    const built_package narrow = build(net, [&] {
        build_options f = o;
        f.channel_split = channel_split_policy::fallback;
        return f;
    }());
    const built_package p = build(net, o);
    ASSERT_EQ(p.kinds[0], step_kind::core);
    uint64_t narrow_cycles = 0, split_cycles = 0;
    for (const mapping_choice& m : narrow.mappings[0])
        narrow_cycles += m.candidates[m.chosen].est_cycles;
    for (const mapping_choice& m : p.mappings[0]) {
        split_cycles += m.candidates[m.chosen].est_cycles;
        EXPECT_GT(m.candidates[m.chosen].passes, 1);
    }
    EXPECT_LT(p.core_programs[0], narrow.core_programs[0]);
    EXPECT_LT(split_cycles, narrow_cycles);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x}, o.buffers)),
              reference_run(net, {x}).back().bytes());
}
