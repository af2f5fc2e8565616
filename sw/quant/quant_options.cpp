#include "sw/quant/quant_options.h"

#include "nn/tensor/dtype.h"

namespace nnvp::quant {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw quant_error("quant_options: " + what);
}

bool is_float(ref::precision p) {
    return p == ref::precision::fp32 || p == ref::precision::fp16;
}

}  // namespace

const char* to_string(scheme s) {
    switch (s) {
        case scheme::none:
            return "none";
        case scheme::static_fixed:
            return "static_fixed";
        case scheme::dynamic_fixed:
            return "dynamic_fixed";
        case scheme::per_channel:
            return "per_channel";
    }
    return "?";
}

const char* to_string(range_method m) {
    return m == range_method::max_abs ? "max_abs" : "percentile";
}

scheme parse_scheme(const std::string& s) {
    for (scheme k :
         {scheme::none, scheme::static_fixed, scheme::dynamic_fixed, scheme::per_channel})
        if (s == to_string(k))
            return k;
    throw quant_error("scheme '" + s +
                      "': expected none, static_fixed, dynamic_fixed or per_channel");
}

ref::precision parse_precision(const std::string& s) {
    using ref::precision;
    for (precision p : {precision::fp32, precision::fp16, precision::int16, precision::int8,
                        precision::int4, precision::binary})
        if (s == ref::to_string(p))
            return p;
    throw quant_error("precision '" + s + "': expected fp32, fp16, int16, int8, int4 or binary");
}

void check_options(const quant_options& o) {
    const std::string scheme_name = to_string(o.scheme);
    const std::string prec_name = ref::to_string(o.precision);
    if (o.scheme == scheme::none) {
        if (!is_float(o.precision))
            fail("precision " + prec_name + " with scheme none: expected fp32 or fp16 " +
                 "(integer precisions need a quantization scheme)");
        for (const auto& [name, p] : o.overrides)
            if (!is_float(p))
                fail("override '" + name + "' = " + ref::to_string(p) +
                     " with scheme none: expected fp32 or fp16");
    } else if (is_float(o.precision)) {
        fail("precision " + prec_name + " with scheme " + scheme_name +
             ": expected int16, int8, int4 or binary (use scheme none for float networks)");
    }
    if (o.bits != 0) {
        const int width = nn::bits_of(ref::activation_type(o.precision));
        if (is_float(o.precision) || o.bits < 2 || o.bits > width)
            fail("bits " + std::to_string(o.bits) + " with precision " + prec_name +
                 ": expected 0 or 2.." +
                 (is_float(o.precision) ? "n/a (float)" : std::to_string(width)));
    }
    if (o.asymmetric && o.scheme != scheme::per_channel)
        fail("asymmetric with scheme " + scheme_name +
             ": expected scheme per_channel (fixed-point formats are symmetric)");
    if (!(o.smoothquant >= 0.0 && o.smoothquant <= 1.0))
        fail("smoothquant " + std::to_string(o.smoothquant) + ": expected 0 (off) or a value in (0, 1]");
    if (o.smoothquant > 0.0 && is_float(o.precision))
        fail("smoothquant with precision " + prec_name +
             ": expected an integer precision (it moves ranges between quantized tensors)");
    if (o.calibration == range_method::percentile &&
        !(o.percentile > 50.0 && o.percentile <= 100.0))
        fail("percentile " + std::to_string(o.percentile) + ": expected a value in (50, 100]");
}

}  // namespace nnvp::quant
