#include "sw/net/lower.h"

namespace nnvp::net {

ref::op_kind to_op_kind(op_type op) {
    switch (op) {
        case op_type::conv2d:
            return ref::op_kind::conv2d;
        case op_type::fully_connected:
            return ref::op_kind::fully_connected;
        case op_type::max_pool:
            return ref::op_kind::max_pool;
        case op_type::avg_pool:
            return ref::op_kind::avg_pool;
        case op_type::global_avg_pool:
            return ref::op_kind::global_avg_pool;
        case op_type::global_max_pool:
            return ref::op_kind::global_max_pool;
        case op_type::add:
            return ref::op_kind::add;
        case op_type::mul:
            return ref::op_kind::mul;
        case op_type::activation:
            return ref::op_kind::activation;
        default:
            break;
    }
    throw graph_error(std::string("op ") + to_string(op) + " does not run on the NN core");
}

ref::layer to_ref_layer(const graph& g, const node& n) {
    if (!runs_on_core(n.op))
        throw graph_error("network '" + g.name() + "': node '" + n.name + "' (" + to_string(n.op) +
                          "): a CPU op has no NN-core layer");
    ref::layer l;
    l.name = n.name;
    l.op = to_op_kind(n.op);
    l.act = n.act;
    switch (n.op) {
        case op_type::conv2d:
        case op_type::fully_connected:
            l.geo = n.geo;
            l.out_channels = n.out_channels;
            l.has_bias = n.has_bias;
            if (n.op == op_type::fully_connected)
                l.geo = ref::geometry{};
            break;
        case op_type::max_pool:
        case op_type::avg_pool: {
            l.geo = n.geo;
            l.count_include_pad = n.count_include_pad;
            if (n.ceil_mode) {
                // Pad the bottom/right just enough for the ceil-mode output size.
                const nn::shape4 in = g.tensor(n.inputs.front()).shape;
                const nn::shape4 out = g.tensor(n.outputs.front()).shape;
                l.geo.pad_bottom =
                    (out.h - 1) * n.geo.stride_h + n.geo.kernel_h - in.h - n.geo.pad_top;
                l.geo.pad_right =
                    (out.w - 1) * n.geo.stride_w + n.geo.kernel_w - in.w - n.geo.pad_left;
                if (l.geo.pad_bottom < n.geo.pad_bottom)
                    l.geo.pad_bottom = n.geo.pad_bottom;
                if (l.geo.pad_right < n.geo.pad_right)
                    l.geo.pad_right = n.geo.pad_right;
            }
            break;
        }
        default:
            break;
    }
    return l;
}

}  // namespace nnvp::net
