// Packages of DAG networks: output-channel splitting, concats done in place,
// several inputs and constants, CPU-op steps and the arena planner. Each
// package runs on the host (core steps on the stream interpreter, CPU-op
// steps through nn/cpuops, as the firmware runtime does) and must equal
// compiler::reference_run bit for bit.
#include <gtest/gtest.h>

#include <random>

#include "sw/compiler/interpreter.h"
#include "nn/tensor/tensor_pack.h"
#include "sw/compiler/arena_plan.h"
#include "sw/compiler/builder.h"
#include "sw/compiler/reference.h"
#include "arch/package/validator.h"
#include "nn/ref/quant.h"
#include "tests/sw/compiler/graph_package_util.h"

using namespace nnvp;
using namespace nnvp::package;
using namespace nnvp::compiler;
using namespace nnvp::test;

// 4096 inputs x 64 outputs of int8 weights is 256 KiB: twice the weight
// buffer. The layer is split over output channels, each group storing its
// channel slice of the output.
TEST(graph_package, fully_connected_too_big_for_the_weight_buffer_is_split) {
    std::mt19937 rng(1);
    network net;
    net.name = "wide_fc";
    net.input_shape = {2, 1, 1, 4096};
    net.input_q = q_act;
    const ref::layer fc = int8_layer("fc", ref::op_kind::fully_connected, 64);
    net.ops.push_back(layer_op(fc, random_int8(rng, {64, 1, 1, 4096})));
    const built_package p = build(net, options());
    ASSERT_EQ(p.kinds[0], step_kind::core);
    // floor(0.9 * 128 KiB / 4 KiB) = 28 channels per group: 28 + 28 + 8.
    EXPECT_EQ(p.core_programs[0], 3u);
    const nn::tensor x = random_int8(rng, net.input_shape);
    const std::vector<uint8_t> mem = run_on_host(p, {x});
    EXPECT_EQ(output_bytes(p, net, mem), reference_run(net, {x}).back().bytes());
}

TEST(graph_package, conv_split_over_output_channels_matches_the_reference) {
    std::mt19937 rng(2);
    network net;
    net.name = "wide_conv";
    net.input_shape = {1, 10, 10, 256};
    net.input_q = q_act;
    const ref::layer c = int8_layer("conv", ref::op_kind::conv2d, 96, 3);  // 96 x 2304 B = 216 KiB
    net.ops.push_back(layer_op(c, random_int8(rng, {96, 3, 3, 256})));
    const built_package p = build(net, options());
    ASSERT_EQ(p.kinds[0], step_kind::core);
    EXPECT_GT(p.core_programs[0], 1u);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x})), reference_run(net, {x}).back().bytes());
}

// A wide conv whose weights split over output channels and whose rows do
// not fit the input slot: each group's column blocks store their channel
// slice with 3-D moves (rows x pixels x channels), bit for bit; likewise a
// grouped conv's part loads its input channels from column blocks.
TEST(graph_package, column_blocks_of_output_channel_groups_match_the_reference) {
    std::mt19937 rng(12);
    network net;
    net.name = "wide_rows";
    net.input_shape = {1, 6, 64, 32};  // 2 KiB rows; the input slot holds 2 KiB
    net.input_q = q_act;
    const ref::layer c = int8_layer("conv", ref::op_kind::conv2d, 96, 3);  // 27 KiB of weights
    net.ops.push_back(layer_op(c, random_int8(rng, {96, 3, 3, 32})));
    ref::layer g = int8_layer("grouped", ref::op_kind::conv2d, 64, 3);
    g.geo.groups = 2;
    net.ops.push_back(layer_op(g, random_int8(rng, {64, 3, 3, 48})));
    build_options o = options();
    o.buffers = {4, 16, 8};
    const built_package p = build(net, o);
    ASSERT_EQ(p.kinds[0], step_kind::core) << p.cpu_reasons[0];
    ASSERT_EQ(p.kinds[1], step_kind::core) << p.cpu_reasons[1];
    EXPECT_GT(p.core_programs[0], 1u);
    EXPECT_GT(p.core_programs[1], 1u);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x})), reference_run(net, {x}).back().bytes());
}

