#include "sw/train/adam.h"

#include <cmath>

namespace nnvp::train {

adam::adam(adam_config c) : m_c(c), m_m(lenet_params::zeros()), m_v(lenet_params::zeros()) {}

void adam::step(lenet_params& p, const lenet_params& g, float lr) {
    ++m_t;
    m_b1t *= m_c.beta1;
    m_b2t *= m_c.beta2;
    const float alpha = static_cast<float>(lr * std::sqrt(1.0 - m_b2t) / (1.0 - m_b1t));
    const float b1 = m_c.beta1, b2 = m_c.beta2, eps = m_c.eps;
    for (int i = 0; i < param_count; ++i) {
        float* w = p.t[i].data();
        const float* gr = g.t[i].data();
        float* m = m_m.t[i].data();
        float* v = m_v.t[i].data();
        const std::size_t n = p.t[i].size();
        for (std::size_t k = 0; k < n; ++k) {
            m[k] = b1 * m[k] + (1.0f - b1) * gr[k];
            v[k] = b2 * v[k] + (1.0f - b2) * gr[k] * gr[k];
            w[k] -= alpha * m[k] / (std::sqrt(v[k]) + eps);
        }
    }
}

}  // namespace nnvp::train
