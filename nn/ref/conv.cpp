// conv2d and fully_connected. One loop nest: for every output element, walk
// the kernel window in (kh, kw, ci) order, skip taps that fall into the
// padding (they contribute a real zero: the input zero point on integer
// paths), accumulate at the precision's accumulator width, add the bias, then
// run the shared epilogue (nn/ref/activation.h). A pass of a layer split over
// its input channels adds earlier passes' partial sums before the bias, or
// stops at the raw sum (ref::layer::partial_in / partial_out).
#include "nn/ref/activation.h"
#include "nn/ref/layer_failure.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <algorithm>
#include <string>
#include <vector>

namespace nnvp::ref {

using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

using detail::fail;

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
    case op_kind::sub:
    case op_kind::div:
    case op_kind::max:
    case op_kind::min:
    case op_kind::activation:
    case op_kind::softmax:
    case op_kind::normalize: return in;
    case op_kind::reduce_sum:
    case op_kind::reduce_max:
    case op_kind::reduce_mean: return {in.n, in.h, in.w, 1};
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

namespace {

// Groups, operand types and shapes, and the bias of a conv2d call.
void check_conv(const layer& l, const tensor& in, const tensor& w, const tensor* bias)
{
    const geometry& g = l.geo;
    const shape4 is = in.shape();
    if (g.groups < 1 || is.c % g.groups != 0 || l.out_channels < 1 ||
        l.out_channels % g.groups != 0)
        fail(l, "groups must divide input channels (" + std::to_string(is.c) +
                    ") and out_channels (" + std::to_string(l.out_channels) + ")");
    const int cpg = is.c / g.groups;
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
}

// The partial-sum flags and operand of a pass over some input channels.
void check_partials(const layer& l, const shape4& os, const tensor* partials)
{
    if (uses_partials(l) && (l.prec == precision::fp32 || l.prec == precision::fp16))
        fail(l, "partial sums need an integer precision (float sums depend on their order)");
    if (l.partial_out && l.has_bias)
        fail(l, "partial_out writes raw sums: the bias belongs to the last pass");
    if (l.partial_in != (partials != nullptr))
        fail(l, "partial_in does not match the partials argument");
    if (partials) {
        check_type(l, *partials, accumulator_type(l), "partials");
        if (partials->shape() != os)
            fail(l, "partials " + nn::to_string(partials->shape()) + ", expected " +
                        nn::to_string(os));
    }
}

// The epilogue's parameters: binary scales or requantization multipliers.
void check_epilogue(const layer& l)
{
    const bool float_path = l.prec == precision::fp32 || l.prec == precision::fp16;
    const bool bin = l.prec == precision::binary;
    if (bin && l.bin_scale == binary_scale::fp32 &&
        l.bin_alpha.size() != static_cast<std::size_t>(l.out_channels))
        fail(l, "bin_alpha needs one scale per output channel");
    if (!float_path && !(bin && l.bin_scale == binary_scale::fp32) &&
        l.out_mult.size() != 1 && l.out_mult.size() != static_cast<std::size_t>(l.out_channels))
        fail(l, "out_mult needs 1 or out_channels entries (call lower_quantization)");
}

// Sum of the +-1 products of K = `taps` bit-packed operand pairs (1 = +1):
// 2 * popcount(xnor(a, w)) - K, padding contributing 0.
int64_t xnor_popcount_dot(const std::vector<uint64_t>& abits, const std::vector<uint64_t>& wbits,
                    int64_t taps)
{
    int64_t pop = 0;
    for (std::size_t k = 0; k < abits.size(); ++k) {
        const int valid =
            static_cast<int>(std::min<int64_t>(64, taps - static_cast<int64_t>(64 * k)));
        const uint64_t mask = valid == 64 ? ~uint64_t{0} : ((uint64_t{1} << valid) - 1);
        pop += __builtin_popcountll(~(abits[k] ^ wbits[k]) & mask);
    }
    return 2 * pop - taps;
}

// One output element's window sum before bias and epilogue.
struct window_sum {
    float real = 0.0f;    // float paths
    int64_t integer = 0;  // integer and binary paths
};

// One conv2d call on checked operands: the operands unpacked once (integer
// activations with the zero point removed), then a window sum and the
// epilogue per output element.
class conv_loop {
public:
    conv_loop(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
              const tensor* partials)
        : m_l(l),
          m_in(in),
          m_w(w),
          m_bias(bias),
          m_partials(partials),
          m_cpg(in.shape().c / l.geo.groups),
          m_opg(l.out_channels / l.geo.groups),
          m_float(l.prec == precision::fp32 || l.prec == precision::fp16),
          m_bin(l.prec == precision::binary),
          m_popcount(m_bin && l.binary_input)
    {
        const int32_t in_zp = m_popcount ? 0 : l.in_q.zero_point;
        if (m_float) {
            m_xf = unpack_float(in);
            m_wf = unpack_float(w);
        } else {
            m_xi = unpack_int(in, in_zp);
            m_wi = unpack_int(w, 0);
        }
    }

