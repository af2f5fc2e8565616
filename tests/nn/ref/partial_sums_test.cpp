// Input-channel passes in the reference (ref::layer::partial_in /
// partial_out): a conv2d or fully connected layer summed in passes over its
// input channels equals the unsplit layer bit for bit at every integer
// precision, and every misuse is an error naming the layer.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/nn/partial_passes.h"

using namespace nnvp;
using ref::op_kind;
using ref::precision;
using nn::shape4;

namespace {

nn::tensor reference(const ref::layer& l, const nn::tensor& x, const nn::tensor& w,
                     const nn::tensor* b, const nn::tensor* partials) {
    return ref::execute(l, x, &w, b, partials);
}

struct split_case {
    precision p;
    ref::binary_scale bs = ref::binary_scale::fixed;
};

const split_case cases[] = {{precision::int8},
                            {precision::int16},
                            {precision::int4},
                            {precision::binary, ref::binary_scale::fixed},
                            {precision::binary, ref::binary_scale::fp32}};

void check_split(op_kind op, const split_case& sc, shape4 in, int oc, unsigned seed) {
    const ref::layer l = test::split_test_layer(op, sc.p, oc, sc.bs);
    std::mt19937 rng(seed);
    const nn::tensor x = test::split_test_tensor(rng, ref::input_type(l), in);
    const int K = op == op_kind::conv2d ? in.c : in.h * in.w * in.c;
    const shape4 ws = op == op_kind::conv2d ? shape4{oc, 3, 3, in.c} : shape4{oc, 1, 1, K};
    const nn::tensor w = test::split_test_tensor(rng, ref::weight_type(l), ws);
    nn::tensor b(ref::bias_type(l), {1, 1, 1, oc});
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (nn::is_float(b.type()))
            b.set_float(i, 0.25f * static_cast<float>(i) - 1.0f);
        else
            b.set_int(i, static_cast<int64_t>(i) * 37 - 200);
    }
    const nn::tensor whole = ref::execute(l, x, &w, &b);
    for (int kg : {1, 2, K / 3 + 1, K - 1}) {
        const nn::tensor split = test::run_in_passes(reference, l, x, w, &b, kg);
        ASSERT_EQ(split.type(), whole.type()) << l.name << " kg " << kg;
        EXPECT_EQ(split.bytes(), whole.bytes()) << l.name << " kg " << kg;
    }
}

}  // namespace

TEST(partial_sums, conv2d_passes_equal_the_whole_layer_at_every_integer_precision) {
    unsigned seed = 1;
    for (const split_case& sc : cases)
        check_split(op_kind::conv2d, sc, {2, 7, 6, 9}, 5, seed++);
}

TEST(partial_sums, fully_connected_passes_over_k_equal_the_whole_layer) {
    unsigned seed = 11;
    for (const split_case& sc : cases)
        check_split(op_kind::fully_connected, sc, {3, 2, 2, 5}, 4, seed++);
}

// INT8 sums wrap to 32 bits: passes whose partial sums wrap still give the
// whole layer's result (wrapping commutes with addition).
TEST(partial_sums, wrapped_int32_partial_sums_add_up) {
    ref::layer l = test::split_test_layer(op_kind::fully_connected, precision::int8, 1);
    l.has_bias = false;
    l.partial_in = true;
    l.partial_out = true;
    nn::tensor x(nn::dtype::int8, {1, 1, 1, 1}), w(nn::dtype::int8, {1, 1, 1, 1});
    x.set_int(0, 127 + l.in_q.zero_point - 1);  // 126 after the zero point
    w.set_int(0, 127);
    nn::tensor partial(nn::dtype::int32, {1, 1, 1, 1});
    partial.set_int(0, INT32_MAX - 100);
    const nn::tensor y = ref::execute(l, x, &w, nullptr, &partial);
    EXPECT_EQ(y.get_int(0), static_cast<int32_t>(static_cast<uint32_t>(INT32_MAX - 100) +
                                                 static_cast<uint32_t>(126 * 127)));
}

TEST(partial_sums, misuse_is_an_error_naming_the_layer) {
    const ref::layer base = test::split_test_layer(op_kind::conv2d, precision::int8, 2);
    std::mt19937 rng(3);
    const nn::tensor x = test::split_test_tensor(rng, nn::dtype::int8, {1, 4, 4, 3});
    const nn::tensor w = test::split_test_tensor(rng, nn::dtype::int8, {2, 3, 3, 3});
    const nn::tensor b(nn::dtype::int32, {1, 1, 1, 2});
    const nn::tensor acc(nn::dtype::int32, {1, 2, 2, 2});
    auto fails = [&](ref::layer l, const nn::tensor* bias, const nn::tensor* partials,
                     const char* what) {
        try {
            ref::execute(l, x, &w, bias, partials);
            ADD_FAILURE() << "accepted: " << what;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(base.name), std::string::npos) << e.what();
        }
    };
    ref::layer l = base;
    l.partial_out = true;
    fails(l, &b, nullptr, "partial_out with a bias");
    l = base;
    l.partial_in = true;
    fails(l, &b, nullptr, "partial_in without partial sums");
    fails(l, &b, &b, "partial sums of another shape");
    const nn::tensor wide(nn::dtype::int64, {1, 2, 2, 2});
    fails(l, &b, &wide, "partial sums of another type");
    fails(base, &b, &acc, "partial sums without partial_in");
    ref::layer f = test::split_test_layer(op_kind::conv2d, precision::fp32, 2);
    f.name = base.name;
    f.partial_out = true;
    f.has_bias = false;
    const nn::tensor xf = test::split_test_tensor(rng, nn::dtype::fp32, {1, 4, 4, 3});
    const nn::tensor wf = test::split_test_tensor(rng, nn::dtype::fp32, {2, 3, 3, 3});
    EXPECT_THROW(ref::execute(f, xf, &wf), std::invalid_argument);
    ref::layer pool = base;
    pool.op = op_kind::max_pool;
    pool.partial_out = true;
    EXPECT_THROW(ref::execute(pool, x), std::invalid_argument);
}
