// Numbers as people read them: engineering prefixes (56.2 us, 20.4 uJ) and
// ratios, shared by the summary table, report.html and compare.
#pragma once

#include <cstdint>
#include <string>

namespace nnvp {

// "56.2 us", "363 mW", "1.2 GB"; three significant digits. An empty unit
// prints the bare number with a prefix only when it is large ("590 k").
std::string format_si(double value, const std::string& unit);
// "1.23x", "-" when the ratio is undefined (0/0, x/0).
std::string format_ratio(double numerator, double denominator);
// A headline value in its unit: counts (unit "") as integers, fractions
// (unit "%") as percentages, others with an SI prefix.
std::string format_metric(double value, const std::string& unit);
// A CSV field: quoted (inner quotes doubled) when it holds a comma, a quote
// or a line break.
std::string csv_field(const std::string& s);

// 1234567 -> "1,234,567": the tables are read beside papers' figures.
std::string grouped(uint64_t v);

}  // namespace nnvp
