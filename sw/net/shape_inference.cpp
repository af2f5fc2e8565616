// Shape inference per op. The window arithmetic is the reference executor's
// (nn/ref/conv.cpp output_shape) plus ceil mode for pooling, which Caffe's
// GoogLeNet uses and ONNX expresses as ceil_mode = 1; lowering turns the
// extra row/column into bottom/right padding (sw/net/lower.cpp).
#include <cstdint>
#include <limits>

#include "sw/net/graph.h"

namespace nnvp::net {

namespace {

using nn::shape4;

class checker {
public:
    checker(const std::string& graph_name, const node& n) : m_graph(graph_name), m_node(n) {}

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw graph_error("network '" + m_graph + "': node '" + m_node.name + "' (" +
                          to_string(m_node.op) + "): " + field + ": " + what);
    }

    void inputs(const std::vector<value_info>& ins, std::size_t lo, std::size_t hi) const {
        if (ins.size() < lo || ins.size() > hi)
            fail("inputs", "expected " +
                               (lo == hi ? std::to_string(lo) : std::to_string(lo) + " or more") +
                               " input(s), got " + std::to_string(ins.size()));
    }

    // Kernel, stride, dilation >= 1, padding >= 0.
    void window(const ref::geometry& g) const {
        if (g.kernel_h < 1 || g.kernel_w < 1)
            fail("geometry.kernel", dims(g.kernel_h, g.kernel_w) + ": expected >= 1");
        if (g.stride_h < 1 || g.stride_w < 1)
            fail("geometry.stride", dims(g.stride_h, g.stride_w) + ": expected >= 1");
        if (g.dilation_h < 1 || g.dilation_w < 1)
            fail("geometry.dilation", dims(g.dilation_h, g.dilation_w) + ": expected >= 1");
        if (g.pad_top < 0 || g.pad_bottom < 0 || g.pad_left < 0 || g.pad_right < 0)
            fail("geometry.pad", "expected >= 0");
    }

    shape4 windowed(const shape4& in, const ref::geometry& g, int channels, bool ceil) const {
        const int oh = window_output(in.h, g.kernel_h, g.stride_h, g.pad_top, g.pad_bottom,
                                     g.dilation_h, ceil);
        const int ow = window_output(in.w, g.kernel_w, g.stride_w, g.pad_left, g.pad_right,
                                     g.dilation_w, ceil);
        if (oh < 1 || ow < 1)
            fail("geometry.kernel", "window " + dims(g.kernel_h, g.kernel_w) + " (dilation " +
                                        dims(g.dilation_h, g.dilation_w) +
                                        ") larger than the padded input " + nn::to_string(in));
        return {in.n, oh, ow, channels};
    }

