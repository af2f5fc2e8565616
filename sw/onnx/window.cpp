#include "sw/onnx/window.h"

#include <algorithm>

#include "sw/net/graph.h"

namespace nnvp::onnx_import {

// The window geometry of Conv / MaxPool / AveragePool from kernel_shape,
// strides, dilations, pads and auto_pad (ONNX operator spec), for an
// NCHW input [N,C,H,W].
ref::geometry window(const attributes& a, const std::vector<int64_t>& in_dims, int kh, int kw,
                     bool ceil_mode) {
    ref::geometry g;
    g.kernel_h = kh;
    g.kernel_w = kw;
    const auto strides = a.get_ints("strides", {1, 1});
    const auto dil = a.get_ints("dilations", {1, 1});
    const auto ks = a.get_ints("kernel_shape", {kh, kw});
    if (strides.size() != 2 || dil.size() != 2 || ks.size() != 2)
        a.fail("strides / dilations / kernel_shape: expected 2 values (2-D windows only)");
    if (ks[0] != kh || ks[1] != kw)
        a.fail("kernel_shape: does not match the weights");
    for (int64_t v : {strides[0], strides[1], dil[0], dil[1]})
        if (v < 1 || v > 1 << 16)
            a.fail("strides / dilations: expected values in 1..65536");
    g.stride_h = static_cast<int>(strides[0]);
    g.stride_w = static_cast<int>(strides[1]);
    g.dilation_h = static_cast<int>(dil[0]);
    g.dilation_w = static_cast<int>(dil[1]);
    const std::string auto_pad = a.get_string("auto_pad", "NOTSET");
    const int in[2] = {static_cast<int>(in_dims[2]), static_cast<int>(in_dims[3])};
    const int k[2] = {kh, kw}, s[2] = {g.stride_h, g.stride_w}, d[2] = {g.dilation_h, g.dilation_w};
    int lo[2] = {0, 0}, hi[2] = {0, 0};
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        if (a.has("pads"))
            a.fail("pads: not allowed with auto_pad " + auto_pad);
        for (int i = 0; i < 2; ++i) {
            const int out = (in[i] + s[i] - 1) / s[i];
            const int total = std::max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i]);
            lo[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
            hi[i] = total - lo[i];
        }
    } else if (auto_pad == "NOTSET") {
        const auto pads = a.get_ints("pads", {0, 0, 0, 0});
        if (pads.size() != 4)
            a.fail("pads: " + std::to_string(pads.size()) + " values, expected 4");
        for (int64_t p : pads)
            if (p < 0 || p > 1 << 16)
                a.fail("pads: expected values in 0..65536");
        lo[0] = static_cast<int>(pads[0]);
        lo[1] = static_cast<int>(pads[1]);
        hi[0] = static_cast<int>(pads[2]);
        hi[1] = static_cast<int>(pads[3]);
    } else if (auto_pad != "VALID") {
        a.fail("auto_pad '" + auto_pad + "': expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    if (ceil_mode) {
        // Extra bottom / right padding gives the ceil-mode size (as net::lower does).
        for (int i = 0; i < 2; ++i) {
            const int out = net::window_output(in[i], k[i], s[i], lo[i], hi[i], d[i], true);
            if (out <= 0)
                a.fail("the window does not fit the input");
            hi[i] = std::max(hi[i], (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i] - lo[i]);
        }
    }
    g.pad_top = lo[0];
    g.pad_left = lo[1];
    g.pad_bottom = hi[0];
    g.pad_right = hi[1];
    return g;
}

}  // namespace nnvp::onnx_import
