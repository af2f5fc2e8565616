#include "sw/quant/calibration.h"

#include <algorithm>
#include <cmath>

#include "sw/quant/float_exec.h"

namespace nnvp::quant {

namespace {

void merge_into(std::map<std::string, value_range>& all, const std::string& name,
                const value_range& r) {
    const auto it = all.find(name);
    if (it == all.end())
        all.emplace(name, r);
    else
        it->second.merge(r);
}

}  // namespace

value_range observe(const nn::tensor& t, range_method m, double percentile) {
    value_range r;
    if (t.size() == 0)
        return r;
    std::vector<float> v(t.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = t.get_float(i);
    if (m == range_method::max_abs) {
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        r.lo = *lo;
        r.hi = *hi;
    } else {
        // Nearest rank: the value at sorted position round(p/100 * (n - 1)).
        const double last = static_cast<double>(v.size() - 1);
        const auto rank = [&](double p) {
            return static_cast<std::ptrdiff_t>(std::lround(p / 100.0 * last));
        };
        std::nth_element(v.begin(), v.begin() + rank(percentile), v.end());
        r.hi = v[static_cast<std::size_t>(rank(percentile))];
        std::nth_element(v.begin(), v.begin() + rank(100.0 - percentile), v.end());
        r.lo = v[static_cast<std::size_t>(rank(100.0 - percentile))];
    }
    r.lo = std::min(r.lo, 0.0f);
    r.hi = std::max(r.hi, 0.0f);
    return r;
}

calibration calibrate(const net::graph& g, const std::vector<nn::tensor>& samples, range_method m,
                      double percentile, unsigned threads) {
    if (g.inputs().size() != 1)
        throw quant_error("calibrate: network '" + g.name() + "' has " +
                          std::to_string(g.inputs().size()) + " inputs: expected 1");
    if (samples.empty())
        throw quant_error("calibrate: network '" + g.name() +
                          "': no calibration inputs (expected at least one fp32 input)");
    calibration cal;
    float_exec_options opt;
    opt.pre_activations = true;
    opt.threads = threads;
    for (const nn::tensor& s : samples) {
        const float_run run = run_float(g, {s}, opt);
        for (const auto& [name, t] : run.values)
            merge_into(cal.tensors, name, observe(t, m, percentile));
        for (const auto& [name, t] : run.pre_activation)
            merge_into(cal.pre_activations, name, observe(t, m, percentile));
    }
    return cal;
}

}  // namespace nnvp::quant
