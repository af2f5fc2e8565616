#include "sw/compiler/sample_network.h"

#include "sw/compiler/reference.h"

#include <cmath>
#include <random>
#include <stdexcept>

#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

namespace nnvp::compiler {

namespace {

nn::tensor random_tensor(std::mt19937& rng, nn::dtype t, const nn::shape4& s) {
    nn::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (nn::is_float(t))
            x.set_float(i, std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng));
        else
            x.set_int(i, std::uniform_int_distribution<int64_t>(
                             std::max<int64_t>(-20, nn::min_of(t)),
                             std::min<int64_t>(20, nn::max_of(t)))(rng));
    }
    return x;
}

ref::layer conv(const char* name, int filters, int stride, ref::quant_params in,
                ref::quant_params out) {
    ref::layer l;
    l.name = name;
    l.op = ref::op_kind::conv2d;
    l.prec = ref::precision::int8;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.stride_h = l.geo.stride_w = stride;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.out_channels = filters;
    l.has_bias = true;
    l.act.kind = ref::act_kind::relu;
    l.in_q = in;
    l.out_q = out;
    for (int c = 0; c < filters; ++c)
        l.w_scales.push_back(0.01f + 0.0005f * static_cast<float>(c));
    ref::lower_quantization(l);
    return l;
}

nn::tensor bias_for(std::mt19937& rng, const ref::layer& l) {
    nn::tensor b(ref::bias_type(l), {1, 1, 1, l.out_channels});
    for (std::size_t i = 0; i < b.size(); ++i)
        b.set_int(i, std::uniform_int_distribution<int64_t>(-300, 300)(rng));
    return b;
}

}  // namespace

network tiny_classifier(uint32_t seed, const sample_shape& s) {
    std::mt19937 rng(seed);
    network net;
    net.name = "tiny_classifier";
    net.input_type = nn::dtype::int8;
    net.input_shape = {1, s.size, s.size, s.channels};
    net.input_q = {0.05f, 3};

    const ref::quant_params q1{0.1f, -1}, q2{0.1f, -5}, q3{0.2f, 0};
    ref::layer c1 = conv("conv1", s.c1, 1, net.input_q, q1);
    ref::layer c2 = conv("conv2", s.c2, 2, q1, q2);
    ref::layer gap;
    gap.name = "gap";
    gap.op = ref::op_kind::global_avg_pool;
    gap.prec = ref::precision::int8;
    gap.in_q = gap.out_q = q2;
    ref::lower_quantization(gap);
    ref::layer fc;
    fc.name = "fc";
    fc.op = ref::op_kind::fully_connected;
    fc.prec = ref::precision::int8;
    fc.out_channels = s.classes;
    fc.has_bias = true;
    fc.in_q = q2;
    fc.out_q = q3;
    fc.w_scales = {0.02f};
    ref::lower_quantization(fc);

    net.ops.push_back(layer_op(c1, random_tensor(rng, nn::dtype::int8, {s.c1, 3, 3, s.channels}),
                               bias_for(rng, c1)));
    net.ops.push_back(
        layer_op(c2, random_tensor(rng, nn::dtype::int8, {s.c2, 3, 3, s.c1}), bias_for(rng, c2)));
    net.ops.push_back(layer_op(gap));
    net.ops.push_back(layer_op(fc, random_tensor(rng, nn::dtype::int8, {s.classes, 1, 1, s.c2}),
                               bias_for(rng, fc)));
    net.ops.push_back(softmax_op());
    return net;
}

nn::tensor random_input(const network& net, uint32_t seed) {
    std::mt19937 rng(seed);
    return random_tensor(rng, net.input_type, net.input_shape);
}

std::vector<nn::tensor> reference_run(const network& net, const nn::tensor& input) {
    return reference_run(net, std::vector<nn::tensor>{input});
}

}  // namespace nnvp::compiler
