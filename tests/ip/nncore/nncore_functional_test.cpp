// Every op x precision on the core (LOAD, compute, STORE through the real DMA
// and bus) against the reference executor on seeded random tensors,
// bit-exact (FP32 within the documented tolerance): odd shapes, depthwise,
// dilation, per-channel requantization, table activations, binary layers.
#include <string>

#include <sysc/kernel/sc_spawn.h>

#include "nn/ref/quant.h"
#include "tests/ip/nncore/layer_job.h"

using namespace nnvp;
using namespace nnvp::test;
using ref::act_kind;
using ref::precision;
using nn::dtype;
using nn::shape4;

namespace {

struct variant {
    precision prec;
    ref::binary_scale bin_scale = ref::binary_scale::fp32;
    bool binary_input = false;
    bool binary_output = false;
    std::string name() const {
        std::string n = ref::to_string(prec);
        if (prec == precision::binary)
            n += std::string(bin_scale == ref::binary_scale::fp32 ? "/fp32" : "/fixed") +
                 (binary_input ? "/bin_in" : "/int8_in") + (binary_output ? "/bin_out" : "");
        return n;
    }
};

const std::vector<variant> all_variants = {
    {precision::fp32},
    {precision::fp16},
    {precision::int16},
    {precision::int8},
    {precision::int4},
    {precision::binary, ref::binary_scale::fp32, true, false},
    {precision::binary, ref::binary_scale::fixed, false, false},
    {precision::binary, ref::binary_scale::fixed, true, true},
};

// Scales and zero points of an integer layer, then the lowered fields.
void quantize(ref::layer& l, std::mt19937& rng, bool per_channel) {
    if (l.prec == precision::fp32 || l.prec == precision::fp16)
        return;
    const bool pool = l.op == ref::op_kind::max_pool || l.op == ref::op_kind::avg_pool ||
                      l.op == ref::op_kind::global_avg_pool ||
                      l.op == ref::op_kind::global_max_pool;
    const int zp_span = l.prec == precision::int4 ? 2 : 5;
    std::uniform_int_distribution<int> zp(-zp_span, zp_span);
    // Real ranges of a few units, so that clamps and tables see varied values.
    const float unit = 1.0f / static_cast<float>(nn::max_of(ref::activation_type(l.prec)));
    l.in_q = {3 * unit, zp(rng)};
    l.in2_q = {2 * unit, zp(rng)};
    l.out_q = pool ? l.in_q : ref::quant_params{4 * unit, zp(rng)};
    l.act_q = {5 * unit, zp(rng)};
    const int n = per_channel ? l.out_channels : 1;
    std::uniform_real_distribution<float> ws(0.001f, 0.01f);
    if (l.prec == precision::binary) {
        l.bin_alpha.clear();
        for (int i = 0; i < l.out_channels; ++i)
            l.bin_alpha.push_back(ws(rng) * 10);
    } else {
        l.w_scales.clear();
        for (int i = 0; i < n; ++i)
            l.w_scales.push_back(ws(rng));
    }
    ref::lower_quantization(l);
}

nn::tensor random_bias(std::mt19937& rng, const ref::layer& l) {
    const dtype t = ref::bias_type(l);
    return random_tensor(rng, t, {1, 1, 1, l.out_channels}, nn::is_float(t) ? 0 : 500);
}

act_kind act_for(std::size_t i, precision p) {
    // relu first; then every kind in wire order, the vector unit's functions too.
    const std::size_t kinds = static_cast<std::size_t>(act_kind::last) + 1;
    act_kind k = i % kinds == 0 ? act_kind::relu
                 : i % kinds == 1 ? act_kind::none
                                  : static_cast<act_kind>(i % kinds);
    if (p == precision::int16 && ref::uses_table(k))
        k = act_kind::relu;  // a 65536-entry table does not fit this bench's buffers
    return k;
}

ref::layer base_layer(ref::op_kind op, const variant& v, act_kind act) {
    ref::layer l;
    l.op = op;
    l.prec = v.prec;
    l.bin_scale = v.bin_scale;
    l.binary_input = v.binary_input;
    l.binary_output = v.binary_output;
    l.act.kind = act;
    l.act.clip_lo = -0.5f;
    l.act.clip_hi = 0.75f;
    l.act.alpha = 0.125f;
    return l;
}

// Most cases must produce varied outputs (not a clamp everywhere).
void expect_varied_cases() {
    EXPECT_GT(case_stats().cases, 0);
    EXPECT_LE(case_stats().constant * 10, case_stats().cases)
        << case_stats().constant << " of " << case_stats().cases << " outputs are constant";
}

struct conv_case {
    shape4 in;
    int oc, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups;
};

void run_gemm_cases(ref::op_kind op, const std::vector<conv_case>& cases, uint32_t seed) {
    nncore_bench b;
    std::mt19937 rng(seed);
    test::run_thread([&] {
        std::size_t i = 0;
        for (const variant& v : all_variants)
            for (const conv_case& cc : cases) {
                // ReLU-family activations before binarisation give all +1.
                ref::layer l =
                    base_layer(op, v, v.binary_output ? act_kind::none : act_for(i, v.prec));
                ++i;
                l.out_channels = cc.oc;
                l.geo = {cc.kh, cc.kw, cc.sh, cc.sw, cc.pt,    cc.pb,
                         cc.pl, cc.pr, cc.dh, cc.dw, cc.groups};
                l.has_bias = true;
                l.name = std::string(ref::to_string(op)) + " " + v.name() + " " +
                         nn::to_string(cc.in) + " act " + ref::to_string(l.act.kind);
                quantize(l, rng, i % 2 == 0);
                const nn::tensor in = random_tensor(rng, ref::input_type(l), cc.in);
                const int cpg = cc.in.c / std::max(cc.groups, 1);
                const shape4 ws = op == ref::op_kind::conv2d
                                      ? shape4{cc.oc, cc.kh, cc.kw, cpg}
                                      : shape4{cc.oc, 1, 1, cc.in.h * cc.in.w * cc.in.c};
                const nn::tensor w = random_tensor(rng, ref::weight_type(l), ws);
                const nn::tensor bias = random_bias(rng, l);
                const auto df = static_cast<cost::dataflow>(i % 4);
                const job_result r = run_job(b, l, in, &w, &bias, df);
                ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1)) << l.name;
                expect_matches(r.out, ref::execute(l, in, &w, &bias), l.name);
            }
    });
    expect_varied_cases();
}

}  // namespace

