// Fast functional kernels of the NN core: the arithmetic of the reference
// executor (nn/ref, contract in docs/numerics.md) in cache-blocked,
// vectorisable loops, optionally split over worker threads inside one layer.
//
// Results equal ref::execute bit for bit for every precision: the integer
// paths are exact by construction, and the float paths keep the reference's
// summation order (every output element sums its taps in (kh, kw, ci) order
// from +0.0; vector lanes run over output channels or pixels, never over the
// taps of one sum) and are built without FMA contraction, so FP32 is exact as
// well (stricter than the tolerance docs/numerics.md allows).
//
// Arguments the fast path does not take (anything ref::execute would reject,
// and a few rare legal cases such as non-finite float weights) are handed to
// ref::execute unchanged, so errors are the reference's std::invalid_argument
// / std::out_of_range with the reference's message.
#pragma once

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

#include <functional>
#include <stdexcept>
#include <utility>

namespace nnvp::kernels {

struct options {
    options(unsigned threads_ = 1, std::function<bool()> stop_ = {})
        : threads(threads_), stop(std::move(stop_)) {}

    // Worker threads inside one layer (split over output rows, or output
    // channels when there are few rows). 0 counts as 1. Results never depend
    // on it.
    unsigned threads = 1;
    // Asked between chunks of output rows (about 64 per thread) of a conv2d,
    // fully connected, pooling or element-wise layer, from every worker
    // thread; true abandons the layer with `interrupted` (the simulator's
    // wall-clock limit inside one long command). The reference's own loops
    // (softmax, normalize, reductions, rare fallbacks) are not asked.
    std::function<bool()> stop;
};

// Thrown when options::stop said stop: the layer's result is abandoned.
struct interrupted : std::runtime_error {
    interrupted() : std::runtime_error("the layer was interrupted (options::stop)") {}
};

// Same meaning as ref::execute: `second` is the weights (conv2d,
// fully_connected) or the second operand (add, mul); unused otherwise;
// `partials`: earlier passes' sums of a conv2d / fully_connected with partial_in.
nn::tensor execute(const ref::layer& l, const nn::tensor& in, const nn::tensor* second,
                   const nn::tensor* bias, const options& opt = {},
                   const nn::tensor* partials = nullptr);

// The ops one by one (execute dispatches to these).
nn::tensor conv2d(const ref::layer& l, const nn::tensor& in, const nn::tensor& w,
                  const nn::tensor* bias, const options& opt = {},
                  const nn::tensor* partials = nullptr);
nn::tensor fully_connected(const ref::layer& l, const nn::tensor& in, const nn::tensor& w,
                           const nn::tensor* bias, const options& opt = {},
                           const nn::tensor* partials = nullptr);
nn::tensor pool(const ref::layer& l, const nn::tensor& in, const options& opt = {});
nn::tensor eltwise(const ref::layer& l, const nn::tensor& a, const nn::tensor& b,
                   const options& opt = {});
nn::tensor activate(const ref::layer& l, const nn::tensor& in, const options& opt = {});

}  // namespace nnvp::kernels
