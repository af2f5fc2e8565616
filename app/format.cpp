#include "app/format.h"

#include <cmath>
#include <cstdio>

namespace nnvp {

std::string format_si(double value, const std::string& unit) {
    static const char* prefixes[] = {"p", "n", "u", "m", "", "k", "M", "G", "T", "P"};
    const int unity = 4, last = 9;
    int i = unity;
    double v = value;
    if (!std::isfinite(v)) {
        return std::string(std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf")) +
               (unit.empty() ? "" : " " + unit);
    }
    while (v != 0 && std::fabs(v) < 1 && i > 0) {
        v *= 1000;
        --i;
    }
    while (std::fabs(v) >= 999.5 && i < last) {
        v /= 1000;
        ++i;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    std::string out = buf;
    const std::string prefix = prefixes[i];
    if (!unit.empty() || !prefix.empty())
        out += " " + prefix + unit;
    return out;
}

std::string format_ratio(double numerator, double denominator) {
    if (denominator == 0 || !std::isfinite(numerator / denominator))
        return "-";
    char buf[32];
    const double r = numerator / denominator;
    std::snprintf(buf, sizeof buf, r >= 100 || r < 0.01 ? "%.3gx" : "%.2fx", r);
    return buf;
}

std::string format_metric(double value, const std::string& unit) {
    char buf[64];
    if (unit.empty()) {
        // Counts print whole; other unitless values (errors) plainly, no prefix.
        const bool whole = value == std::floor(value) && std::fabs(value) < 1e15;
        std::snprintf(buf, sizeof buf, whole ? "%.0f" : "%.4g", value);
        return buf;
    }
    if (unit == "%") {
        std::snprintf(buf, sizeof buf, "%.1f%%", 100 * value);
        return buf;
    }
    if (unit == "dB") {
        std::snprintf(buf, sizeof buf, "%.1f dB", value);
        return buf;
    }
    if (unit == "cycles" || unit == "MAC" || unit == "inf/s" || unit == "inf/J" || unit == "GOPS" ||
        unit == "GOPS/W" || unit == "tok/s") {
        // Counted things read better without an SI prefix fused to the unit.
        return format_si(value, "") + " " + unit;
    }
    return format_si(value, unit);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// 1234567 -> "1,234,567": the tables are read beside papers' figures.
std::string grouped(uint64_t v) {
    std::string digits = std::to_string(v);
    std::string r;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0)
            r += ',';
        r += digits[i];
    }
    return r;
}

}  // namespace nnvp
