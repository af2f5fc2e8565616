#include "app/compare.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "app/format.h"
#include "app/headline.h"
#include "app/json_lookup.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

std::string cell(const std::optional<double>& v, const std::string& unit) {
    return v ? format_metric(*v, unit) : "-";
}

std::string ratio(const std::optional<double>& a, const std::optional<double>& b) {
    return a && b ? format_ratio(*b, *a) : "-";
}

void print_layers(std::ostream& os, const json& a, const json& b) {
    const json& la = json_array(a, "layers");
    const json& lb = json_array(b, "layers");
    if (la.empty() && lb.empty())
        return;
    // Rows pair by position: the same network gives the same command order.
    const std::size_t n = std::max(la.size(), lb.size());
    os << "\nlayers (B/A ratios)" << (la.size() != lb.size() ? "  [row counts differ]" : "")
       << "\n  " << std::setw(4) << "#"
       << "  " << std::left << std::setw(20) << "name" << std::right << std::setw(11) << "cycles A"
       << std::setw(11) << "cycles B" << std::setw(9) << "ratio" << std::setw(11) << "energy A"
       << std::setw(11) << "energy B" << std::setw(9) << "ratio" << std::setw(9) << "DRAM"
       << std::setw(9) << "util A" << std::setw(9) << "util B"
       << "\n";
    const json none = json::object();
    for (std::size_t i = 0; i < n; ++i) {
        const json& x = i < la.size() ? la[i] : none;
        const json& y = i < lb.size() ? lb[i] : none;
        std::string name = json_text(i < la.size() ? x : y, "name");
        if (i < la.size() && i < lb.size() && json_text(x, "name") != json_text(y, "name"))
            name += "|" + json_text(y, "name");
        if (name.size() > 19)
            name = name.substr(0, 18) + "~";
        const auto dram = [](const json& l) -> std::optional<double> {
            const auto r = json_number(l, "dram_read_bytes"),
                       w = json_number(l, "dram_write_bytes");
            if (!r || !w)
                return std::nullopt;
            return *r + *w;
        };
        os << "  " << std::setw(4) << i << "  " << std::left << std::setw(20) << name << std::right
           << std::setw(11) << cell(json_number(x, "cycles"), "") << std::setw(11)
           << cell(json_number(y, "cycles"), "") << std::setw(9)
           << ratio(json_number(x, "cycles"), json_number(y, "cycles")) << std::setw(11)
           << cell(json_number(x, "energy_j"), "J") << std::setw(11)
           << cell(json_number(y, "energy_j"), "J") << std::setw(9)
           << ratio(json_number(x, "energy_j"), json_number(y, "energy_j")) << std::setw(9)
           << ratio(dram(x), dram(y)) << std::setw(9) << cell(json_number(x, "utilization"), "%")
           << std::setw(9) << cell(json_number(y, "utilization"), "%") << "\n";
    }
}

}  // namespace

json load_report(const std::string& path) {
    std::string file = path;
    if (std::filesystem::is_directory(path))
        file = (std::filesystem::path(path) / "report.json").string();
    const config_node node = load_config_file(file);
    if (!node.json().is_object() || !node.has("sim") || !node.has("power"))
        throw config_error(file + ": not an nnvp report (expected the keys \"sim\" and \"power\")");
    return node.json();
}

void print_comparison(std::ostream& os, const json& a, const json& b, const std::string& label_a,
                      const std::string& label_b) {
    os << "A: " << label_a << " (" << json_text(a, "scenario.name", "?") << ")\n"
       << "B: " << label_b << " (" << json_text(b, "scenario.name", "?") << ")\n\n";
    os << "  " << std::left << std::setw(20) << "metric" << std::right << std::setw(14) << "A"
       << std::setw(14) << "B" << std::setw(10) << "B/A"
       << "\n";
    for (const auto& m : headline_metrics()) {
        const auto va = headline_value(a, m.name), vb = headline_value(b, m.name);
        if (!va && !vb)
            continue;
        os << "  " << std::left << std::setw(20) << m.name << std::right << std::setw(14)
           << cell(va, m.unit) << std::setw(14) << cell(vb, m.unit) << std::setw(10)
           << ratio(va, vb) << "\n";
    }
    print_layers(os, a, b);
}

int run_compare(int argc, char* argv[]) {
    if (argc != 4) {
        std::cerr << "usage: nnvp compare REPORT_A REPORT_B   (report.json files or run folders)\n";
        return 2;
    }
    try {
        const json a = load_report(argv[2]);
        const json b = load_report(argv[3]);
        print_comparison(std::cout, a, b, argv[2], argv[3]);
    } catch (const config_error& e) {
        std::cerr << "nnvp compare: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

}  // namespace nnvp