    tensor run(const shape4& os, dtype ot)
    {
        tensor out(ot, os);
        for (int n = 0; n < os.n; ++n)
            for (int oh = 0; oh < os.h; ++oh)
                for (int ow = 0; ow < os.w; ++ow)
                    for (int oc = 0; oc < os.c; ++oc)
                        store(out, out.index(n, oh, ow, oc), oc, sum_window(n, oh, ow, oc));
        return out;
    }

private:
    window_sum sum_window(int n, int oh, int ow, int oc)
    {
        const geometry& g = m_l.geo;
        const shape4 is = m_in.shape();
        const int grp = oc / m_opg;
        window_sum s;
        int64_t taps = 0;  // valid taps times cpg (binary K)
        m_abits.clear();
        m_wbits.clear();
        for (int kh = 0; kh < g.kernel_h; ++kh) {
            const int ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
            if (ih < 0 || ih >= is.h)
                continue;
            for (int kw = 0; kw < g.kernel_w; ++kw) {
                const int iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                if (iw < 0 || iw >= is.w)
                    continue;
                const std::size_t xb = m_in.index(n, ih, iw, grp * m_cpg);
                const std::size_t wb = m_w.index(oc, kh, kw, 0);
                for (int ci = 0; ci < m_cpg; ++ci) {
                    if (m_float) {
                        s.real += m_xf[xb + ci] * m_wf[wb + ci];
                    } else if (m_popcount) {
                        // Pack the +-1 operands as bits (1 = +1).
                        if (taps % 64 == 0) {
                      m_abits.push_back(0);
                      m_wbits.push_back(0);
                        }
                        const uint64_t bit = uint64_t{1} << (taps % 64);
                        if (m_xi[xb + ci] > 0)
                      m_abits.back() |= bit;
                        if (m_wi[wb + ci] > 0)
                      m_wbits.back() |= bit;
                    } else {
                        s.integer += static_cast<int64_t>(m_xi[xb + ci]) * m_wi[wb + ci];
                    }
                    ++taps;
                }
            }
        }
        if (m_popcount)
            s.integer = xnor_popcount_dot(m_abits, m_wbits, taps);
        return s;
    }

    // Bias and epilogue of output element `at` (channel oc).
    void store(tensor& out, std::size_t at, int oc, window_sum s) const
    {
        const dtype ot = out.type();
        const auto ch = static_cast<std::size_t>(oc);
        if (m_partials)  // integer paths only (check_partials)
            s.integer += m_partials->get_int(at);
        if (m_l.partial_out) {
            out.set_int(at, m_l.prec == precision::int16 ? s.integer : wrap32(s.integer));
            return;
        }
        if (m_float) {
            if (m_bias)
                s.real += m_bias->get_float(ch);
            out.set_float(at, finish_float(m_l, s.real, ot));
        } else if (m_bin && m_l.bin_scale == binary_scale::fp32) {
            float y = static_cast<float>(s.integer) * m_l.bin_alpha[ch];
            if (m_bias)
                y += m_bias->get_float(ch);
            y = apply_float_activation(m_l.act, y);
            if (ot == dtype::binary)
                out.set_int(at, y >= 0.0f ? 1 : -1);
            else
                out.set_float(at, y);
        } else {
            int64_t acc = s.integer;
            if (m_bias && __builtin_add_overflow(acc, m_bias->get_int(ch), &acc))
                acc = acc < 0 ? INT64_MAX : INT64_MIN;  // INT16: saturate
            if (m_l.prec != precision::int16)
                acc = wrap32(acc);
            const int64_t q = finish_int(m_l, acc, oc, m_bin ? dtype::int8 : ot);
            if (ot == dtype::binary)
                out.set_int(at, q >= m_l.out_q.zero_point ? 1 : -1);
            else
                out.set_int(at, q);
        }
    }

    const layer& m_l;
    const tensor& m_in;
    const tensor& m_w;
    const tensor* m_bias;
    const tensor* m_partials;  // partial_in: earlier passes' sums
    const int m_cpg;  // input channels per group
    const int m_opg;  // output channels per group
    const bool m_float, m_bin, m_popcount;
    std::vector<float> m_xf, m_wf;
    std::vector<int32_t> m_xi, m_wi;
    std::vector<uint64_t> m_abits, m_wbits;  // XNOR/popcount operands of one window
};

}  // namespace

tensor conv2d(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
              const tensor* partials)
{
    check_conv(l, in, w, bias);
    const shape4 os = output_shape(l, in.shape());
    const dtype ot = output_type(l);
    check_partials(l, os, partials);
    if (!l.partial_out)
        check_epilogue(l);
    return conv_loop(l, in, w, bias, partials).run(os, ot);
}

tensor fully_connected(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
                       const tensor* partials)
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
    return conv2d(as_conv, in.reshaped({is.n, 1, 1, k}), w, bias, partials);
}

}  // namespace nnvp::ref
