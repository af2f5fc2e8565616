#include "tools/accuracy/fake_quant.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nnvp::accuracy {

namespace {

std::size_t row_length(const std::vector<float>& w, int rows) {
    if (rows < 1 || w.size() % static_cast<std::size_t>(rows) != 0)
        throw std::invalid_argument("fake quantization: " + std::to_string(w.size()) +
                                    " weights do not split into " + std::to_string(rows) + " rows");
    return w.size() / static_cast<std::size_t>(rows);
}

}  // namespace

std::vector<float> binarize_rows(const std::vector<float>& w, int rows) {
    const std::size_t per = row_length(w, rows);
    std::vector<float> out(w.size());
    for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) {
        double sum = 0.0;  // in double, as the quantizer sums
        for (std::size_t i = r * per; i < (r + 1) * per; ++i)
            sum += std::fabs(w[i]);
        const float alpha = static_cast<float>(std::max(sum / static_cast<double>(per), 1e-30));
        for (std::size_t i = r * per; i < (r + 1) * per; ++i)
            out[i] = w[i] >= 0.0f ? alpha : -alpha;
    }
    return out;
}

std::vector<float> quantize_rows(const std::vector<float>& w, int rows, int qmax) {
    if (qmax < 1)
        throw std::invalid_argument("fake quantization: qmax " + std::to_string(qmax) +
                                    ", expected >= 1");
    const std::size_t per = row_length(w, rows);
    std::vector<float> out(w.size(), 0.0f);
    for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) {
        float absmax = 0.0f;
        for (std::size_t i = r * per; i < (r + 1) * per; ++i)
            absmax = std::max(absmax, std::fabs(w[i]));
        if (absmax == 0.0f)
            continue;
        const float s = absmax / static_cast<float>(qmax);
        for (std::size_t i = r * per; i < (r + 1) * per; ++i) {
            const float q = std::clamp(std::round(w[i] / s), -static_cast<float>(qmax) - 1,
                                       static_cast<float>(qmax));
            out[i] = q * s;
        }
    }
    return out;
}

}  // namespace nnvp::accuracy
