// Accuracy of a quantized network against the FP32 reference, layer by
// layer: the quantized network (network_exec.h) and the FP32 graph
// (float_exec.h) run on the same real inputs; each op named after a graph
// node has its output dequantized and compared with the FP32 tensor the
// node writes. SQNR = 10 log10(sum x^2 / sum (x - x_q)^2) over all elements
// of all inputs (x: FP32, x_q: dequantized), +inf when they agree exactly.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sw/net/graph.h"
#include "sw/compiler/builder.h"
#include "nn/tensor/tensor.h"

namespace nnvp::quant {

// Running sums of a comparison of real values against a reference.
struct error_sums {
    double signal = 0.0;   // sum ref^2
    double noise = 0.0;    // sum (ref - got)^2
    double max_abs = 0.0;  // largest |ref - got|

    void add(const nn::tensor& ref, const nn::tensor& got);
    double sqnr_db() const;  // +inf when they agree exactly
};

struct layer_error {
    std::string name;       // op (= node) name
    std::string tensor;     // graph tensor compared
    std::string precision;  // the layer's precision, or "cpu"
    std::string type;       // element type the op writes
    double max_abs_err = 0.0;
    double sqnr_db = 0.0;
};

struct error_report {
    std::string network;
    std::size_t inputs = 0;
    std::vector<layer_error> layers;  // in execution order
    double output_max_abs_err = 0.0;  // the network output
    double output_sqnr_db = 0.0;
    double top1_agreement = 0.0;  // fraction of output rows (inputs x batch) whose argmax agrees
};

// `g`: the validated graph with parameters that `q` was quantized from;
// `inputs`: real (fp32) samples of its input. Throws quant_error when there
// are no inputs.
error_report measure_error(const net::graph& g, const compiler::network& q,
                           const std::vector<nn::tensor>& inputs, unsigned threads = 1);

// {"network", "inputs", "output_max_abs_err", "output_sqnr_db",
//  "top1_agreement", "layers": [{name, tensor, precision, type, max_abs_err,
//  sqnr_db}]}; infinite SQNR is written as null.
std::string to_json(const error_report& r);

}  // namespace nnvp::quant
