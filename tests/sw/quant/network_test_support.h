// Helpers of the network quantizer's tests: a bare layer, and the SQNR of a
// quantized network's tensor against the float network's.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "nn/ref/layer.h"
#include "sw/compiler/reference.h"
#include "sw/quant/network_quantizer.h"

namespace nnvp::quant::test {

inline ref::layer layer_of(const std::string& name, ref::op_kind k) {
    ref::layer l;
    l.name = name;
    l.op = k;
    return l;
}

// SQNR (dB) of the quantized network's tensor `qt` (dequantized) against
// the float network's `ft` over the samples.
inline double sqnr_db(const compiler::network& f, int ft, const compiler::network& q, int qt,
                      const std::vector<std::vector<nn::tensor>>& inputs) {
    const compiler::tensor_desc d = compiler::plan_tensors(q)[static_cast<std::size_t>(qt)];
    double signal = 0, noise = 0;
    for (const auto& s : inputs) {
        const nn::tensor want = compiler::reference_run(f, s)[static_cast<std::size_t>(ft)];
        const nn::tensor got = real_values(
            d, compiler::reference_run(q, quantize_inputs(q, s))[static_cast<std::size_t>(qt)]);
        for (std::size_t i = 0; i < want.size(); ++i) {
            const double e = double(got.get_float(i)) - want.get_float(i);
            signal += double(want.get_float(i)) * want.get_float(i);
            noise += e * e;
        }
    }
    return 10 * std::log10(signal / noise);
}

}  // namespace nnvp::quant::test