// AlexNet-style grouped conv (2 groups) whose weights exceed a 16 KiB weight
// buffer: split at the group boundary, each half reading its 32 input
// channels with strided loads and storing its 48 output channels.
TEST(graph_package, grouped_conv_split_reads_its_input_channel_slice) {
    std::mt19937 rng(6);
    network net;
    net.name = "grouped";
    net.input_shape = {1, 6, 6, 64};
    net.input_q = q_act;
    ref::layer c = int8_layer("conv", ref::op_kind::conv2d, 96, 3);
    c.geo.groups = 2;  // weights 96 x 3 x 3 x 32 = 27 KiB
    net.ops.push_back(layer_op(c, random_int8(rng, {96, 3, 3, 32})));
    build_options o = options();
    o.buffers.weight_kb = 16;
    const built_package p = build(net, o);
    ASSERT_EQ(p.kinds[0], step_kind::core);
    EXPECT_EQ(p.core_programs[0], 2u);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x}, o.buffers)), reference_run(net, {x}).back().bytes());
}

// When even one group's weights exceed the buffer (AlexNet conv2: 128 x 1200
// bytes per group against 128 KiB), each group is cut into output-channel
// slices over that group's input channels.
TEST(graph_package, grouped_conv_with_groups_larger_than_the_buffer) {
    std::mt19937 rng(7);
    network net;
    net.name = "big_groups";
    net.input_shape = {1, 5, 5, 32};
    net.input_q = q_act;
    ref::layer c = int8_layer("conv", ref::op_kind::conv2d, 64, 3);
    c.geo.groups = 2;  // 32 outputs x 3 x 3 x 16 = 4.5 KiB per group
    net.ops.push_back(layer_op(c, random_int8(rng, {64, 3, 3, 16})));
    build_options o = options();
    o.buffers.weight_kb = 2;  // 90%: 1843 bytes = 12 channels of 144 bytes
    const built_package p = build(net, o);
    ASSERT_EQ(p.kinds[0], step_kind::core);
    EXPECT_EQ(p.core_programs[0], 6u);  // per group: 12 + 12 + 8
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x}, o.buffers)), reference_run(net, {x}).back().bytes());
}

// INT4 outputs split too: two channels make a byte, so groups are even and
// each pixel's slice is whole bytes.
TEST(graph_package, int4_layer_split_over_output_channels) {
    std::mt19937 rng(8);
    network net;
    net.name = "int4";
    net.input_type = nn::dtype::int4;
    net.input_shape = {1, 4, 4, 64};
    net.input_q = q_act;
    ref::layer c = int8_layer("conv", ref::op_kind::conv2d, 0, 1);
    c.prec = ref::precision::int4;
    c.out_channels = 42;
    c.w_scales.assign(42, 0.01f);
    ref::lower_quantization(c);
    nn::tensor w(nn::dtype::int4, {42, 1, 1, 64});
    for (std::size_t k = 0; k < w.size(); ++k)
        w.set_int(k, std::uniform_int_distribution<int>(-8, 7)(rng));
    net.ops.push_back(layer_op(c, w));
    build_options o = options();
    // 90% of 1 KiB: 921 bytes = 28 channels of 32 weight bytes; with their
    // bias (4 B) and multipliers (8 B) 28 channels need 1232 bytes and are
    // refused, so 28 * 3/4 = 21 -> 20 (even): 20 + 20 + 2 channels.
    o.buffers.weight_kb = 1;
    const built_package p = build(net, o);
    ASSERT_EQ(p.kinds[0], step_kind::core);
    EXPECT_EQ(p.core_programs[0], 3u);
    nn::tensor x(nn::dtype::int4, net.input_shape);
    for (std::size_t k = 0; k < x.size(); ++k)
        x.set_int(k, std::uniform_int_distribution<int>(-8, 7)(rng));
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x}, o.buffers)), reference_run(net, {x}).back().bytes());
}

