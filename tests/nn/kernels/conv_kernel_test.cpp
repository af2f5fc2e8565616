// conv2d and fully_connected kernels against the reference executor: every
// precision, odd geometries, random quantization and activations, thread
// counts, and the accumulator corner cases (INT8 wrap-around past 2^31, INT16
// bias saturation, binary padding).
#include "kernel_test_util.h"

#include <cmath>
#include <limits>

using namespace nnvp;
using namespace nnvp::test;

namespace {

struct conv_case {
    shape4 in;
    int out_channels, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups;
};

// A conv layer of precision p on case c with a random activation and random
// binary options; the weights, input and bias are random.
struct conv_setup {
    layer l;
    tensor in, w, bias;
    bool with_bias = false;
};

conv_setup make_conv(gen& g, precision p, const conv_case& c, act_kind act)
{
    conv_setup s;
    layer& l = s.l;
    l.name = "conv";
    l.op = op_kind::conv2d;
    l.prec = p;
    l.geo = {c.kh, c.kw, c.sh, c.sw, c.pt, c.pb, c.pl, c.pr, c.dh, c.dw, c.groups};
    l.out_channels = c.out_channels;
    l.act.kind = act;
    if (p == precision::binary) {
        l.binary_input = g.coin();
        l.binary_output = g.coin(30);
        l.bin_scale = g.coin() ? ref::binary_scale::fp32 : ref::binary_scale::fixed;
    }
    s.with_bias = g.coin(70);
    l.has_bias = s.with_bias;
    g.quantize(l, c.kh * c.kw * c.in.c / c.groups);
    s.in = g.operand(ref::input_type(l), c.in);
    s.w = g.operand(ref::weight_type(l), {c.out_channels, c.kh, c.kw, c.in.c / c.groups});
    if (s.with_bias)
        s.bias = make_bias(g, l);
    return s;
}

void check(const conv_setup& s, unsigned threads, const std::string& what)
{
    expect_same(s.l, s.in, &s.w, s.with_bias ? &s.bias : nullptr, threads, what);
}

const conv_case odd_cases[] = {
    // in{n,h,w,c}, O, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups
    {{1, 1, 1, 1}, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},       // 1x1 everything
    {{1, 7, 5, 3}, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},      // non-square, odd channels
    {{2, 9, 11, 19}, 20, 3, 2, 2, 3, 0, 2, 1, 0, 1, 1, 1},    // batch 2, asymmetric pad
    {{1, 10, 10, 5}, 6, 2, 2, 4, 3, 0, 0, 0, 0, 1, 1, 1},     // stride > kernel
    {{1, 9, 8, 4}, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 3, 1},       // dilation
    {{1, 6, 6, 8}, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4},      // groups
    {{2, 8, 7, 24}, 24, 3, 3, 2, 1, 1, 1, 0, 2, 1, 1, 24},    // depthwise, stride 2
    {{1, 5, 5, 33}, 35, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},     // 1x1 direct, odd channels
    {{1, 7, 6, 16}, 18, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1},     // 1x1 stride 2 direct
    {{1, 4, 4, 10}, 7, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1},      // 1x1 with padding
    {{1, 3, 70, 6}, 3, 1, 5, 1, 1, 0, 0, 4, 4, 1, 1, 1},      // wide row: several panels
    {{1, 12, 12, 64}, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // deep K, odd O
    {{3, 4, 4, 6}, 4, 4, 4, 1, 1, 0, 0, 0, 0, 1, 1, 2},       // kernel = image
    {{1, 2, 9, 3}, 2, 2, 5, 3, 1, 1, 1, 3, 2, 1, 2, 1},       // pads near kernel size
};

}  // namespace

TEST(nncore_kernels_conv, odd_shapes_every_precision)
{
    gen g(11);
    for (precision p : all_precisions)
        for (const conv_case& c : odd_cases) {
            const act_kind act = all_acts[g.pick(0, 6)];
            check(make_conv(g, p, c, act), 1, ref::to_string(p));
        }
}

TEST(nncore_kernels_conv, every_activation_per_tensor_and_per_channel)
{
    gen g(12);
    const conv_case c{{1, 6, 7, 10}, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    for (precision p : all_precisions)
        for (act_kind act : all_acts)
            for (int rep = 0; rep < 3; ++rep)  // quantize() picks per tensor or per channel
                check(make_conv(g, p, c, act), 1,
                      std::string(ref::to_string(p)) + " " + ref::to_string(act));
}

TEST(nncore_kernels_conv, random_geometries)
{
    gen g(13);
    for (int iter = 0; iter < 150; ++iter) {
        const int groups = g.coin(70) ? 1 : g.pick(1, 4);
        const int kh = g.pick(1, 4), kw = g.pick(1, 4);
        conv_case c{{g.pick(1, 2), g.pick(1, 9), g.pick(1, 9), groups * g.pick(1, 9)},
                    groups * g.pick(1, 9), kh, kw, g.pick(1, 3), g.pick(1, 3),
                    g.pick(0, 2), g.pick(0, 2), g.pick(0, 2), g.pick(0, 2), g.pick(1, 2),
                    g.pick(1, 2), groups};
        // Keep the padded input at least as large as the dilated kernel.
        c.in.h = std::max(c.in.h, c.dh * (kh - 1) + 1);
        c.in.w = std::max(c.in.w, c.dw * (kw - 1) + 1);
        const precision p = all_precisions[g.pick(0, 5)];
        check(make_conv(g, p, c, all_acts[g.pick(0, 6)]), 1, "iter " + std::to_string(iter));
    }
}

TEST(nncore_kernels_conv, thread_counts_give_identical_results)
{
    gen g(14);
    const conv_case c{{2, 9, 13, 12}, 20, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1};
    for (precision p : all_precisions) {
        const conv_setup s = make_conv(g, p, c, act_kind::relu);
        const tensor* b = s.with_bias ? &s.bias : nullptr;
        const tensor one = nnvp::kernels::execute(s.l, s.in, &s.w, b, {1});
        for (unsigned t : {2u, 3u, 7u, 64u}) {
            const tensor many = nnvp::kernels::execute(s.l, s.in, &s.w, b, {t});
            EXPECT_EQ(one.bytes(), many.bytes()) << ref::to_string(p) << " threads " << t;
        }
        check(s, 3, ref::to_string(p));
    }
}

TEST(nncore_kernels_fc, every_precision_and_threads)
{
    gen g(15);
    for (precision p : all_precisions)
        for (int rep = 0; rep < 4; ++rep) {
            conv_setup s;
            layer& l = s.l;
            l.name = "fc";
            l.op = op_kind::fully_connected;
            l.prec = p;
            l.out_channels = g.pick(1, 40);
            l.act.kind = all_acts[g.pick(0, 6)];
            if (p == precision::binary) {
                l.binary_input = g.coin();
                l.binary_output = g.coin(30);
                l.bin_scale = g.coin() ? ref::binary_scale::fp32 : ref::binary_scale::fixed;
            }
            const shape4 is{g.pick(1, 3), g.pick(1, 3), g.pick(1, 3), g.pick(1, 50)};
            const int k = is.h * is.w * is.c;
            s.with_bias = g.coin();
            l.has_bias = s.with_bias;
            g.quantize(l, k);
            s.in = g.operand(ref::input_type(l), is);
            s.w = g.operand(ref::weight_type(l), {l.out_channels, 1, 1, k});
            if (s.with_bias)
                s.bias = make_bias(g, l);
            for (unsigned t : {1u, 2u, 3u})
                check(s, t, std::string(ref::to_string(p)) + " threads " + std::to_string(t));
        }
}

// INT8 accumulators wrap mod 2^32 (docs/numerics.md): K = 70000 taps of
// (-128 - 127) * -128 = 32640 sum to 2.28e9 > 2^31, across the kernel's int32
// chunk boundary (65536 taps).
TEST(nncore_kernels_fc, int8_accumulator_wraps_like_the_reference)
{
    layer l;
    l.name = "wrap";
    l.op = op_kind::fully_connected;
    l.prec = precision::int8;
    l.out_channels = 2;
    l.in_q = {1.0f, 127};
    l.out_q = {1.0f, 0};
    l.w_scales = {1e-9f};
    ref::lower_quantization(l);
    const int k = 70000;
    tensor in(dtype::int8, {1, 1, 1, k}), w(dtype::int8, {2, 1, 1, k});
    for (int i = 0; i < k; ++i) {
        in.set_int(static_cast<std::size_t>(i), -128);
        w.set_int(static_cast<std::size_t>(i), -128);
        w.set_int(static_cast<std::size_t>(k + i), i % 2 ? 127 : -128);
    }
    expect_same(l, in, &w, nullptr);
}

// INT16: the bias add saturates the 64-bit accumulator.
TEST(nncore_kernels_conv, int16_bias_add_saturates)
{
    gen g(16);
    const conv_case c{{1, 3, 3, 4}, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    conv_setup s = make_conv(g, precision::int16, c, act_kind::none);
    s.l.has_bias = s.with_bias = true;
    s.bias = tensor(dtype::int64, {1, 1, 1, 3});
    s.bias.set_int(0, std::numeric_limits<int64_t>::max());
    s.bias.set_int(1, std::numeric_limits<int64_t>::min());
    s.bias.set_int(2, -5);
    check(s, 1, "int16 saturation");
}

// ResNet-sized layers (smaller spatially) exercise the blocked paths.
TEST(nncore_kernels_conv, resnet_like_layers)
{
    gen g(17);
    const conv_case cases[] = {
        {{1, 14, 14, 64}, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {{1, 14, 14, 64}, 256, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},
        {{1, 14, 14, 32}, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32},
    };
    for (const conv_case& c : cases)
        for (precision p : {precision::fp32, precision::int8})
            check(make_conv(g, p, c, act_kind::relu), 2, ref::to_string(p));
}

// Non-finite weights are legal; the padded-tap zeros of the fast panel would
// turn them into NaN, so such layers take the reference path.
TEST(nncore_kernels_conv, non_finite_weights_match_the_reference)
{
    gen g(18);
    conv_setup s = make_conv(g, precision::fp32, {{1, 4, 4, 3}, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                             act_kind::none);
    s.w.set_float(0, std::numeric_limits<float>::infinity());
    check(s, 1, "inf weight");
}
