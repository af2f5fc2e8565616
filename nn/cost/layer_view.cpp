#include "nn/cost/layer_view.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "nn/cost/layer_cost.h"
#include "nn/ref/ops.h"

namespace nnvp::cost::detail {

namespace {

[[noreturn]] void fail(const ref::layer& l, const std::string& what) {
    throw std::invalid_argument("layer '" + l.name + "' (" + ref::to_string(l.op) + "): " + what);
}

uint64_t u(int v) {
    return static_cast<uint64_t>(v);
}

}  // namespace

layer_view view_of(const ref::layer& l, nn::shape4 in) {
    if (in.n < 1 || in.h < 1 || in.w < 1 || in.c < 1)
        fail(l, "input shape " + nn::to_string(in) + " has a non-positive dimension");
    layer_view v;
    v.op = l.op;
    v.prec = costed_precision(l);
    v.float_function = nn::is_float(ref::output_type(l)) && ref::is_piecewise_function(l.act.kind);
    v.in_bits = static_cast<unsigned>(nn::bits_of(ref::input_type(l)));
    v.out_bits = static_cast<unsigned>(nn::bits_of(ref::output_type(l)));
    v.partial_in = l.partial_in;
    v.N = u(in.n);
    v.H = u(in.h);
    v.W = u(in.w);
    v.C = u(in.c);
    switch (l.op) {
        case ref::op_kind::conv2d: {
            const nn::shape4 out = ref::output_shape(l, in);  // checks the geometry
            const ref::geometry& g = l.geo;
            if (g.groups < 1 || l.out_channels < 1 || in.c % g.groups != 0 ||
                l.out_channels % g.groups != 0)
                fail(l, "groups must divide input channels (" + std::to_string(in.c) +
                            ") and out_channels (" + std::to_string(l.out_channels) + ")");
            v.Eh = u(out.h);
            v.Ew = u(out.w);
            v.O = u(l.out_channels);
            v.R = u(g.kernel_h);
            v.S = u(g.kernel_w);
            v.stride_h = u(g.stride_h);
            v.stride_w = u(g.stride_w);
            v.dilation_h = u(g.dilation_h);
            v.dilation_w = u(g.dilation_w);
            v.pad_top = u(g.pad_top);
            v.pad_left = u(g.pad_left);
            v.groups = u(g.groups);
            v.cpg = v.C / v.groups;
            v.opg = v.O / v.groups;
            break;
        }
        case ref::op_kind::fully_connected:
            if (l.out_channels < 1)
                fail(l, "out_channels must be >= 1");
            v.N = 1;  // batch rows become output rows
            v.H = u(in.n);
            v.W = 1;
            v.C = u(in.h) * u(in.w) * u(in.c);
            v.Eh = u(in.n);
            v.Ew = 1;
            v.O = u(l.out_channels);
            v.cpg = v.C;
            v.opg = v.O;
            break;
        default: {
            v.on_array = false;
            const bool global =
                l.op == ref::op_kind::global_avg_pool || l.op == ref::op_kind::global_max_pool;
            const bool pool = l.op == ref::op_kind::max_pool || l.op == ref::op_kind::avg_pool;
            if (global) {
                v.R = v.H;
                v.S = v.W;
                v.Eh = 1;
                v.Ew = 1;
            } else if (pool) {
                const nn::shape4 out = ref::output_shape(l, in);  // checks the geometry
                const ref::geometry& g = l.geo;
                v.Eh = u(out.h);
                v.Ew = u(out.w);
                v.R = u(g.kernel_h);
                v.S = u(g.kernel_w);
                v.stride_h = u(g.stride_h);
                v.stride_w = u(g.stride_w);
                v.pad_top = u(g.pad_top);
                v.pad_left = u(g.pad_left);
            } else if (ref::is_row_op(l.op)) {
                // softmax: max, sub, exp (a function), sum, div per element;
                // normalize: sum, sub, square-add, mul (+ an rsqrt per row).
                v.Eh = v.H;
                v.Ew = v.W;
                v.R = 4;
                // (an integer softmax reads its exp from the table instead)
                v.float_function = v.float_function || (l.op == ref::op_kind::softmax &&
                                                        nn::is_float(ref::output_type(l)));
            } else if (ref::is_reduce(l.op)) {  // a row of C channels -> 1
                v.Eh = v.H;
                v.Ew = v.W;
                v.R = v.C;
            } else {  // add, sub, mul, div, max, min, activation: element-wise
                v.Eh = v.H;
                v.Ew = v.W;
                v.inputs = l.op == ref::op_kind::activation ? 1 : 2;
            }
            v.O = ref::is_reduce(l.op) ? 1 : v.C;
            v.groups = v.O;
            v.acc_bits = v.out_bits;
            return v;
        }
    }
    v.w_bits = static_cast<unsigned>(nn::bits_of(ref::weight_type(l)));
    v.acc_bits = static_cast<unsigned>(nn::bits_of(ref::bias_type(l)));
    return v;
}

}  // namespace nnvp::cost::detail