// Odd shapes: 3x3 on a non-square image with channels not a multiple of the
// 8x8 array, 1x1, stride > kernel, dilation, batch 2, asymmetric padding.
TEST(nncore_functional, conv2d_every_precision_matches_reference) {
    run_gemm_cases(ref::op_kind::conv2d,
                   {{{1, 5, 7, 3}, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                    {{1, 4, 4, 10}, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},
                    {{2, 9, 9, 4}, 3, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1},
                    {{1, 7, 6, 5}, 11, 3, 2, 2, 1, 0, 2, 1, 0, 2, 1, 1}},
                   1234);
}

TEST(nncore_functional, grouped_and_depthwise_conv2d_match_reference) {
    run_gemm_cases(ref::op_kind::conv2d,
                   {{{1, 6, 6, 8}, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8},
                    {{1, 5, 5, 6}, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3}},
                   99);
}

TEST(nncore_functional, fully_connected_every_precision_matches_reference) {
    run_gemm_cases(ref::op_kind::fully_connected,
                   {{{1, 1, 1, 37}, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},
                    {{3, 2, 2, 5}, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}},
                   777);
}

TEST(nncore_functional, pools_every_precision_match_reference) {
    nncore_bench b;
    std::mt19937 rng(42);
    test::run_thread([&] {
        std::size_t i = 0;
        for (const variant& v : all_variants) {
            if (v.prec == precision::binary)
                continue;
            for (ref::op_kind op : {ref::op_kind::max_pool, ref::op_kind::avg_pool,
                                    ref::op_kind::global_avg_pool, ref::op_kind::global_max_pool})
                for (int geo = 0; geo < 2; ++geo) {
                    ref::layer l = base_layer(op, v, act_for(i++, v.prec));
                    if (geo == 0)
                        l.geo = {3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1};
                    else
                        l.geo = {2, 3, 3, 1, 0, 1, 2, 0, 1, 1, 1};
                    l.count_include_pad = op == ref::op_kind::avg_pool && i % 2 == 0;
                    l.name = std::string(ref::to_string(op)) + " " + v.name() + " geo " +
                             std::to_string(geo) + " act " + ref::to_string(l.act.kind);
                    quantize(l, rng, false);
                    const nn::tensor in = random_tensor(rng, ref::input_type(l), {2, 7, 5, 11});
                    const job_result r = run_job(b, l, in, nullptr, nullptr);
                    ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1)) << l.name;
                    expect_matches(r.out, ref::execute(l, in), l.name);
                }
        }
    });
    expect_varied_cases();
}

