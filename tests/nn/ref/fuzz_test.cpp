// Seeded, bounded random robustness test: random layer descriptions (valid or
// not, including garbage in the lowered integer fields) and random operands of
// random types. Every call either returns a tensor of the announced shape and
// type or throws std::invalid_argument / std::out_of_range: no crash, no hang,
// no assert, no undefined behaviour (run under -fsanitize=undefined in CI).
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>

using namespace nnvp::ref;
using nnvp::nn::dtype;
using nnvp::nn::shape4;
using nnvp::nn::tensor;

namespace {

struct fuzzer {
    std::mt19937 rng;

    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
    bool coin(int percent) { return pick(0, 99) < percent; }

    float scale()
    {
        static const float choices[] = {0.0f, -1.0f, 1e-30f, 0.003f, 0.02f, 0.5f, 1.0f, 3.0f, 1e9f,
                                        std::nanf("")};
        return choices[pick(0, 9)];
    }

    tensor operand(dtype t, shape4 s)
    {
        tensor x(t, s);
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (nnvp::nn::is_float(t)) {
                x.set_float(i, std::uniform_real_distribution<float>(-100.0f, 100.0f)(rng));
            } else {
                const int64_t lo = std::max<int64_t>(nnvp::nn::min_of(t), -40000);
                const int64_t hi = std::min<int64_t>(nnvp::nn::max_of(t), 40000);
                int64_t v = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
                if (t == dtype::binary)
                    v = v >= 0 ? 1 : -1;
                x.set_int(i, v);
            }
        }
        return x;
    }

    dtype any_type() { return static_cast<dtype>(pick(0, 7)); }

    layer random_layer()
    {
        layer l;
        l.name = "fuzz";
        l.op = static_cast<op_kind>(pick(0, 8));
        l.prec = static_cast<precision>(pick(0, 5));
        geometry& g = l.geo;
        g.kernel_h = pick(0, 4);
        g.kernel_w = pick(0, 4);
        g.stride_h = pick(0, 3);
        g.stride_w = pick(1, 3);
        g.pad_top = pick(-1, 3);
        g.pad_bottom = pick(0, 3);
        g.pad_left = pick(0, 3);
        g.pad_right = pick(0, 3);
        g.dilation_h = pick(0, 2);
        g.dilation_w = pick(1, 2);
        g.groups = pick(0, 3);
        l.out_channels = pick(0, 6);
        l.act.kind = static_cast<act_kind>(pick(0, 6));
        l.act.clip_lo = static_cast<float>(pick(-5, 5));
        l.act.clip_hi = static_cast<float>(pick(-5, 5));
        l.count_include_pad = coin(50);
        l.bin_scale = coin(50) ? binary_scale::fp32 : binary_scale::fixed;
        l.binary_input = coin(50);
        l.binary_output = coin(30);
        l.bin_alpha.assign(static_cast<std::size_t>(pick(0, 6)), 0.25f);
        l.in_q = {scale(), pick(-10, 10)};
        l.in2_q = {scale(), pick(-10, 10)};
        l.out_q = {scale(), pick(-10, 10)};
        l.act_q = {scale(), pick(-10, 10)};
        l.w_scales.assign(static_cast<std::size_t>(pick(0, 6)), scale());
        try {
            lower_quantization(l);
        } catch (const std::invalid_argument&) {
        }
        if (coin(30)) {  // garbage in the lowered fields, as a bad command would carry
            l.out_mult.assign(static_cast<std::size_t>(pick(0, 6)),
                              fixed_multiplier{static_cast<int32_t>(rng()), pick(-5, 140)});
            l.in_mult = {static_cast<int32_t>(rng()), pick(-5, 140)};
            l.add_shift = pick(-3, 40);
            l.act_min = static_cast<int32_t>(rng());
            l.act_max = static_cast<int32_t>(rng());
            l.act_lut.assign(static_cast<std::size_t>(pick(0, 300)), static_cast<int32_t>(rng()));
        }
        return l;
    }
};

}  // namespace

TEST(sw_fuzz, random_layers_never_crash)
{
    fuzzer f{std::mt19937(20261122)};
    int ran = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        const layer l = f.random_layer();
        const bool right_types = f.coin(80);
        const shape4 is{f.pick(1, 2), f.pick(1, 6), f.pick(1, 6), f.pick(1, 6)};
        const dtype in_t = right_types ? input_type(l) : f.any_type();
        const tensor in = f.operand(in_t, is);
        tensor second;
        if (l.op == op_kind::conv2d || l.op == op_kind::fully_connected) {
            const int groups = std::max(l.geo.groups, 1);
            const shape4 ws = l.op == op_kind::conv2d
                                  ? shape4{std::max(l.out_channels, 1), std::max(l.geo.kernel_h, 1),
                                           std::max(l.geo.kernel_w, 1), std::max(is.c / groups, 1)}
                                  : shape4{std::max(l.out_channels, 1), 1, 1, is.h * is.w * is.c};
            second = f.operand(right_types ? weight_type(l) : f.any_type(), ws);
        } else {
            const shape4 bs{f.coin(50) ? is.n : 1, f.coin(50) ? is.h : 1, is.w,
                            f.coin(80) ? is.c : f.pick(1, 6)};
            second = f.operand(right_types ? in_t : f.any_type(), bs);
        }
        const bool with_bias = f.coin(50);
        const tensor bias = f.operand(right_types ? bias_type(l) : f.any_type(),
                                      {1, 1, 1, f.coin(90) ? std::max(l.out_channels, 1) : 2});
        try {
            const tensor y = execute(l, in, &second, with_bias ? &bias : nullptr);
            EXPECT_EQ(y.bytes().size(), nnvp::nn::storage_bytes(y.type(), y.size()));
            ++ran;
        } catch (const std::invalid_argument&) {
        } catch (const std::out_of_range&) {
        }
    }
    // The generator must also reach the arithmetic, not only the checks.
    EXPECT_GT(ran, 100);
    std::printf("%d of 3000 random layers executed\n", ran);
}
