// conv2d and fully_connected. One loop nest: for every output element, walk
// the kernel window in (kh, kw, ci) order, skip taps that fall into the
// padding (they contribute a real zero: the input zero point on integer
// paths), accumulate at the precision's accumulator width, add the bias, then
// run the shared epilogue (nn/ref/activation.h).
#include "nn/ref/activation.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnvp::ref {

using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

[[noreturn]] void fail(const layer& l, const std::string& what)
{
    throw std::invalid_argument("layer '" + l.name + "' (" + to_string(l.op) + ", " +
                                to_string(l.prec) + "): " + what);
}

void check_type(const layer& l, const tensor& t, dtype want, const char* what)
{
    if (t.type() != want)
        fail(l, std::string(what) + " is " + nn::to_string(t.type()) + ", expected " +
                    nn::to_string(want));
}

std::vector<float> unpack_float(const tensor& t)
{
    std::vector<float> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = t.get_float(i);
    return v;
}

std::vector<int32_t> unpack_int(const tensor& t, int32_t zero_point)
{
    std::vector<int32_t> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<int32_t>(t.get_int(i) - zero_point);
    return v;
}

// Two's-complement wrap to 32 bits: the INT8 / INT4 / binary accumulator is a
// 32-bit register (docs/numerics.md); wrapping the exact sum once at the end
// equals wrapping after every addition.
int64_t wrap32(int64_t v)
{
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

}  // namespace

shape4 output_shape(const layer& l, const shape4& in)
{
    switch (l.op) {
    case op_kind::fully_connected: return {in.n, 1, 1, l.out_channels};
    case op_kind::global_avg_pool:
    case op_kind::global_max_pool: return {in.n, 1, 1, in.c};
    case op_kind::add:
    case op_kind::mul:
    case op_kind::activation: return in;
    default: break;
    }
    const geometry& g = l.geo;
    if (g.kernel_h < 1 || g.kernel_w < 1 || g.stride_h < 1 || g.stride_w < 1 ||
        g.dilation_h < 1 || g.dilation_w < 1 || g.pad_top < 0 || g.pad_bottom < 0 ||
        g.pad_left < 0 || g.pad_right < 0)
        fail(l, "kernel, stride and dilation must be >= 1, padding >= 0");
    const int64_t eff_h = static_cast<int64_t>(g.dilation_h) * (g.kernel_h - 1) + 1;
    const int64_t eff_w = static_cast<int64_t>(g.dilation_w) * (g.kernel_w - 1) + 1;
    const int64_t span_h = int64_t{in.h} + g.pad_top + g.pad_bottom - eff_h;
    const int64_t span_w = int64_t{in.w} + g.pad_left + g.pad_right - eff_w;
    if (span_h < 0 || span_w < 0)
        fail(l, "kernel larger than the padded input " + nn::to_string(in));
    const int oc = l.op == op_kind::conv2d ? l.out_channels : in.c;
    return {in.n, static_cast<int>(span_h / g.stride_h + 1),
            static_cast<int>(span_w / g.stride_w + 1), oc};
}

