#include "firmware/runtime/cpu_ops.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "sw/ref/quant.h"

namespace nnvp::fw {

sw::tensor softmax(const sw::tensor& in, const ref::quant_params& q) {
    const bool int8 = in.type() == sw::dtype::int8;
    if (!int8 && in.type() != sw::dtype::fp32)
        throw std::invalid_argument(std::string("softmax: input ") + sw::to_string(in.type()) +
                                    ": expected fp32 or int8");
    sw::tensor out(sw::dtype::fp32, in.shape());
    const std::size_t c = static_cast<std::size_t>(in.shape().c);
    std::vector<double> e(c);
    for (std::size_t row = 0; row < in.size(); row += c) {
        double max = -INFINITY;
        for (std::size_t k = 0; k < c; ++k) {
            e[k] = int8 ? ref::dequantize_value(in.get_int(row + k), q) : in.get_float(row + k);
            max = std::max(max, e[k]);
        }
        double sum = 0;
        for (std::size_t k = 0; k < c; ++k) {
            e[k] = std::exp(e[k] - max);
            sum += e[k];
        }
        for (std::size_t k = 0; k < c; ++k)
            out.set_float(row + k, static_cast<float>(e[k] / sum));
    }
    return out;
}

}  // namespace nnvp::fw