// Two 1x1 branches concatenated along channels, then a 3x3 conv: the branches
// store straight into their slices and the concat step disappears.
TEST(graph_package, concat_of_core_outputs_is_done_in_place) {
    std::mt19937 rng(3);
    network net;
    net.name = "inception";
    net.input_shape = {1, 8, 8, 16};
    net.input_q = q_act;
    net.ops.push_back(layer_op(int8_layer("b1", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 16})));
    net.ops.push_back(layer_op(int8_layer("b2", ref::op_kind::conv2d, 24), random_int8(rng, {24, 1, 1, 16})));
    net.ops.back().in = {0};
    net.ops.push_back(cpu_op({cpuops::kind::concat, {3}, {}}, {1, 2}, "cat"));
    net.ops.push_back(layer_op(int8_layer("c", ref::op_kind::conv2d, 8, 3), random_int8(rng, {8, 3, 3, 32})));
    const built_package p = build(net, options());
    EXPECT_EQ(p.kinds[2], step_kind::none);
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v).ok());
    EXPECT_EQ(v.steps.size(), 3u);
    EXPECT_EQ(v.tensors[1].role, tensor_role::view);
    EXPECT_EQ(v.tensors[2].role, tensor_role::view);
    EXPECT_EQ(v.tensors[1].address, v.tensors[3].address);      // b1: channels 0..7
    EXPECT_EQ(v.tensors[2].address, v.tensors[3].address + 8);  // b2: channels 8..31
    const nn::tensor x = random_int8(rng, net.input_shape);
    const std::vector<uint8_t> mem = run_on_host(p, {x});
    const std::vector<nn::tensor> ref = reference_run(net, {x});
    const tensor_desc& cat = p.tensors[3];
    const auto at = mem.begin() + static_cast<long>(cat.address - load_at);
    EXPECT_EQ(std::vector<uint8_t>(at, at + static_cast<long>(ref[3].bytes().size())), ref[3].bytes());
    EXPECT_EQ(output_bytes(p, net, mem), ref.back().bytes());
}

// Reshapes in the middle are free: their outputs alias their inputs (the
// network input too), whose buffers then live until the aliases' last
// reader; here b is computed while r still holds a's bytes.
TEST(graph_package, reshapes_alias_their_inputs_and_keep_them_alive) {
    std::mt19937 rng(8);
    network net;
    net.name = "reshapes";
    net.input_shape = {1, 4, 4, 8};
    net.input_q = q_act;
    net.ops.push_back(layer_op(int8_layer("a", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    net.ops.push_back(reshape_op({1, 2, 8, 8}, "r"));  // tensor 2, alias of a (1)
    net.ops.push_back(layer_op(int8_layer("b", ref::op_kind::conv2d, 8, 3), random_int8(rng, {8, 3, 3, 8})));
    net.ops.back().in = {0};
    net.ops.push_back(reshape_op({1, 2, 8, 8}, "r2"));  // tensor 4, alias of b (3)
    net.ops.push_back(layer_op(int8_layer("sum", ref::op_kind::add, 0)));
    net.ops.back().in = {2, 4};
    net.ops.push_back(reshape_op({1, 16, 1, 8}, "x2"));  // tensor 6, alias of the input
    net.ops.back().in = {0};
    // A transpose that moves only a dim of size 1 keeps the bytes too.
    net.ops.push_back(cpu_op({cpuops::kind::transpose, {0, 2, 1, 3}, {}}, {}, "x2t"));
    net.ops.push_back(reshape_op({1, 2, 8, 8}, "x3"));  // tensor 8, alias of an alias
    net.ops.push_back(layer_op(int8_layer("out", ref::op_kind::add, 0)));
    net.ops.back().in = {5, 8};
    const built_package p = build(net, options());
    for (std::size_t i : {1, 3, 5, 6, 7})
        EXPECT_EQ(p.kinds[i], step_kind::none) << i;
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v).ok());
    EXPECT_EQ(v.steps.size(), 4u);
    EXPECT_EQ(v.tensors[2].address, v.tensors[1].address);
    EXPECT_EQ(v.tensors[4].address, v.tensors[3].address);
    for (uint16_t t : {6, 7, 8})
        EXPECT_EQ(v.tensors[t].address, v.tensors[0].address) << t;
    EXPECT_NE(v.tensors[3].address, v.tensors[1].address);  // a is alive while b is written
    for (uint16_t t : {2, 4, 6, 7, 8})
        EXPECT_EQ(v.tensors[t].role, tensor_role::activation) << t;
    const nn::tensor x = random_int8(rng, net.input_shape);
    const std::vector<nn::tensor> ref = reference_run(net, {x});
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x})), ref.back().bytes());
}

