// Pooling, element-wise add / mul and the activation op against the
// reference executor: every precision, activation and broadcast pattern, and
// thread counts.
#include "kernel_test_util.h"

using namespace nnvp;
using namespace nnvp::test;

namespace {

const precision non_binary[] = {precision::fp32, precision::fp16, precision::int16,
                                precision::int8, precision::int4};

layer base_layer(gen& g, op_kind op, precision p, act_kind act)
{
    layer l;
    l.name = ref::to_string(op);
    l.op = op;
    l.prec = p;
    l.act.kind = act;
    g.quantize(l, 1);
    return l;
}

}  // namespace

TEST(nncore_kernels_pool, every_kind_precision_and_activation)
{
    gen g(21);
    const op_kind kinds[] = {op_kind::max_pool, op_kind::avg_pool, op_kind::global_avg_pool,
                             op_kind::global_max_pool};
    for (op_kind op : kinds)
        for (precision p : non_binary)
            for (int rep = 0; rep < 6; ++rep) {
                const act_kind act = all_acts[g.pick(0, 6)];
                layer l;
                l.name = "pool";
                l.op = op;
                l.prec = p;
                l.act.kind = act;
                l.count_include_pad = g.coin();
                ref::geometry& geo = l.geo;
                geo.kernel_h = g.pick(1, 4);
                geo.kernel_w = g.pick(1, 4);
                geo.stride_h = g.pick(1, 3);
                geo.stride_w = g.pick(1, 3);
                geo.pad_top = g.pick(0, geo.kernel_h - 1);
                geo.pad_bottom = g.pick(0, geo.kernel_h - 1);
                geo.pad_left = g.pick(0, geo.kernel_w - 1);
                geo.pad_right = g.pick(0, geo.kernel_w - 1);
                g.quantize(l, 1, false);
                if (!ref::uses_table(act))  // integer pools keep the input quantization
                    l.out_q = l.in_q;
                ref::lower_quantization(l);
                const shape4 is{g.pick(1, 2), g.pick(4, 9), g.pick(4, 9), g.pick(1, 21)};
                const tensor in = g.operand(ref::activation_type(p), is);
                const unsigned threads = static_cast<unsigned>(g.pick(1, 3));
                expect_same(l, in, nullptr, nullptr, threads,
                            std::string(ref::to_string(op)) + " " + ref::to_string(p) + " " +
                                ref::to_string(act));
            }
}

TEST(nncore_kernels_eltwise, add_and_mul_with_broadcast)
{
    gen g(22);
    for (op_kind op : {op_kind::add, op_kind::mul})
        for (precision p : non_binary)
            for (int rep = 0; rep < 8; ++rep) {
                const layer l = base_layer(g, op, p, all_acts[g.pick(0, 6)]);
                const shape4 as{g.pick(1, 2), g.pick(1, 5), g.pick(1, 5), g.pick(1, 19)};
                const shape4 bs{g.coin() ? as.n : 1, g.coin() ? as.h : 1, g.coin() ? as.w : 1,
                                g.coin() ? as.c : 1};
                const dtype t = ref::activation_type(p);
                const tensor a = g.operand(t, as), b = g.operand(t, bs);
                expect_same(l, a, &b, nullptr, static_cast<unsigned>(g.pick(1, 3)),
                            std::string(ref::to_string(op)) + " " + ref::to_string(p) + " b " +
                                nn::to_string(bs));
            }
}

TEST(nncore_kernels_eltwise, activation_op_every_kind)
{
    gen g(23);
    for (precision p : non_binary)
        for (act_kind act : all_acts)
            for (int size : {5, 300, 70000}) {
                if (size == 70000 && p != precision::int16)
                    continue;  // the int16 table path needs more elements than values
                const layer l = base_layer(g, op_kind::activation, p, act);
                const tensor in = g.operand(ref::activation_type(p), {1, 1, 1, size});
                expect_same(l, in, nullptr, nullptr, 2,
                            std::string(ref::to_string(p)) + " " + ref::to_string(act));
            }
}

TEST(nncore_kernels_eltwise, thread_counts_give_identical_results)
{
    gen g(24);
    for (precision p : non_binary) {
        const layer l = base_layer(g, op_kind::add, p, act_kind::relu);
        const dtype t = ref::activation_type(p);
        const tensor a = g.operand(t, {2, 7, 5, 9}), b = g.operand(t, {1, 7, 1, 9});
        const tensor one = nnvp::kernels::execute(l, a, &b, nullptr, {1});
        for (unsigned threads : {2u, 3u})
            EXPECT_EQ(one.bytes(),
                      nnvp::kernels::execute(l, a, &b, nullptr, {threads}).bytes());
    }
}
