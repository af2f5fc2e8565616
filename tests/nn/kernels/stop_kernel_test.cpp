// options::stop, the simulator's wall-clock limit inside one layer: asked
// between chunks of output rows from every worker thread, it changes no
// result while it says go on, and abandons the layer with
// kernels::interrupted once it says stop.
#include "kernel_test_util.h"

#include <atomic>

using namespace nnvp;
using namespace nnvp::test;

namespace {

struct conv_setup {
    layer l;
    tensor in, w, bias;
};

// An INT8 3x3 conv of 48 output rows (enough chunks to ask many times).
conv_setup int8_conv(gen& g)
{
    conv_setup s;
    s.l.name = "conv";
    s.l.op = op_kind::conv2d;
    s.l.prec = precision::int8;
    s.l.geo = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    s.l.out_channels = 16;
    s.l.act.kind = act_kind::relu;
    s.l.has_bias = true;
    g.quantize(s.l, 3 * 3 * 8);
    s.in = g.operand(ref::input_type(s.l), {1, 48, 20, 8});
    s.w = g.operand(ref::weight_type(s.l), {16, 3, 3, 8});
    s.bias = make_bias(g, s.l);
    return s;
}

layer pool_layer()
{
    layer l;
    l.name = "pool";
    l.op = op_kind::avg_pool;
    l.prec = precision::fp32;
    l.geo = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    return l;
}

}  // namespace

TEST(kernel_stop, a_stop_check_that_says_go_on_changes_no_result)
{
    gen g(77);
    const conv_setup s = int8_conv(g);
    const tensor want = ref::execute(s.l, s.in, &s.w, &s.bias);
    const layer pool = pool_layer();
    const tensor x = g.operand(dtype::fp32, {2, 30, 9, 5});
    const tensor want_pool = ref::execute(pool, x, nullptr, nullptr);
    for (unsigned threads : {1u, 2u, 3u}) {
        std::atomic<int> asked{0};
        kernels::options opt{threads, [&] { return ++asked < 0; }};
        EXPECT_EQ(kernels::execute(s.l, s.in, &s.w, &s.bias, opt).bytes(), want.bytes())
            << threads << " threads";
        // 48 rows: a chunk per row, every one asked.
        EXPECT_EQ(asked.load(), 48) << threads << " threads";
        EXPECT_EQ(kernels::execute(pool, x, nullptr, nullptr, opt).bytes(), want_pool.bytes())
            << threads << " threads";
    }
}

TEST(kernel_stop, a_stop_check_that_says_stop_abandons_the_layer)
{
    gen g(78);
    const conv_setup s = int8_conv(g);
    for (unsigned threads : {1u, 2u}) {
        std::atomic<int> asked{0};
        kernels::options opt{threads, [&] { return ++asked > 5; }};
        EXPECT_THROW(kernels::execute(s.l, s.in, &s.w, &s.bias, opt), kernels::interrupted)
            << threads << " threads";
        // Each thread stops at its next chunk once one was told to stop.
        EXPECT_LE(asked.load(), 6 + static_cast<int>(threads)) << threads << " threads";
    }
    kernels::options stop_now{1, [] { return true; }};
    const tensor x = g.operand(dtype::fp32, {1, 8, 8, 4});
    EXPECT_THROW(kernels::execute(pool_layer(), x, nullptr, nullptr, stop_now),
                 kernels::interrupted);
}