// A transpose that reorders bytes is a step, and computes the reference.
TEST(graph_package, a_transpose_that_moves_bytes_stays_a_step) {
    std::mt19937 rng(9);
    network net;
    net.name = "transpose";
    net.input_shape = {1, 2, 8, 8};
    net.input_q = q_act;
    net.ops.push_back(cpu_op({cpuops::kind::transpose, {0, 2, 1, 3}, {}}, {}, "t"));
    net.ops.push_back(layer_op(int8_layer("a", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    const built_package p = build(net, options());
    EXPECT_EQ(p.kinds[0], step_kind::cpu_op);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x})), reference_run(net, {x}).back().bytes());
}

// A concat with an operand no core step produces (here the network input)
// stays a CPU step, and still computes the reference.
TEST(graph_package, concat_of_the_network_input_stays_a_cpu_step) {
    std::mt19937 rng(4);
    network net;
    net.name = "shared";
    net.input_shape = {1, 4, 4, 8};
    net.input_q = q_act;
    net.ops.push_back(layer_op(int8_layer("b1", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    net.ops.push_back(cpu_op({cpuops::kind::concat, {3}, {}}, {1, 0}, "cat"));
    const built_package p = build(net, options());
    EXPECT_EQ(p.kinds[1], step_kind::cpu_op);
    const nn::tensor x = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x})), reference_run(net, {x}).back().bytes());
}

// A second network input and a constant: out = (x + y) * k.
TEST(graph_package, extra_inputs_and_constants) {
    std::mt19937 rng(5);
    network net;
    net.name = "two_inputs";
    net.input_shape = {1, 4, 4, 8};
    net.input_q = q_act;
    net.extra_inputs.push_back({"y", {1, 4, 4, 8}, nn::dtype::int8, q_act});
    net.constants.push_back({"k", random_int8(rng, {1, 1, 1, 8}), q_act});
    net.ops.push_back(layer_op(int8_layer("add", ref::op_kind::add, 0)));
    net.ops.push_back(layer_op(int8_layer("mul", ref::op_kind::mul, 0)));
    // Indices of inputs and constants follow the ops: set them once all are in.
    net.ops[0].in = {0, net.extra_input_index(0)};
    net.ops[1].in = {1, net.constant_index(0)};
    const built_package p = build(net, options());
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v).ok());
    EXPECT_EQ(v.tensors[3].role, tensor_role::input);
    EXPECT_EQ(v.tensors[4].role, tensor_role::constant);
    EXPECT_LT(v.tensors[4].address, load_at + p.image.size());  // inside the package
    const nn::tensor x = random_int8(rng, net.input_shape), y = random_int8(rng, net.input_shape);
    EXPECT_EQ(output_bytes(p, net, run_on_host(p, {x, y})),
              reference_run(net, {x, y})[static_cast<std::size_t>(net.output_index())].bytes());
}

