// Bad arguments and random garbage: the kernels report exactly what the
// reference reports (same exception type and message) and otherwise compute
// the same bytes. Seeded and bounded: no crash, no hang, no assert.
#include "kernel_test_util.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

using namespace nnvp;
using namespace nnvp::test;

namespace {

// Outcome of one call: the output bytes, or the exception's kind and message.
struct outcome {
    std::string error;
    tensor out;
};

template <typename F>
outcome run(F f)
{
    outcome o;
    try {
        o.out = f();
    } catch (const std::invalid_argument& e) {
        o.error = std::string("invalid_argument: ") + e.what();
    } catch (const std::out_of_range& e) {
        o.error = std::string("out_of_range: ") + e.what();
    }
    return o;
}

void expect_same_outcome(const layer& l, const tensor& in, const tensor* second,
                         const tensor* bias, unsigned threads, const std::string& what)
{
    const outcome want = run([&] { return ref::execute(l, in, second, bias); });
    const outcome got = run([&] {
        return nnvp::kernels::execute(l, in, second, bias, {threads});
    });
    ASSERT_EQ(got.error, want.error) << what;
    if (want.error.empty()) {
        ASSERT_EQ(got.out.type(), want.out.type()) << what;
        ASSERT_EQ(got.out.shape(), want.out.shape()) << what;
        EXPECT_EQ(got.out.bytes(), want.out.bytes()) << what;
    }
}

float any_scale(gen& g)
{
    static const float choices[] = {0.0f, -1.0f, 1e-30f, 0.003f, 0.02f, 0.5f, 1.0f, 3.0f, 1e9f,
                                    std::nanf("")};
    return choices[g.pick(0, 9)];
}

layer random_layer(gen& g)
{
    layer l;
    l.name = "fuzz";
    l.op = static_cast<op_kind>(g.pick(0, 8));
    l.prec = static_cast<precision>(g.pick(0, 5));
    ref::geometry& geo = l.geo;
    geo = {g.pick(0, 4), g.pick(0, 4), g.pick(0, 3), g.pick(1, 3), g.pick(-1, 3), g.pick(0, 3),
           g.pick(0, 3), g.pick(0, 3), g.pick(0, 2), g.pick(1, 2), g.pick(0, 3)};
    l.out_channels = g.pick(0, 6);
    l.act.kind = static_cast<act_kind>(g.pick(0, 6));
    l.act.clip_lo = static_cast<float>(g.pick(-5, 5));
    l.act.clip_hi = static_cast<float>(g.pick(-5, 5));
    l.count_include_pad = g.coin();
    l.bin_scale = g.coin() ? ref::binary_scale::fp32 : ref::binary_scale::fixed;
    l.binary_input = g.coin();
    l.binary_output = g.coin(30);
    l.has_bias = g.coin();
    l.bin_alpha.assign(static_cast<std::size_t>(g.pick(0, 6)), 0.25f);
    l.in_q = {any_scale(g), g.pick(-10, 10)};
    l.in2_q = {any_scale(g), g.pick(-10, 10)};
    l.out_q = {any_scale(g), g.pick(-10, 10)};
    l.act_q = {any_scale(g), g.pick(-10, 10)};
    l.w_scales.assign(static_cast<std::size_t>(g.pick(0, 6)), any_scale(g));
    try {
        ref::lower_quantization(l);
    } catch (const std::invalid_argument&) {
    }
    if (g.coin(30)) {  // garbage in the lowered fields, as a bad command would carry
        l.out_mult.assign(static_cast<std::size_t>(g.pick(0, 6)),
                          ref::fixed_multiplier{static_cast<int32_t>(g.rng()), g.pick(-5, 140)});
        l.in_mult = {static_cast<int32_t>(g.rng()), g.pick(-5, 140)};
        l.add_shift = g.pick(-3, 40);
        l.act_min = static_cast<int32_t>(g.coin() ? g.rng() : g.rng() % 300);
        l.act_max = static_cast<int32_t>(g.coin() ? g.rng() : g.rng() % 300);
        l.act_lut.assign(static_cast<std::size_t>(g.pick(0, 300)), static_cast<int32_t>(g.rng()));
    }
    return l;
}

}  // namespace

