// One row of the accuracy table (docs/accuracy.md) per report.json of a
// dataset run (scenarios/accuracy/): the scheme, top-1 against the labels,
// agreement with FP32, energy, latency and weight storage. Plain C++ on the
// JSON report; no simulation.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnvp::accuracy {

class report_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct accuracy_row {
    std::string name;              // scenario.name
    std::string precision;         // quantization.precision
    std::string scheme;            // quantization.scheme
    int bits = 0;                  // quantization.bits (0: the precision's width)
    std::string layer_precisions;  // weighted layers in order, e.g. "int8 int4 int4 int4 int8"
    uint64_t images = 0;           // accuracy.labelled
    double top1 = 0;               // fraction
    double agreement = 0;          // top-1 agreement with the FP32 reference
    double sqnr_db = 0;            // output (logits) SQNR against FP32
    bool checked = false;          // the bit-exact check ran
    bool bit_exact = false;        // accuracy.bit_exact_vs_reference_executor
    double energy_per_inference_j = 0;
    double latency_s = 0;       // mean
    uint64_t weight_bytes = 0;  // network.weight_bytes (stored weights)
    uint64_t weights = 0;       // network.weights (parameter count)
};

// Reads a report; every missing or mistyped field raises report_error naming
// `source` (the file) and the field's dotted path.
accuracy_row read_row(const nlohmann::json& report, const std::string& source);
accuracy_row read_row_file(const std::string& path);

// Stored bits per weight (weight_bytes * 8 / weights): the average width.
double bits_per_weight(const accuracy_row& r);

// The row as JSON (docs/accuracy.json: the committed full-run figures the
// CI subset test compares with).
nlohmann::json to_json(const accuracy_row& r);

// The Markdown table of docs/accuracy.md, one line per row, in the given order.
std::string markdown_table(const std::vector<accuracy_row>& rows);

}  // namespace nnvp::accuracy