    static std::string dims(int a, int b) { return std::to_string(a) + "x" + std::to_string(b); }

private:
    const std::string& m_graph;
    const node& m_node;
};

int64_t count64(const shape4& s) {
    return int64_t{s.n} * s.h * s.w * s.c;
}

using inputs_t = std::vector<value_info>;

shape4 conv_output(const checker& check, const node& n, const inputs_t& ins) {
    check.inputs(ins, 1, 1);
    const shape4 in = ins[0].shape;
    if (n.out_channels < 1)
        check.fail("out_channels", std::to_string(n.out_channels) + ": expected >= 1");
    check.window(n.geo);
    if (n.ceil_mode)
        check.fail("ceil_mode", "only pooling rounds its output size up");
    if (n.geo.groups < 1 || in.c % n.geo.groups != 0 || n.out_channels % n.geo.groups != 0)
        check.fail("geometry.groups", std::to_string(n.geo.groups) +
                                          " must divide the input channels (" +
                                          std::to_string(in.c) + ") and out_channels (" +
                                          std::to_string(n.out_channels) + ")");
    return check.windowed(in, n.geo, n.out_channels, false);
}

shape4 pool_output(const checker& check, const node& n, const inputs_t& ins) {
    check.inputs(ins, 1, 1);
    check.window(n.geo);
    if (n.geo.dilation_h != 1 || n.geo.dilation_w != 1 || n.geo.groups != 1)
        check.fail("geometry", "pooling takes no dilation or groups");
    // Every window must hold at least one real element (docs/numerics.md).
    if (n.geo.pad_top >= n.geo.kernel_h || n.geo.pad_bottom >= n.geo.kernel_h ||
        n.geo.pad_left >= n.geo.kernel_w || n.geo.pad_right >= n.geo.kernel_w)
        check.fail("geometry.pad", "padding must be smaller than the kernel");
    return check.windowed(ins[0].shape, n.geo, ins[0].shape.c, n.ceil_mode);
}

// add, mul: the second input broadcasts to the first.
shape4 eltwise_output(const checker& check, const inputs_t& ins) {
    check.inputs(ins, 2, 2);
    const shape4 a = ins[0].shape;
    const shape4 b = ins[1].shape;
    const auto fits = [](int x, int y) { return x == y || y == 1; };
    if (!fits(a.n, b.n) || !fits(a.h, b.h) || !fits(a.w, b.w) || !fits(a.c, b.c))
        check.fail("inputs[1]", "shape " + nn::to_string(b) + " ('" + ins[1].name +
                                    "') does not match or broadcast to " + nn::to_string(a) +
                                    " ('" + ins[0].name + "')");
    if (ins[0].type != ins[1].type)
        check.fail("inputs[1]", std::string("dtype ") + nn::to_string(ins[1].type) +
                                    " differs from " + nn::to_string(ins[0].type));
    return a;
}

shape4 flatten_output(const checker& check, const inputs_t& ins) {
    check.inputs(ins, 1, 1);
    const shape4 in = ins[0].shape;
    const int64_t k = int64_t{in.h} * in.w * in.c;
    if (k > std::numeric_limits<int>::max())
        check.fail("inputs[0]", "shape " + nn::to_string(in) + " is too large to flatten");
    return {in.n, 1, 1, static_cast<int>(k)};
}

shape4 reshape_output(const checker& check, const node& n, const inputs_t& ins) {
    check.inputs(ins, 1, 1);
    if (n.target.n < 1 || n.target.h < 1 || n.target.w < 1 || n.target.c < 1)
        check.fail("target", nn::to_string(n.target) + ": expected every dimension >= 1");
    if (count64(n.target) != count64(ins[0].shape))
        check.fail("target", nn::to_string(n.target) + " holds " +
                                 std::to_string(count64(n.target)) + " elements, input " +
                                 nn::to_string(ins[0].shape) + " holds " +
                                 std::to_string(count64(ins[0].shape)));
    return n.target;
}

shape4 concat_output(const checker& check, const node& n, const inputs_t& ins) {
    check.inputs(ins, 1, std::numeric_limits<std::size_t>::max());
    if (n.axis < 0 || n.axis > 3)
        check.fail("axis", std::to_string(n.axis) + ": expected 0..3 (NHWC)");
    shape4 out = ins[0].shape;
    int64_t total = 0;
    for (std::size_t i = 0; i < ins.size(); ++i) {
        shape4 s = ins[i].shape;
        total += s.at(n.axis);
        s.at(n.axis) = out.at(n.axis);
        if (s != out)
            check.fail("inputs[" + std::to_string(i) + "]",
                       "shape " + nn::to_string(ins[i].shape) + " ('" + ins[i].name +
                           "') differs from " + nn::to_string(ins[0].shape) + " ('" + ins[0].name +
                           "') outside axis " + std::to_string(n.axis));
        if (ins[i].type != ins[0].type)
            check.fail("inputs[" + std::to_string(i) + "]", "dtypes differ");
    }
    if (total > std::numeric_limits<int>::max())
        check.fail("axis", "concatenated size overflows");
    out.at(n.axis) = static_cast<int>(total);
    return out;
}

// The output shape of `n`, its inputs checked.
shape4 output_shape(const checker& check, const node& n, const inputs_t& ins) {
    switch (n.op) {
        case op_type::conv2d:
            return conv_output(check, n, ins);
        case op_type::fully_connected:
            check.inputs(ins, 1, 1);
            if (n.out_channels < 1)
                check.fail("out_channels", std::to_string(n.out_channels) + ": expected >= 1");
            return {ins[0].shape.n, 1, 1, n.out_channels};
        case op_type::max_pool:
        case op_type::avg_pool:
            return pool_output(check, n, ins);
        case op_type::global_avg_pool:
        case op_type::global_max_pool:
            check.inputs(ins, 1, 1);
            return {ins[0].shape.n, 1, 1, ins[0].shape.c};
        case op_type::add:
        case op_type::mul:
            return eltwise_output(check, ins);
        case op_type::activation:
        case op_type::softmax:
            check.inputs(ins, 1, 1);
            return ins[0].shape;
        case op_type::lrn:
            check.inputs(ins, 1, 1);
            if (n.lrn.size < 1)
                check.fail("lrn.size", std::to_string(n.lrn.size) + ": expected >= 1");
            return ins[0].shape;
        case op_type::flatten:
            return flatten_output(check, ins);
        case op_type::reshape:
            return reshape_output(check, n, ins);
        case op_type::concat:
            return concat_output(check, n, ins);
    }
    return {};
}

}  // namespace

int window_output(int in, int kernel, int stride, int pad_lo, int pad_hi, int dilation,
                  bool ceil_mode) {
    const int64_t eff = int64_t{dilation} * (kernel - 1) + 1;
    const int64_t span = int64_t{in} + pad_lo + pad_hi - eff;
    if (span < 0 || stride < 1)
        return 0;
    int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
    if (ceil_mode && (out - 1) * stride >= int64_t{in} + pad_lo)
        --out;
    return out > std::numeric_limits<int>::max() ? 0 : static_cast<int>(out);
}

std::vector<value_info> infer_outputs(const std::string& graph_name, const node& n,
                                      const std::vector<value_info>& ins) {
    const checker check(graph_name, n);
    const shape4 out = output_shape(check, n, ins);
    if (count64(out) > (int64_t{1} << 40))
        check.fail("outputs[0]", "shape " + nn::to_string(out) + " is implausibly large");
    const nn::dtype type = ins.empty() ? nn::dtype::fp32 : ins.front().type;
    return {value_info{n.outputs.front(), out, type}};
}

}  // namespace nnvp::net
