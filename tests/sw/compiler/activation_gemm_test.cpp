// The product of two activations (sw/compiler/activation_gemm.h): the
// reference against a matrix product written out here, and the package's
// relocated streams (two products, output columns split over the weight
// buffer) run on the host interpreter against the reference, fp32 and int8.
#include "sw/compiler/activation_gemm.h"

#include <gtest/gtest.h>

#include <random>

#include "arch/package/validator.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "sw/compiler/builder.h"
#include "sw/compiler/interpreter.h"
#include "sw/compiler/reference.h"
#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::compiler;

namespace {

constexpr uint64_t dram_base = 0x80000000;
constexpr uint64_t load_at = dram_base + 0x1000000, arena_at = dram_base + 0x2000000;

// Two products of A [3, 8] and B [8, 40] (B given as Bᵀ [40, 8]).
network gemm_network(ref::precision p) {
    network net;
    net.name = "gemm";
    const nn::dtype t = ref::activation_type(p);
    net.input_type = t;
    net.input_shape = {1, 2, 3, 8};
    ref::layer l = test::make_layer(ref::op_kind::fully_connected, p, 40);
    if (p == ref::precision::int8) {
        l.in_q = {0.05f, 0};
        l.w_scales = {0.02f};
        l.out_q = {0.1f, 0};
        ref::lower_quantization(l);
        net.input_q = l.in_q;
    }
    net.extra_inputs.push_back({"bt", {1, 2, 40, 8}, t, {0.02f, 0}});
    net_op op = layer_op(l);
    op.weights_operand = true;
    op.batch = 2;
    net.ops.push_back(op);
    net.ops[0].in = {0, net.extra_input_index(0)};
    return net;
}

}  // namespace

TEST(activation_gemm, reference_is_the_matrix_product) {
    ref::layer l = test::make_layer(ref::op_kind::fully_connected, ref::precision::fp32, 2);
    nn::tensor a(nn::dtype::fp32, {1, 2, 1, 3}), bt(nn::dtype::fp32, {1, 2, 2, 3});
    for (std::size_t i = 0; i < a.size(); ++i)
        a.set_float(i, static_cast<float>(i + 1));           // product 0: [1 2 3], 1: [4 5 6]
    for (std::size_t i = 0; i < bt.size(); ++i)
        bt.set_float(i, static_cast<float>(i % 4) - 1.0f);    // rows -1 0 1 | 2 -1 0 | ...
    const nn::tensor c = activation_gemm(l, 2, a, bt, [](const ref::layer& f, const nn::tensor& x,
                                                         const nn::tensor& w) {
        return ref::execute(f, x, &w);
    });
    ASSERT_EQ(c.shape(), (nn::shape4{1, 2, 1, 2}));
    for (int b = 0; b < 2; ++b)
        for (int n = 0; n < 2; ++n) {
            float want = 0;
            for (int k = 0; k < 3; ++k)
                want += a.get_float(static_cast<std::size_t>(b * 3 + k)) *
                        bt.get_float(static_cast<std::size_t>((b * 2 + n) * 3 + k));
            EXPECT_EQ(c.get_float(static_cast<std::size_t>(b * 2 + n)), want) << b << n;
        }
}

TEST(activation_gemm, relocated_streams_compute_the_reference) {
    for (ref::precision p : {ref::precision::fp32, ref::precision::int8}) {
        const network net = gemm_network(p);
        build_options o;
        o.load_address = load_at;
        o.arena_base = arena_at;
        o.buffers = {16, 1, 16};  // 40 fp32 rows of Bᵀ do not fit 1 KiB: column groups
        const built_package pk = build(net, o);
        EXPECT_EQ(pk.kinds[0], package::step_kind::core) << pk.cpu_reasons[0];
        // Two products; at fp32 each in two column groups (28 + 12 rows of 32 bytes).
        EXPECT_EQ(pk.core_programs[0], p == ref::precision::fp32 ? 4u : 2u);
        package::package_view v;
        ASSERT_TRUE(package::validate(pk.image.data(), pk.image.size(), load_at,
                                      {dram_base, 1ull << 30}, &v)
                        .ok());
        std::mt19937 rng(5);
        const nn::tensor a = test::random_tensor(rng, net.input_type, net.input_shape);
        const nn::tensor bt = test::random_tensor(rng, net.input_type, {1, 2, 40, 8});
        const std::vector<nn::tensor> ref = reference_run(net, {a, bt});
        std::vector<uint8_t> mem(arena_at + pk.arena_size - load_at, 0xcd);
        std::copy(pk.image.begin(), pk.image.end(), mem.begin());
        const auto stage = [&](std::size_t t, const nn::tensor& x) {
            std::copy(x.bytes().begin(), x.bytes().end(),
                      mem.begin() + static_cast<long>(v.tensors[t].address - load_at));
        };
        stage(0, a);
        stage(static_cast<std::size_t>(net.extra_input_index(0)), bt);
        stream_interpreter interp(mem, load_at, o.buffers.local_bytes());
        ASSERT_NO_THROW(interp.run(pk.image.data() + v.steps[0].code_offset, v.steps[0].code_bytes));
        const auto out = mem.begin() + static_cast<long>(v.tensors[1].address - load_at);
        EXPECT_TRUE(std::equal(out, out + static_cast<long>(ref[1].bytes().size()),
                               ref[1].bytes().begin()))
            << ref::to_string(p);
    }
}

TEST(activation_gemm, operands_that_do_not_fit_are_named) {
    network net = gemm_network(ref::precision::int8);
    net.extra_inputs[0].q.zero_point = 3;
    EXPECT_THROW(
        {
            try {
                plan_tensors(net);
            } catch (const std::invalid_argument& e) {
                EXPECT_NE(std::string(e.what()).find("has zero point 3: weights are symmetric"),
                          std::string::npos)
                    << e.what();
                throw;
            }
        },
        std::invalid_argument);
    net = gemm_network(ref::precision::fp32);
    net.extra_inputs[0].shape = {1, 2, 39, 8};
    EXPECT_THROW(plan_tensors(net), std::invalid_argument);
}