TEST(nncore_kernels_robustness, random_layers_match_reference_outcome)
{
    gen g(20261122);
    int computed = 0;
    for (int iter = 0; iter < 2500; ++iter) {
        const layer l = random_layer(g);
        const bool right_types = g.coin(80);
        const shape4 is{g.pick(1, 2), g.pick(1, 6), g.pick(1, 6), g.pick(1, 6)};
        const dtype in_t = right_types ? ref::input_type(l) : static_cast<dtype>(g.pick(0, 7));
        const tensor in = g.operand(in_t, is);
        tensor second;
        if (l.op == op_kind::conv2d || l.op == op_kind::fully_connected) {
            const int groups = std::max(l.geo.groups, 1);
            const shape4 ws = l.op == op_kind::conv2d
                                  ? shape4{std::max(l.out_channels, 1), std::max(l.geo.kernel_h, 1),
                                           std::max(l.geo.kernel_w, 1), std::max(is.c / groups, 1)}
                                  : shape4{std::max(l.out_channels, 1), 1, 1, is.h * is.w * is.c};
            second = g.operand(right_types ? ref::weight_type(l) : static_cast<dtype>(g.pick(0, 7)),
                               ws);
        } else {
            const shape4 bs{g.coin() ? is.n : 1, g.coin() ? is.h : 1, is.w,
                            g.coin(80) ? is.c : g.pick(1, 6)};
            second = g.operand(right_types ? in_t : static_cast<dtype>(g.pick(0, 7)), bs);
        }
        const dtype bt = right_types ? ref::bias_type(l) : static_cast<dtype>(g.pick(0, 7));
        const tensor bias =
            g.operand(bt, {1, 1, 1, g.coin(90) ? std::max(l.out_channels, 1) : 2});
        const bool with_bias = g.coin();
        const tensor* sec = g.coin(95) ? &second : nullptr;
        expect_same_outcome(l, in, sec, with_bias ? &bias : nullptr,
                            static_cast<unsigned>(g.pick(0, 3)), "iter " + std::to_string(iter));
        if (::testing::Test::HasFatalFailure())
            return;
        try {
            (void)ref::execute(l, in, sec, with_bias ? &bias : nullptr);
            ++computed;
        } catch (const std::exception&) {
        }
    }
    EXPECT_GT(computed, 100);  // the generator must reach the arithmetic too
    std::printf("%d of 2500 random layers computed\n", computed);
}

TEST(nncore_kernels_robustness, errors_are_the_reference_errors)
{
    gen g(31);
    layer l;
    l.name = "bad";
    l.op = op_kind::conv2d;
    l.prec = precision::int8;
    l.out_channels = 4;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    g.quantize(l, 9);
    const tensor in = g.operand(dtype::int8, {1, 5, 5, 3});
    const tensor w = g.operand(dtype::int8, {4, 3, 3, 3});
    const tensor wrong_w = g.operand(dtype::int4, {4, 3, 3, 3});
    expect_same_outcome(l, in, nullptr, nullptr, 1, "weights missing");
    expect_same_outcome(l, in, &wrong_w, nullptr, 1, "weight type");
    const tensor bias = make_bias(g, l);
    expect_same_outcome(l, in, &w, &bias, 1, "has_bias mismatch");
    layer grouped = l;
    grouped.geo.groups = 2;
    expect_same_outcome(grouped, in, &w, nullptr, 1, "groups");
    layer big = l;
    big.geo.kernel_h = 9;
    expect_same_outcome(big, in, &w, nullptr, 1, "kernel larger than input");
    layer no_mult = l;
    no_mult.out_mult.assign(2, {});
    expect_same_outcome(no_mult, in, &w, nullptr, 1, "out_mult size");
    layer bad_bounds = l;  // act bounds outside int8: the reference's set_int throws
    bad_bounds.act_min = 300;
    bad_bounds.act_max = 400;
    expect_same_outcome(bad_bounds, in, &w, nullptr, 1, "act bounds");
    EXPECT_THROW(nnvp::kernels::execute(l, in, &wrong_w, nullptr),
                 std::invalid_argument);
}
