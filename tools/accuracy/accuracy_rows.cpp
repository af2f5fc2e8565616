#include "tools/accuracy/accuracy_rows.h"

#include <cmath>
#include <cstdio>
#include <fstream>

namespace nnvp::accuracy {

namespace {

using nlohmann::json;

// The value at a dotted path, or report_error naming file and path.
const json& at(const json& root, const std::string& path, const std::string& source) {
    const json* node = &root;
    std::size_t from = 0;
    while (true) {
        const std::size_t dot = path.find('.', from);
        const std::string key = path.substr(from, dot - from);
        if (!node->is_object() || !node->contains(key))
            throw report_error(source + ": " + path + ": missing (expected a report.json of " +
                               "a functional dataset run)");
        node = &(*node)[key];
        if (dot == std::string::npos)
            return *node;
        from = dot + 1;
    }
}

double number(const json& root, const std::string& path, const std::string& source) {
    const json& v = at(root, path, source);
    if (!v.is_number())
        throw report_error(source + ": " + path + ": expected a number, got " + v.dump());
    return v.get<double>();
}

std::string text(const json& root, const std::string& path, const std::string& source) {
    const json& v = at(root, path, source);
    if (!v.is_string())
        throw report_error(source + ": " + path + ": expected a string, got " + v.dump());
    return v.get<std::string>();
}

uint64_t count(const json& root, const std::string& path, const std::string& source) {
    const double v = number(root, path, source);
    if (v < 0 || v != std::floor(v))
        throw report_error(source + ": " + path + ": expected a count, got " + std::to_string(v));
    return static_cast<uint64_t>(v);
}

// Precisions of the layers that carry weights (conv, fc), in report order.
std::string weighted_precisions(const json& report, const std::string& source) {
    const json& layers = at(report, "layers", source);
    if (!layers.is_array())
        throw report_error(source + ": layers: expected an array");
    std::string out;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const json& l = layers[i];
        if (!l.is_object() || !l.contains("type") || !l.contains("precision") ||
            !l["type"].is_string() || !l["precision"].is_string())
            throw report_error(source + ": layers[" + std::to_string(i) +
                               "]: expected an object with string type and precision");
        const std::string type = l["type"].get<std::string>();
        if (type == "conv2d" || type == "fully_connected" || type == "conv" || type == "fc")
            out += (out.empty() ? "" : " ") + l["precision"].get<std::string>();
    }
    return out;
}

// nnvp reports an exact match (no noise) as 200 dB.
constexpr double exact_sqnr_db = 200;

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

}  // namespace

accuracy_row read_row(const json& report, const std::string& source) {
    accuracy_row r;
    r.name = text(report, "scenario.name", source);
    r.precision = text(report, "quantization.precision", source);
    r.scheme = text(report, "quantization.scheme", source);
    r.bits = static_cast<int>(count(report, "quantization.bits", source));
    r.layer_precisions = weighted_precisions(report, source);
    r.images = count(report, "accuracy.labelled", source);
    r.top1 = number(report, "accuracy.top1", source);
    r.agreement = number(report, "accuracy.top1_agreement", source);
    r.sqnr_db = number(report, "accuracy.sqnr_db", source);
    const json& acc = at(report, "accuracy", source);
    r.checked = acc.contains("bit_exact_vs_reference_executor");
    if (r.checked) {
        const json& v = acc["bit_exact_vs_reference_executor"];
        if (!v.is_boolean())
            throw report_error(source + ": accuracy.bit_exact_vs_reference_executor: " +
                               "expected true or false, got " + v.dump());
        r.bit_exact = v.get<bool>();
    }
    r.energy_per_inference_j = number(report, "throughput.energy_per_inference_j", source);
    r.latency_s = number(report, "throughput.latency_s.mean", source);
    r.weight_bytes = count(report, "network.weight_bytes", source);
    r.weights = count(report, "network.weights", source);
    if (r.top1 < 0 || r.top1 > 1)
        throw report_error(source + ": accuracy.top1: expected a fraction in [0, 1], got " +
                           std::to_string(r.top1));
    return r;
}

accuracy_row read_row_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw report_error(path + ": cannot open (expected a report.json written by nnvp run)");
    json report;
    try {
        report = json::parse(in);
    } catch (const json::exception& e) {
        throw report_error(path + ": not valid JSON: " + e.what());
    }
    return read_row(report, path);
}

double bits_per_weight(const accuracy_row& r) {
    return r.weights ? 8.0 * static_cast<double>(r.weight_bytes) / static_cast<double>(r.weights)
                     : 0.0;
}

nlohmann::json to_json(const accuracy_row& r) {
    return {{"name", r.name},
            {"precision", r.precision},
            {"scheme", r.scheme},
            {"bits", r.bits},
            {"layer_precisions", r.layer_precisions},
            {"images", r.images},
            {"top1", r.top1},
            {"top1_agreement", r.agreement},
            {"sqnr_db", r.sqnr_db},
            {"bit_exact", r.checked ? json(r.bit_exact) : json(nullptr)},
            {"energy_per_inference_j", r.energy_per_inference_j},
            {"latency_s", r.latency_s},
            {"weight_bytes", r.weight_bytes},
            {"weights", r.weights}};
}

std::string markdown_table(const std::vector<accuracy_row>& rows) {
    std::string s =
        "| scenario | precision | scheme | weighted layers | top-1 | agreement with FP32 | "
        "logit SQNR (dB) | energy / inference (uJ) | latency (us) | weight bytes | "
        "bits / weight | bit-exact |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const accuracy_row& r : rows) {
        const std::string prec =
            r.precision + (r.bits ? " (" + std::to_string(r.bits) + " bits)" : "");
        s += "| " + r.name + " | " + prec + " | " + r.scheme + " | " + r.layer_precisions + " | " +
             fixed(100 * r.top1, 2) + " % | " + fixed(100 * r.agreement, 2) + " % | " +
             (r.sqnr_db >= exact_sqnr_db ? std::string("exact") : fixed(r.sqnr_db, 1)) + " | " +
             fixed(r.energy_per_inference_j * 1e6, 3) + " | " + fixed(r.latency_s * 1e6, 2) +
             " | " + std::to_string(r.weight_bytes) + " | " + fixed(bits_per_weight(r), 2) + " | " +
             (r.checked ? (r.bit_exact ? "yes" : "NO") : "not checked") + " |\n";
    }
    return s;
}

}  // namespace nnvp::accuracy
