// Input-channel passes in the fast kernels: the same sums as the reference,
// so a layer run in passes equals the unsplit reference layer bit for bit,
// with worker threads too.
#include <gtest/gtest.h>

#include "nn/kernels/kernels.h"
#include "tests/nn/partial_passes.h"

using namespace nnvp;
using ref::op_kind;
using ref::precision;
using nn::shape4;

TEST(partial_sums_kernels, passes_equal_the_unsplit_reference) {
    unsigned seed = 21;
    for (const op_kind op : {op_kind::conv2d, op_kind::fully_connected})
        for (const precision p : {precision::int8, precision::int16, precision::int4, precision::binary})
            for (const unsigned threads : {1u, 3u}) {
                const ref::layer l = test::split_test_layer(op, p, 6);
                std::mt19937 rng(seed++);
                const shape4 in{2, 6, 5, 7};
                const int K = op == op_kind::conv2d ? in.c : in.h * in.w * in.c;
                const shape4 ws = op == op_kind::conv2d ? shape4{6, 3, 3, in.c} : shape4{6, 1, 1, K};
                const nn::tensor x = test::split_test_tensor(rng, ref::input_type(l), in);
                const nn::tensor w = test::split_test_tensor(rng, ref::weight_type(l), ws);
                nn::tensor b(ref::bias_type(l), {1, 1, 1, 6});
                for (std::size_t i = 0; i < b.size(); ++i)
                    b.set_int(i, static_cast<int64_t>(i) * 91 - 250);
                const nn::tensor whole = ref::execute(l, x, &w, &b);
                const test::layer_fn fast = [&](const ref::layer& lp, const nn::tensor& xi,
                                                const nn::tensor& wi, const nn::tensor* bi,
                                                const nn::tensor* partials) {
                    return kernels::execute(lp, xi, &wi, bi, kernels::options{threads}, partials);
                };
                for (int kg : {1, 3, K / 2}) {
                    const nn::tensor split = test::run_in_passes(fast, l, x, w, &b, kg);
                    EXPECT_EQ(split.bytes(), whole.bytes())
                        << l.name << " kg " << kg << " threads " << threads;
                }
            }
}