// Every element-wise op (div at float precisions only), the row reductions
// and the activations, broadcast second operands included.
TEST(nncore_functional, add_mul_and_activations_every_precision_match_reference) {
    nncore_bench b;
    std::mt19937 rng(5);
    test::run_thread([&] {
        std::size_t i = 0;
        const shape4 a{1, 4, 6, 9};
        for (const variant& v : all_variants) {
            if (v.prec == precision::binary)
                continue;
            for (ref::op_kind op : {ref::op_kind::add, ref::op_kind::mul, ref::op_kind::sub,
                                    ref::op_kind::div, ref::op_kind::max, ref::op_kind::min})
                for (shape4 bs : {a, shape4{1, 1, 1, 9}, shape4{1, 4, 1, 1}}) {
                    if (op == ref::op_kind::div && !nn::is_float(ref::activation_type(v.prec)))
                        continue;  // float only
                    ref::layer l = base_layer(op, v, act_for(i++, v.prec));
                    l.name = std::string(ref::to_string(op)) + " " + v.name() + " b " +
                             nn::to_string(bs) + " act " + ref::to_string(l.act.kind);
                    quantize(l, rng, false);
                    const nn::tensor x = random_tensor(rng, ref::input_type(l), a);
                    const nn::tensor y = random_tensor(rng, ref::input_type(l), bs);
                    const job_result r = run_job(b, l, x, &y, nullptr);
                    ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1)) << l.name;
                    expect_matches(r.out, ref::execute(l, x, &y), l.name);
                }
            for (ref::op_kind op : {ref::op_kind::reduce_sum, ref::op_kind::reduce_max,
                                    ref::op_kind::reduce_mean, ref::op_kind::softmax,
                                    ref::op_kind::normalize}) {
                if (ref::is_row_op(op) && !nn::is_float(ref::activation_type(v.prec)))
                    continue;  // float only
                ref::layer l = base_layer(op, v, act_for(i++, v.prec));
                if (op == ref::op_kind::normalize && (l.act.kind == act_kind::leaky_relu ||
                                                      l.act.kind == act_kind::hard_sigmoid))
                    l.act.kind = act_kind::relu;  // alpha carries epsilon
                l.name = std::string(ref::to_string(op)) + " " + v.name() + " act " +
                         ref::to_string(l.act.kind);
                quantize(l, rng, false);
                const nn::tensor x = random_tensor(rng, ref::input_type(l), {2, 3, 5, 11});
                const job_result r = run_job(b, l, x, nullptr, nullptr);
                ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1)) << l.name;
                expect_matches(r.out, ref::execute(l, x), l.name);
            }
            for (std::size_t k = 0; k < 7; ++k) {
                ref::layer l = base_layer(ref::op_kind::activation, v, act_for(k, v.prec));
                l.name = std::string("activation ") + v.name() + " " + ref::to_string(l.act.kind);
                quantize(l, rng, false);
                const nn::tensor x = random_tensor(rng, ref::input_type(l), {1, 3, 5, 7});
                const job_result r = run_job(b, l, x, nullptr, nullptr);
                ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1)) << l.name;
                expect_matches(r.out, ref::execute(l, x), l.name);
            }
        }
    });
    expect_varied_cases();
}

