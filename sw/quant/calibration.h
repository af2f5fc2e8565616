// Calibration: the range of every activation tensor of a network over a set
// of representative inputs, measured on the FP32 reference (float_exec.h).
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "sw/net/graph.h"
#include "sw/quant/quant_options.h"
#include "nn/tensor/tensor.h"

namespace nnvp::quant {

struct value_range {
    float lo = 0.0f;
    float hi = 0.0f;
    float absmax() const { return std::max(-lo, hi); }
    void merge(const value_range& o) {
        lo = std::min(lo, o.lo);
        hi = std::max(hi, o.hi);
    }
};

struct calibration {
    std::map<std::string, value_range> tensors;          // by tensor name
    std::map<std::string, value_range> pre_activations;  // by node name (table activations)
};

// The range of one tensor: [min, max] (max_abs), or the (100 - p)-th and
// p-th percentiles of its values (nearest rank). Always contains 0, the
// value zero-padding and ReLU produce.
value_range observe(const nn::tensor& t, range_method m, double percentile);

// Runs the validated graph `g` (one input, parameters materialized) on every
// sample and merges the per-sample ranges (the widest wins). Throws
// quant_error when there are no samples or the graph has several inputs,
// net::graph_error for a sample of the wrong shape.
calibration calibrate(const net::graph& g, const std::vector<nn::tensor>& samples, range_method m,
                      double percentile, unsigned threads = 1);

}  // namespace nnvp::quant
