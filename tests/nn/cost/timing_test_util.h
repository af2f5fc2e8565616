// Layer builders shared by the timing-model tests.
#pragma once

#include <string>

#include "nn/ref/layer.h"

namespace nnvp::test {

inline ref::layer conv(int k, int stride, int pad, int out_channels, int groups = 1,
                       ref::precision p = ref::precision::fp32) {
    ref::layer l;
    l.name = "conv";
    l.op = ref::op_kind::conv2d;
    l.prec = p;
    l.geo.kernel_h = l.geo.kernel_w = k;
    l.geo.stride_h = l.geo.stride_w = stride;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = pad;
    l.geo.groups = groups;
    l.out_channels = out_channels;
    return l;
}

inline ref::layer fc(int out_channels, ref::precision p = ref::precision::fp32) {
    ref::layer l;
    l.name = "fc";
    l.op = ref::op_kind::fully_connected;
    l.prec = p;
    l.out_channels = out_channels;
    return l;
}

inline ref::layer simple(ref::op_kind op, ref::precision p = ref::precision::fp32) {
    ref::layer l;
    l.name = ref::to_string(op);
    l.op = op;
    l.prec = p;
    return l;
}

}  // namespace nnvp::test
