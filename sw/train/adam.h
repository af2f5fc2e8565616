// Adam (Kingma & Ba, "Adam: A method for stochastic optimization", ICLR
// 2015, Algorithm 1), with the bias corrections folded into the step size
// as in section 2 of the paper.
#pragma once

#include "sw/train/lenet.h"

namespace nnvp::train {

struct adam_config {
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float eps = 1e-8f;
};

class adam {
public:
    explicit adam(adam_config c = {});
    // One update of `p` from the gradient `g` with learning rate lr.
    void step(lenet_params& p, const lenet_params& g, float lr);

private:
    adam_config m_c;
    lenet_params m_m, m_v;
    int m_t = 0;
    double m_b1t = 1.0, m_b2t = 1.0;  // beta1^t, beta2^t
};

}  // namespace nnvp::train