// A further network output (an intermediate tensor the host also reads) is
// flagged, stays live to the end of the run, and is never a concat's view.
TEST(graph_package, extra_outputs_are_flagged_and_kept_whole) {
    std::mt19937 rng(6);
    network net;  // a -> b -> c -> d; a's buffer would be free for c without the flag
    net.name = "two_outputs";
    net.input_shape = {1, 4, 4, 8};
    net.input_q = q_act;
    for (const char* name : {"a", "b", "c", "d"})
        net.ops.push_back(
            layer_op(int8_layer(name, ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    net.extra_outputs = {1};
    const built_package p = build(net, options());
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v).ok());
    EXPECT_EQ(v.tensors[1].flags, tensor_flag_output);
    EXPECT_EQ(v.tensors[3].flags, 0);
    EXPECT_EQ(network_outputs(v), (std::vector<uint16_t>{4, 1}));
    for (uint16_t t : {2, 3, 4})  // nothing later shares a's bytes
        EXPECT_TRUE(v.tensors[t].address >= v.tensors[1].address + v.tensors[1].bytes() ||
                    v.tensors[t].address + v.tensors[t].bytes() <= v.tensors[1].address)
            << "tensor " << t;
    const nn::tensor x = random_int8(rng, net.input_shape);
    const std::vector<uint8_t> mem = run_on_host(p, {x});
    const std::vector<nn::tensor> ref = reference_run(net, {x});
    const auto at = mem.begin() + static_cast<long>(v.tensors[1].address - load_at);
    EXPECT_EQ(std::vector<uint8_t>(at, at + static_cast<long>(ref[1].bytes().size())),
              ref[1].bytes());
    EXPECT_EQ(output_bytes(p, net, mem), ref.back().bytes());

    net.extra_outputs = {4};  // the output itself
    EXPECT_THROW(build(net, options()), std::invalid_argument);
    net.extra_outputs = {2, 1};  // not ascending
    EXPECT_THROW(build(net, options()), std::invalid_argument);

    network cat;  // a concat input that is an output stays whole: the concat runs on the CPU
    cat.name = "cat_output";
    cat.input_shape = {1, 4, 4, 8};
    cat.input_q = q_act;
    cat.ops.push_back(
        layer_op(int8_layer("a", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    cat.ops.push_back(
        layer_op(int8_layer("b", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    cat.ops.back().in = {0};
    cat.ops.push_back(cpu_op({cpuops::kind::concat, {3}, {}}, {1, 2}, "cat"));
    EXPECT_EQ(build(cat, options()).kinds[2], step_kind::none);
    cat.extra_outputs = {1};
    EXPECT_EQ(build(cat, options()).kinds[2], step_kind::cpu_op);
}

// The validator accepts the output flag on activations only.
TEST(graph_package, output_flag_on_an_input_is_rejected) {
    std::mt19937 rng(7);
    network net;
    net.name = "flags";
    net.input_shape = {1, 4, 4, 8};
    net.input_q = q_act;
    net.ops.push_back(
        layer_op(int8_layer("a", ref::op_kind::conv2d, 8), random_int8(rng, {8, 1, 1, 8})));
    built_package p = build(net, options());
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v).ok());
    const std::size_t tensors_at = v.section(section_kind::tensors).offset;
    for (uint8_t flags : {uint8_t{1}, uint8_t{2}}) {
        std::vector<uint8_t> img = compiler::to_vector(p.image);
        img[tensors_at + 26] = flags;  // tensor 0, the network input
        seal(img);
        const validation r = validate(img.data(), img.size(), load_at, {dram_base, dram_size});
        EXPECT_EQ(r.error, package_error::bad_tensor) << r.message;
        EXPECT_NE(r.message.find("tensor 0: flags"), std::string::npos) << r.message;
    }
}

TEST(graph_package, bad_operands_are_named) {
    network net;
    net.name = "bad";
    net.input_shape = {1, 4, 4, 8};
    net.input_q = q_act;
    net.ops.push_back(layer_op(int8_layer("add", ref::op_kind::add, 0)));
    net.ops.back().in = {0, 5};
    try {
        build(net, options());
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("network 'bad': op 0 'add': operand 1: tensor 5: "
                                             "expected an input, a constant or an earlier op's output"),
                  std::string::npos)
            << e.what();
    }
    net.ops.back().in = {0};
    EXPECT_THROW(build(net, options()), std::invalid_argument);  // add needs 2 operands
}

TEST(graph_package, cpu_op_step_with_a_bad_input_is_rejected) {
    network net;
    net.name = "cpu";
    net.input_shape = {1, 1, 1, 10};
    net.input_type = nn::dtype::fp32;
    net.ops.push_back(softmax_op());
    built_package p = build(net, options());
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v).ok());
    // The op's first input (bytes 8..9 of its code) -> tensor 7, which does not exist.
    p.image[v.steps[0].code_offset + 8] = 7;
    seal(p.image.data(), p.image.size());
    const validation r = validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size});
    EXPECT_EQ(r.error, package_error::bad_step);
    EXPECT_NE(r.message.find("the op's first input must be the step's input tensor"), std::string::npos)
        << r.message;
}

// Hand-computed: sizes 1024 [0,4], 2048 [0,1], 512 [1,2], 64 [2,3], 40 [3,4],
// 40 [0,4]. Largest first: 2048 at 0; 1024 meets it at 0 -> 2048; 512 meets
// both at 1 -> 3072; 64 (steps 2..3) meets 1024 and 512 -> 0; 40 [3,4]
// meets 1024 and 64 -> 64; 40 [0,4] meets everything -> 3584.
TEST(arena_plan, largest_first_at_the_lowest_free_offset) {
    const arena_plan p = plan_arena(
        {{1024, 0, 4}, {2048, 0, 1}, {512, 1, 2}, {64, 2, 3}, {40, 3, 4}, {40, 0, 4}}, 64);
    EXPECT_EQ(p.offsets, (std::vector<uint64_t>{2048, 0, 3072, 0, 64, 3584}));
    EXPECT_EQ(p.size, 3648u);
}