// INT16 table activations need a 65536-entry (256 KiB) table: a core with
// big enough buffers runs them.
TEST(nncore_functional, int16_table_activation_with_large_buffers) {
    nncore_config cfg = bench_nncore_config();
    cfg.core.weight_kb = 512;
    nncore_bench b(cfg);
    std::mt19937 rng(16);
    test::run_thread([&] {
        for (act_kind k : {act_kind::sigmoid, act_kind::leaky_relu}) {
            ref::layer l = base_layer(ref::op_kind::conv2d, {precision::int16}, k);
            l.out_channels = 4;
            l.geo.kernel_h = l.geo.kernel_w = 3;
            l.name = std::string("int16 conv ") + ref::to_string(k);
            quantize(l, rng, true);
            const nn::tensor in = random_tensor(rng, dtype::int16, {1, 5, 5, 3}, 2000);
            const nn::tensor w = random_tensor(rng, dtype::int16, {4, 3, 3, 3}, 2000);
            const job_result r = run_job(b, l, in, &w, nullptr);
            ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1)) << l.name;
            expect_matches(r.out, ref::execute(l, in, &w), l.name);
        }
    });
    expect_varied_cases();
}

// The wall-clock limit inside one compute command: the stop check is asked
// between output rows; once it says stop, the command is abandoned (no
// record, no output, no interrupt), the core stays busy and the simulation
// ends.
namespace {

// A 3x3 conv of 16 output rows, 4 -> 8 channels, and its random operands.
struct stop_case {
    ref::layer l;
    nn::tensor in, w;
};
stop_case conv_rows(precision p, std::mt19937& rng) {
    stop_case c;
    c.l = base_layer(ref::op_kind::conv2d, {p}, act_kind::relu);
    c.l.name = "conv";
    c.l.out_channels = 8;
    c.l.geo = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    c.in = random_tensor(rng, ref::input_type(c.l), {1, 16, 16, 4});
    c.w = random_tensor(rng, ref::weight_type(c.l), {8, 3, 3, 4});
    return c;
}

}  // namespace

TEST(nncore_functional, a_stop_check_abandons_a_compute_command_and_stops_the_simulation) {
    nncore_bench b;
    std::mt19937 rng(99);
    const stop_case c = conv_rows(precision::fp32, rng);
    const ref::layer& l = c.l;
    const nn::tensor &in = c.in, &w = c.w;
    int asked = 0;
    b.core.set_stop_check([&] { return ++asked > 3; });
    bool finished = false;
    sc_core::sc_spawn([&] {
        run_job(b, l, in, &w, nullptr);
        finished = true;
    });
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));
    EXPECT_EQ(sc_core::sc_get_status(), sc_core::SC_STOPPED);
    EXPECT_FALSE(finished);
    EXPECT_TRUE(b.core.interrupted());
    EXPECT_TRUE(b.core.busy());
    EXPECT_EQ(asked, 4);  // 16 output rows, one thread: stopped at the fourth
    for (const nncore::core::command_record& r : b.records)
        EXPECT_FALSE(nncore_cmd::is_compute(r.op)) << r.name;
    EXPECT_TRUE(b.streams.empty());
    EXPECT_FALSE(b.nn_irq.read());
}

// Saying go on changes nothing: the same bytes as the reference.
TEST(nncore_functional, a_stop_check_that_says_go_on_changes_no_result) {
    nncore_bench b;
    std::mt19937 rng(100);
    stop_case c = conv_rows(precision::int8, rng);
    ref::layer& l = c.l;
    l.has_bias = true;
    quantize(l, rng, true);
    const nn::tensor &in = c.in, &w = c.w;
    const nn::tensor bias = random_bias(rng, l);
    int asked = 0;
    b.core.set_stop_check([&] { return ++asked < 0; });
    test::run_thread([&] {
        const job_result r = run_job(b, l, in, &w, &bias);
        ASSERT_EQ(r.status, nncore_regs::STATUS_DONE.make(1));
        expect_matches(r.out, ref::execute(l, in, &w, &bias), l.name);
    });
    EXPECT_EQ(asked, 16);
    EXPECT_FALSE(b.core.interrupted());
}
