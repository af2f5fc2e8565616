// The vector unit's functions (ref::act_kind exp ... reciprocal): float
// values against closed forms, the integer table against quantize(f(x)), and
// hard_sigmoid's alpha / beta.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nn/ref/activation.h"
#include "nn/ref/quant.h"

using namespace nnvp;
using ref::act_kind;

namespace {

float f(act_kind k, float x, float alpha = 0.2f, float beta = 0.5f) {
    ref::activation a;
    a.kind = k;
    a.alpha = alpha;
    a.beta = beta;
    return ref::apply_float_activation(a, x);
}

}  // namespace

TEST(vector_functions, float_values) {
    EXPECT_FLOAT_EQ(f(act_kind::exp, 1.0f), 2.7182817f);
    EXPECT_FLOAT_EQ(f(act_kind::log, 2.7182817f), 1.0f);
    EXPECT_FLOAT_EQ(f(act_kind::sqrt, 9.0f), 3.0f);
    EXPECT_FLOAT_EQ(f(act_kind::rsqrt, 4.0f), 0.5f);
    EXPECT_FLOAT_EQ(f(act_kind::erf, 0.5f), 0.52049988f);
    EXPECT_FLOAT_EQ(f(act_kind::gelu, 1.0f), 0.84134475f);  // x * Phi(x)
    EXPECT_NEAR(f(act_kind::gelu_tanh, 1.0f), 0.8411920f, 1e-6);
    EXPECT_FLOAT_EQ(f(act_kind::hard_sigmoid, 1.0f, 0.25f, 0.25f), 0.5f);
    EXPECT_FLOAT_EQ(f(act_kind::hard_sigmoid, 10.0f), 1.0f);
    EXPECT_FLOAT_EQ(f(act_kind::hard_sigmoid, -10.0f), 0.0f);
    EXPECT_FLOAT_EQ(f(act_kind::hard_swish, 1.0f), 1.0f * (1.0f / 6 + 0.5f));
    EXPECT_FLOAT_EQ(f(act_kind::hard_swish, -4.0f), 0.0f);
    EXPECT_FLOAT_EQ(f(act_kind::silu, 2.0f), 2.0f / (1.0f + std::exp(-2.0f)));
    EXPECT_FLOAT_EQ(f(act_kind::abs, -3.5f), 3.5f);
    EXPECT_FLOAT_EQ(f(act_kind::neg, 3.5f), -3.5f);
    EXPECT_FLOAT_EQ(f(act_kind::reciprocal, 4.0f), 0.25f);
    EXPECT_TRUE(std::isnan(f(act_kind::log, -1.0f)));
    EXPECT_TRUE(std::isinf(f(act_kind::reciprocal, 0.0f)));
}

// Every int8 code maps to the quantized function value; NaN to the zero point.
TEST(vector_functions, int8_tables_quantize_the_function) {
    const ref::quant_params src{0.05f, -3}, out{0.02f, 5};
    for (int k = static_cast<int>(act_kind::exp); k <= static_cast<int>(act_kind::last); ++k) {
        ref::activation a;
        a.kind = static_cast<act_kind>(k);
        const std::vector<int32_t> t = ref::build_activation_table(a, src, out, nn::dtype::int8);
        ASSERT_EQ(t.size(), 256u);
        for (int q = -128; q <= 127; ++q) {
            const double x = static_cast<double>(src.scale) * (q - src.zero_point);
            const double y = ref::apply_real_activation(a, x);
            // NaN -> the zero point; +-inf (rsqrt(0), reciprocal(0)) saturate.
            const double steps = std::clamp(y / static_cast<double>(out.scale), -1000.0, 1000.0);
            const int64_t want =
                std::isnan(y) ? 5 : std::clamp<int64_t>(5 + static_cast<int64_t>(std::round(steps)), -128, 127);
            ASSERT_EQ(t[static_cast<std::size_t>(q + 128)], want)
                << ref::to_string(a.kind) << " q " << q;
        }
    }
}
