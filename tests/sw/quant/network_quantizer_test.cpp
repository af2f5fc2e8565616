// Post-training quantization of a float compiler::network (the general
// importer's output): which steps become integer, which keep their type, the
// converts between them, every scale against its hand-computed value, and the
// accuracy of the result against the float network.
#include "sw/quant/network_quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "nn/ref/ops.h"
#include "sw/compiler/reference.h"
#include "tests/sw/quant/network_test_support.h"

namespace nnvp::quant {
namespace {

using nn::dtype;
using ref::op_kind;
using ref::precision;
using test::layer_of;
using test::sqnr_db;

nn::tensor seeded(nn::shape4 s, unsigned seed, float span = 1.0f) {
    std::mt19937 rng(seed);
    nn::tensor t(dtype::fp32, s);
    for (std::size_t i = 0; i < t.size(); ++i)
        t.set_float(i, span * (static_cast<float>(rng() % 2001) / 1000.0f - 1.0f));
    return t;
}


// x [1,4,4,2] -> conv "conv" 3x3 pad 1, 3 channels, sigmoid (a table) ->
// reshape [1,1,1,48] -> fc "fc" 4 outputs, ReLU -> div "div" by a constant
// (float only) -> add "add" of the extra input y [1,1,1,4].
compiler::network float_network() {
    compiler::network net;
    net.name = "mixed";
    net.input_type = dtype::fp32;
    net.input_shape = {1, 4, 4, 2};
    ref::layer conv = layer_of("conv", op_kind::conv2d);
    conv.geo.kernel_h = conv.geo.kernel_w = 3;
    conv.geo.pad_top = conv.geo.pad_bottom = conv.geo.pad_left = conv.geo.pad_right = 1;
    conv.out_channels = 3;
    conv.has_bias = true;
    conv.act.kind = ref::act_kind::sigmoid;
    net.ops.push_back(compiler::layer_op(conv, seeded({3, 3, 3, 2}, 1, 0.5f), seeded({1, 1, 1, 3}, 2, 0.2f)));
    net.ops.push_back(compiler::reshape_op({1, 1, 1, 48}, "reshape"));
    ref::layer fc = layer_of("fc", op_kind::fully_connected);
    fc.out_channels = 4;
    fc.act.kind = ref::act_kind::relu;
    net.ops.push_back(compiler::layer_op(fc, seeded({4, 1, 1, 48}, 3, 0.3f)));
    net.constants.push_back({"divisor", seeded({1, 1, 1, 4}, 4, 0.5f), {}});
    for (std::size_t i = 0; i < 4; ++i)  // 1.5 .. 2.5: no division by ~0
        net.constants[0].value.set_float(i, 2.0f + net.constants[0].value.get_float(i));
    net.extra_inputs.push_back({"y", {1, 1, 1, 4}, dtype::fp32, {}});
    net.ops.push_back(compiler::layer_op(layer_of("div", op_kind::div)));
    net.ops.push_back(compiler::layer_op(layer_of("add", op_kind::add)));
    // Extra inputs and constants are numbered after the last op.
    net.ops[3].in = {3, net.constant_index(0)};
    net.ops[4].in = {4, net.extra_input_index(0)};
    return net;
}

std::vector<std::vector<nn::tensor>> samples(unsigned first, unsigned n) {
    std::vector<std::vector<nn::tensor>> s;
    for (unsigned k = first; k < first + n; ++k)
        s.push_back({seeded({1, 4, 4, 2}, 100 + k), seeded({1, 1, 1, 4}, 200 + k)});
    return s;
}

std::vector<std::string> names(const compiler::network& n) {
    std::vector<std::string> r;
    for (const compiler::net_op& op : n.ops)
        r.push_back(op.name);
    return r;
}

float absmax(const nn::tensor& t) {
    float m = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
        m = std::max(m, std::fabs(t.get_float(i)));
    return m;
}


TEST(NetworkQuantizer, IntegerWhereTheCoreCanFloatElsewhereWithConverts) {
    const compiler::network f = float_network();
    const auto cal_samples = samples(0, 16);
    const network_calibration cal =
        calibrate_network(f, cal_samples, range_method::max_abs, 100.0);
    quant_options o;
    const compiler::network q = quantize_network(f, o, cal);
    EXPECT_EQ(names(q), (std::vector<std::string>{"conv", "reshape", "fc", "div", "add"}));
    const std::vector<compiler::tensor_desc> t = compiler::plan_tensors(q);
    // Inputs read only by integer layers: quantized by the host.
    EXPECT_EQ(q.input_type, dtype::int8);
    EXPECT_FLOAT_EQ(q.input_q.scale, cal.tensors[0].absmax() / 127.0f);
    EXPECT_EQ(q.extra_inputs[0].type, dtype::int8);
    // Independently: the ranges over the samples, and conv's pre-sigmoid range.
    float in_max = 0, pre_max = 0, conv_max = 0;
    ref::layer bare = f.ops[0].layer;
    bare.act = {};
    for (const auto& s : cal_samples) {
        in_max = std::max(in_max, absmax(s[0]));
        pre_max = std::max(pre_max, absmax(ref::execute(bare, s[0], &*f.ops[0].weights,
                                                        &*f.ops[0].bias)));
        conv_max = std::max(conv_max, absmax(compiler::reference_run(f, s)[1]));
    }
    EXPECT_FLOAT_EQ(q.input_q.scale, in_max / 127.0f);
    const ref::layer& conv = q.ops[0].layer;
    EXPECT_EQ(conv.prec, precision::int8);
    EXPECT_FLOAT_EQ(conv.act_q.scale, pre_max / 127.0f);
    EXPECT_FLOAT_EQ(conv.out_q.scale, conv_max / 127.0f);
    ASSERT_EQ(conv.w_scales.size(), 3u);  // per output channel
    for (int c = 0; c < 3; ++c) {
        float m = 0;
        for (std::size_t i = 0; i < 18; ++i)
            m = std::max(m, std::fabs(f.ops[0].weights->get_float(static_cast<std::size_t>(c) * 18 + i)));
        EXPECT_FLOAT_EQ(conv.w_scales[static_cast<std::size_t>(c)], m / 127.0f);
    }
    EXPECT_EQ(q.ops[0].weights->type(), dtype::int8);
    // Reshape passes int8 through at conv's scale; div by the constant runs
    // as an integer mul by its reciprocal, quantized symmetrically on its own
    // absmax; add reads div's output and the int8 input y.
    EXPECT_EQ(t[2].type, dtype::int8);
    EXPECT_FLOAT_EQ(t[2].q.scale, conv.out_q.scale);
    EXPECT_EQ(q.ops[2].layer.prec, precision::int8);
    EXPECT_EQ(q.ops[3].layer.prec, precision::int8);
    EXPECT_EQ(q.ops[3].layer.op, op_kind::mul);
    EXPECT_EQ(q.ops[3].in, (std::vector<int>{3, q.constant_index(0)}));
    ASSERT_EQ(q.constants.size(), 1u);
    const nn::tensor& divisor = f.constants[0].value;
    float inv_max = 0;
    for (std::size_t i = 0; i < 4; ++i)
        inv_max = std::max(inv_max, 1.0f / divisor.get_float(i));
    EXPECT_EQ(q.constants[0].value.type(), dtype::int8);
    EXPECT_FLOAT_EQ(q.constants[0].q.scale, inv_max / 127.0f);
    EXPECT_EQ(q.constants[0].q.zero_point, 0);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(q.constants[0].value.get_int(i),
                  std::lround(1.0f / divisor.get_float(i) / (inv_max / 127.0f)));
    EXPECT_EQ(q.ops[4].layer.prec, precision::int8);
    EXPECT_EQ(q.ops[4].in, (std::vector<int>{4, q.extra_input_index(0)}));
    EXPECT_EQ(q.output_index(), 5);
    // On inputs it was not calibrated on, the output stays close to fp32's.
    EXPECT_GT(sqnr_db(f, 5, q, 5, samples(20, 4)), 30.0);
}

// A divisor with a zero, or one built without values (timing mode), has no
// reciprocal: div stays fp32, with converts at its edges. (Unit ranges: the
// float network is not run.)
TEST(NetworkQuantizer, DivisionWithoutAReciprocalStaysFloatWithConverts) {
    compiler::network with_zero = float_network();
    with_zero.constants[0].value.set_float(2, 0.0f);
    compiler::network sizes_only = float_network();
    sizes_only.constants[0].value = nn::tensor::without_values(dtype::fp32, {1, 1, 1, 4});
    for (const compiler::network& f : {with_zero, sizes_only}) {
        const compiler::network q = quantize_network(f, quant_options{}, network_calibration{});
        EXPECT_EQ(names(q), (std::vector<std::string>{"conv", "reshape", "fc", "fc/to_fp32",
                                                      "div", "div/to_int8", "add"}));
        EXPECT_EQ(q.ops[4].layer.prec, precision::fp32);
        EXPECT_EQ(q.ops[4].layer.op, op_kind::div);
        EXPECT_EQ(q.constants.at(0).value.type(), dtype::fp32);
    }
}

// A constant read by an integer layer is quantized at compile time (no
// convert step); an override keeps a layer at fp32, with the converts moving
// to its edges.
TEST(NetworkQuantizer, ConstantsQuantizedAtCompileTimeAndOverrides) {
    compiler::network f = float_network();
    f.ops[3].layer.op = op_kind::mul;  // now integer: the divisor becomes an int8 constant
    const network_calibration cal = calibrate_network(f, samples(0, 2), range_method::max_abs, 100);
    quant_options o;
    compiler::network q = quantize_network(f, o, cal);
    EXPECT_EQ(names(q), (std::vector<std::string>{"conv", "reshape", "fc", "div", "add"}));
    ASSERT_EQ(q.constants.size(), 1u);
    EXPECT_EQ(q.constants[0].value.type(), dtype::int8);
    EXPECT_FLOAT_EQ(q.constants[0].q.scale, cal.tensors[static_cast<std::size_t>(f.constant_index(0))].absmax() / 127.0f);
    EXPECT_EQ(q.ops[3].in, (std::vector<int>{3, q.constant_index(0)}));

    o.overrides["fc"] = precision::fp32;
    q = quantize_network(f, o, cal);
    EXPECT_EQ(names(q), (std::vector<std::string>{"conv", "reshape", "reshape/to_fp32", "fc",
                                                  "fc/to_int8", "div", "add"}));
    EXPECT_EQ(q.ops[3].layer.prec, precision::fp32);
    EXPECT_EQ(q.ops[3].weights->type(), dtype::fp32);
}

// Softmax and normalize have integer paths: a softmax keeps its exp table
// whole (2^20 at d = 0, not clamped into the output type) and follows fp32.
TEST(NetworkQuantizer, RowOpsQuantizeWithTheirTables) {
    compiler::network f;
    f.name = "rows";
    f.input_type = dtype::fp32;
    f.input_shape = {1, 1, 4, 8};
    f.ops.push_back(compiler::layer_op(layer_of("norm", op_kind::normalize)));
    f.ops.push_back(compiler::layer_op(layer_of("softmax", op_kind::softmax)));
    std::vector<std::vector<nn::tensor>> cal, eval;
    for (unsigned k = 0; k < 8; ++k)
        cal.push_back({seeded({1, 1, 4, 8}, 300 + k, 3.0f)});
    for (unsigned k = 0; k < 3; ++k)
        eval.push_back({seeded({1, 1, 4, 8}, 400 + k, 3.0f)});
    const compiler::network q =
        quantize_network(f, quant_options{}, calibrate_network(f, cal, range_method::max_abs, 100));
    ASSERT_EQ(names(q), (std::vector<std::string>{"norm", "softmax"}));
    EXPECT_EQ(q.ops[0].layer.prec, precision::int8);
    EXPECT_EQ(q.ops[1].layer.prec, precision::int8);
    ASSERT_EQ(q.ops[1].layer.act_lut.size(), 256u);
    EXPECT_EQ(q.ops[1].layer.act_lut[0], 1 << 20);
    EXPECT_GT(sqnr_db(f, 2, q, 2, eval), 30.0);
}

TEST(NetworkQuantizer, Int16AndUnitRangesWithoutCalibration) {
    const compiler::network f = float_network();
    quant_options o;
    o.precision = precision::int16;
    const compiler::network q = quantize_network(f, o, network_calibration{});
    EXPECT_EQ(q.input_type, dtype::int16);
    EXPECT_FLOAT_EQ(q.input_q.scale, 1.0f / 32767.0f);
    EXPECT_EQ(q.ops[0].layer.prec, precision::int16);
    EXPECT_NO_THROW(compiler::plan_tensors(q));
}

// fp16: every fp32 core layer at half precision (div and row ops too), the
// weights and the divisor rounded, the inputs rounded by the host.
TEST(NetworkQuantizer, Fp16RunsEveryCoreLayerAtHalfPrecision) {
    const compiler::network f = float_network();
    quant_options o;
    o.precision = precision::fp16;
    o.scheme = scheme::none;
    const compiler::network q = quantize_network(f, o, network_calibration{});
    EXPECT_EQ(names(q), (std::vector<std::string>{"conv", "reshape", "fc", "div", "add"}));
    EXPECT_EQ(q.input_type, dtype::fp16);
    EXPECT_EQ(q.extra_inputs[0].type, dtype::fp16);
    for (std::size_t i : {0u, 2u, 3u, 4u})
        EXPECT_EQ(q.ops[i].layer.prec, precision::fp16) << i;
    EXPECT_EQ(q.ops[0].weights->type(), dtype::fp16);
    EXPECT_EQ(q.constants.at(0).value.type(), dtype::fp16);
    EXPECT_GT(sqnr_db(f, 5, q, 5, samples(30, 3)), 50.0);
}

TEST(NetworkQuantizer, RefusalsNameTheField) {
    const compiler::network f = float_network();
    const auto error = [&](const quant_options& o) {
        try {
            quantize_network(f, o, network_calibration{});
        } catch (const quant_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    quant_options o;
    o.precision = precision::int4;
    EXPECT_EQ(error(o), "quantize: network 'mixed': precision int4: ONNX models run at int8, "
                        "int16 or fp16 (fp32 runs the model as exported)");
    o = {};
    o.overrides["nope"] = precision::int8;
    EXPECT_EQ(error(o), "quantize: network 'mixed': layer_precision 'nope': no step of that name "
                        "(nnvp info lists them)");
    o = {};
    o.overrides["reshape"] = precision::int8;
    EXPECT_EQ(error(o), "quantize: network 'mixed': layer_precision 'reshape': a CPU step: "
                        "expected a core layer");
    EXPECT_THROW(calibrate_network(f, {}, range_method::max_abs, 100), quant_error);
}

}  // namespace
}  // namespace nnvp::quant
