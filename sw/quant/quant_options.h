// What the quantizer is asked to do: a scheme, a precision (with an optional
// narrower bit width), the calibration method and per-layer overrides.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "nn/ref/layer.h"

namespace nnvp::quant {

enum class scheme : uint8_t {
    none,           // fp32 layers (fp16 with precision fp16): no integer arithmetic
    static_fixed,   // one power-of-two Q format for all activations, one for all weights
    dynamic_fixed,  // power-of-two scales per activation tensor and per layer's weights
                    // (Gysel et al., "Ristretto", arXiv:1605.06402)
    per_channel,    // weights: max-abs scale per output channel; activations: per
                    // tensor from calibration (Jacob et al., arXiv:1712.05877;
                    // Krishnamoorthi, arXiv:1806.08342)
};

enum class range_method : uint8_t {
    max_abs,     // the observed minimum and maximum
    percentile,  // the `percentile` and 100 - `percentile` percentiles (clips outliers)
};

struct quant_options {
    quant::scheme scheme = scheme::per_channel;
    ref::precision precision = ref::precision::int8;
    // 0: the full width of the storage type. Otherwise the integer tensors of
    // the precision's storage type (activations and weights) use only a
    // signed `bits`-bit range inside it (2 <= bits <= type width), e.g. 6-bit
    // values in int8 storage, for dynamic fixed-point width experiments.
    int bits = 0;
    range_method calibration = range_method::max_abs;
    double percentile = 99.99;  // in (50, 100]
    bool asymmetric = false;    // per_channel: affine activations (zero point)
    // Mixed precision: node name -> precision of that core node.
    std::map<std::string, ref::precision> overrides;
    unsigned threads = 1;  // calibration: worker threads inside one layer
    // SmoothQuant's migration strength alpha in (0, 1] (smoothing.h); 0: off.
    // Imported networks only (ONNX models, zoo transformers).
    double smoothquant = 0.0;
};

class quant_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

const char* to_string(scheme s);
const char* to_string(range_method m);
// Names as printed by to_string; throw quant_error listing the valid names.
scheme parse_scheme(const std::string& s);
ref::precision parse_precision(const std::string& s);

// Checks the options on their own (not against a graph): throws quant_error
// naming the field and what it expects.
void check_options(const quant_options& o);

}  // namespace nnvp::quant
