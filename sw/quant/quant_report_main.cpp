// nnvp_quant_report NETWORK SCHEME PRECISION [BITS] [options]
// Quantizes a zoo network (seeded weights) and prints its per-layer error
// against the FP32 reference: the figures of docs/quantization.md.
//   --calib N      calibration inputs (seeds 1..N; default 8)
//   --eval N       evaluation inputs (seeds 1001..1000+N; default 4)
//   --percentile P calibrate on the P-th percentile instead of min / max
//   --asymmetric   affine activations (per_channel)
//   --override NODE=PRECISION   mixed precision (repeatable)
//   --threads T    worker threads inside a layer (default 1)
//   --json         print the report as JSON
// Exit codes: 0 success, 2 bad input.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/quant/error_report.h"
#include "sw/quant/quantizer.h"

namespace {

using namespace nnvp;

int usage(const std::string& why) {
    std::cerr << "nnvp_quant_report: " << why << "\n"
              << "usage: nnvp_quant_report NETWORK SCHEME PRECISION [BITS] [--calib N] [--eval N]\n"
              << "       [--percentile P] [--asymmetric] [--override NODE=PRECISION] [--threads T]"
              << " [--json]\n";
    return 2;
}

int to_int(const std::string& s, const std::string& what) {
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < 0 || v > 1000000)
        throw quant::quant_error(what + " '" + s + "': expected a non-negative integer");
    return static_cast<int>(v);
}

std::string db(double v) {
    char b[32];
    std::snprintf(b, sizeof b, std::isfinite(v) ? "%.2f" : "exact", v);
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> pos;
    quant::quant_options o;
    int calib = 8, eval = 4;
    bool json = false;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            const auto value = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw quant::quant_error(a + ": expected a value");
                return argv[++i];
            };
            if (a == "--calib")
                calib = to_int(value(), a);
            else if (a == "--eval")
                eval = to_int(value(), a);
            else if (a == "--percentile") {
                o.calibration = quant::range_method::percentile;
                o.percentile = std::atof(value().c_str());
            } else if (a == "--asymmetric")
                o.asymmetric = true;
            else if (a == "--override") {
                const std::string v = value();
                const std::size_t eq = v.find('=');
                if (eq == std::string::npos)
                    throw quant::quant_error("--override '" + v + "': expected NODE=PRECISION");
                o.overrides[v.substr(0, eq)] = quant::parse_precision(v.substr(eq + 1));
            } else if (a == "--threads")
                o.threads = static_cast<unsigned>(to_int(value(), a));
            else if (a == "--json")
                json = true;
            else if (!a.empty() && a[0] == '-')
                return usage("unknown option '" + a + "'");
            else
                pos.push_back(a);
        }
        if (pos.size() < 3 || pos.size() > 4)
            return usage("expected NETWORK SCHEME PRECISION [BITS]");
        o.scheme = quant::parse_scheme(pos[1]);
        o.precision = quant::parse_precision(pos[2]);
        if (pos.size() == 4)
            o.bits = to_int(pos[3], "BITS");
        if (eval < 1)
            return usage("--eval: expected at least 1 input");
        net::graph g = net::build_zoo(pos[0]);
        net::materialize_weights(g, 1);
        std::vector<nn::tensor> cal, ev;
        for (int k = 1; k <= calib; ++k)
            cal.push_back(net::generate_input(g, 0, static_cast<uint64_t>(k)));
        for (int k = 1; k <= eval; ++k)
            ev.push_back(net::generate_input(g, 0, static_cast<uint64_t>(1000 + k)));
        const auto t0 = std::chrono::steady_clock::now();
        const compiler::network q = quant::quantize(g, o, cal);
        const auto t1 = std::chrono::steady_clock::now();
        const quant::error_report r = quant::measure_error(g, q, ev, o.threads);
        const auto t2 = std::chrono::steady_clock::now();
        if (json) {
            std::cout << quant::to_json(r) << "\n";
            return 0;
        }
        std::printf("%-28s %-7s %-6s %12s %10s\n", "layer", "prec", "type", "max_abs_err",
                    "sqnr_db");
        for (const quant::layer_error& e : r.layers)
            std::printf("%-28s %-7s %-6s %12.5g %10s\n", e.name.c_str(), e.precision.c_str(),
                        e.type.c_str(), e.max_abs_err, db(e.sqnr_db).c_str());
        std::printf(
            "network %s, scheme %s, precision %s, bits %d: output SQNR %s dB, max abs "
            "err %.5g, top-1 agreement %.3f over %zu inputs (%d calibration)\n",
            r.network.c_str(), quant::to_string(o.scheme), nnvp::ref::to_string(o.precision),
            o.bits, db(r.output_sqnr_db).c_str(), r.output_max_abs_err, r.top1_agreement, r.inputs,
            calib);
        const auto secs = [](auto a, auto b) {
            return std::chrono::duration<double>(b - a).count();
        };
        std::printf("wall: quantize (calibration included) %.2f s, error report %.2f s\n",
                    secs(t0, t1), secs(t1, t2));
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "nnvp_quant_report: " << e.what() << "\n";
        return 2;
    }
}