tensor conv2d(const layer& l, const tensor& in, const tensor& w, const tensor* bias)
{
    const geometry& g = l.geo;
    const shape4 is = in.shape();
    if (g.groups < 1 || is.c % g.groups != 0 || l.out_channels < 1 ||
        l.out_channels % g.groups != 0)
        fail(l, "groups must divide input channels (" + std::to_string(is.c) +
                    ") and out_channels (" + std::to_string(l.out_channels) + ")");
    const int cpg = is.c / g.groups;            // input channels per group
    const int opg = l.out_channels / g.groups;  // output channels per group
    check_type(l, in, input_type(l), "input");
    check_type(l, w, weight_type(l), "weights");
    if (w.shape() != shape4{l.out_channels, g.kernel_h, g.kernel_w, cpg})
        fail(l, "weights " + nn::to_string(w.shape()) + ", expected " +
                    nn::to_string(shape4{l.out_channels, g.kernel_h, g.kernel_w, cpg}));
    if (l.has_bias != (bias != nullptr))
        fail(l, "has_bias does not match the bias argument");
    if (bias) {
        check_type(l, *bias, bias_type(l), "bias");
        if (bias->size() != static_cast<std::size_t>(l.out_channels))
            fail(l, "bias needs " + std::to_string(l.out_channels) + " elements");
    }
    const shape4 os = output_shape(l, is);
    const dtype ot = output_type(l);
    const bool float_path = l.prec == precision::fp32 || l.prec == precision::fp16;
    const bool bin = l.prec == precision::binary;
    if (bin && l.bin_scale == binary_scale::fp32 &&
        l.bin_alpha.size() != static_cast<std::size_t>(l.out_channels))
        fail(l, "bin_alpha needs one scale per output channel");
    if (!float_path && !(bin && l.bin_scale == binary_scale::fp32) &&
        l.out_mult.size() != 1 && l.out_mult.size() != static_cast<std::size_t>(l.out_channels))
        fail(l, "out_mult needs 1 or out_channels entries (call lower_quantization)");

    // Operands unpacked once; integer activations have the zero point removed.
    const std::vector<float> xf = float_path ? unpack_float(in) : std::vector<float>{};
    const std::vector<float> wf = float_path ? unpack_float(w) : std::vector<float>{};
    const int32_t in_zp = (bin && l.binary_input) ? 0 : l.in_q.zero_point;
    const std::vector<int32_t> xi = float_path ? std::vector<int32_t>{} : unpack_int(in, in_zp);
    const std::vector<int32_t> wi = float_path ? std::vector<int32_t>{} : unpack_int(w, 0);
    const bool popcount_path = bin && l.binary_input;

    tensor out(ot, os);
    std::vector<uint64_t> abits, wbits;  // XNOR/popcount operands of one window
    for (int n = 0; n < os.n; ++n)
        for (int oh = 0; oh < os.h; ++oh)
            for (int ow = 0; ow < os.w; ++ow)
                for (int oc = 0; oc < os.c; ++oc) {
                    const int grp = oc / opg;
                    float facc = 0.0f;
                    int64_t iacc = 0;
                    int64_t taps = 0;  // valid taps times cpg (binary K)
                    abits.clear();
                    wbits.clear();
                    for (int kh = 0; kh < g.kernel_h; ++kh) {
                        const int ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
                        if (ih < 0 || ih >= is.h)
                            continue;
                        for (int kw = 0; kw < g.kernel_w; ++kw) {
                            const int iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                            if (iw < 0 || iw >= is.w)
                                continue;
                            const std::size_t xb = in.index(n, ih, iw, grp * cpg);
                            const std::size_t wb = w.index(oc, kh, kw, 0);
                            for (int ci = 0; ci < cpg; ++ci) {
                                if (float_path) {
                                    facc += xf[xb + ci] * wf[wb + ci];
                                } else if (popcount_path) {
                                    // Pack the +-1 operands as bits (1 = +1).
                                    if (taps % 64 == 0) {
                                        abits.push_back(0);
                                        wbits.push_back(0);
                                    }
                                    const uint64_t bit = uint64_t{1} << (taps % 64);
                                    if (xi[xb + ci] > 0)
                                        abits.back() |= bit;
                                    if (wi[wb + ci] > 0)
                                        wbits.back() |= bit;
                                } else {
                                    iacc += static_cast<int64_t>(xi[xb + ci]) * wi[wb + ci];
                                }
                                ++taps;
                            }
                        }
                    }
                    if (popcount_path) {
                        // sum of +-1 products = 2 * popcount(xnor(a, w)) - K
                        // over the K valid taps (padding contributes 0).
                        int64_t pop = 0;
                        for (std::size_t k = 0; k < abits.size(); ++k) {
                            const int valid = static_cast<int>(
                                std::min<int64_t>(64, taps - static_cast<int64_t>(64 * k)));
                            const uint64_t mask =
                                valid == 64 ? ~uint64_t{0} : ((uint64_t{1} << valid) - 1);
                            pop += __builtin_popcountll(~(abits[k] ^ wbits[k]) & mask);
                        }
                        iacc = 2 * pop - taps;
                    }
                    const std::size_t oi = out.index(n, oh, ow, oc);
                    if (float_path) {
                        if (bias)
                            facc += bias->get_float(static_cast<std::size_t>(oc));
                        out.set_float(oi, finish_float(l, facc, ot));
                    } else if (bin && l.bin_scale == binary_scale::fp32) {
                        float y = static_cast<float>(iacc) * l.bin_alpha[oc];
                        if (bias)
                            y += bias->get_float(static_cast<std::size_t>(oc));
                        y = apply_float_activation(l.act, y);
                        if (ot == dtype::binary)
                            out.set_int(oi, y >= 0.0f ? 1 : -1);
                        else
                            out.set_float(oi, y);
                    } else {
                        if (bias && __builtin_add_overflow(
                                        iacc, bias->get_int(static_cast<std::size_t>(oc)), &iacc))
                            iacc = iacc < 0 ? INT64_MAX : INT64_MIN;  // INT16: saturate
                        if (l.prec != precision::int16)
                            iacc = wrap32(iacc);
                        const dtype qt = bin ? dtype::int8 : ot;
                        const int64_t q = finish_int(l, iacc, oc, qt);
                        if (ot == dtype::binary)
                            out.set_int(oi, q >= l.out_q.zero_point ? 1 : -1);
                        else
                            out.set_int(oi, q);
                    }
                }
    return out;
}

tensor fully_connected(const layer& l, const tensor& in, const tensor& w, const tensor* bias)
{
    const shape4 is = in.shape();
    const int k = is.h * is.w * is.c;
    if (w.shape() != shape4{l.out_channels, 1, 1, k})
        fail(l, "weights " + nn::to_string(w.shape()) + ", expected " +
                    nn::to_string(shape4{l.out_channels, 1, 1, k}));
    // A fully connected layer is a 1x1 convolution over a 1x1 image of K
    // channels: same loop, same epilogue.
    layer as_conv = l;
    as_conv.op = op_kind::conv2d;
    as_conv.geo = geometry{};
    return conv2d(as_conv, in.reshaped({is.n, 1, 1, k}), w, bias);
}

}  // namespace nnvp::ref
