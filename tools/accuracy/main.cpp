// nnvp_accuracy_table: the accuracy table and plots of docs/accuracy.md from
// the report.json files of the scenarios/accuracy runs.
//
//   nnvp_accuracy_table [--svg FILE] [--svg-bits FILE] [--json FILE] RUN_DIR_OR_REPORT...
//
// Prints the Markdown table (rows in argument order); --svg writes top-1
// against energy per inference, --svg-bits top-1 against bits per weight,
// --json the rows as a JSON array.
// Exit 0, or 2 with a message naming the file and field on bad input.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tools/accuracy/accuracy_plot.h"
#include "tools/accuracy/accuracy_rows.h"

namespace {

int usage(const std::string& why) {
    std::cerr << "nnvp_accuracy_table: " << why << "\n"
              << "usage: nnvp_accuracy_table [--svg FILE] [--svg-bits FILE] [--json FILE] "
                 "RUN_DIR_OR_REPORT_JSON...\n";
    return 2;
}

bool write(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace nnvp::accuracy;
    std::string svg_energy, svg_bits, json_out;
    std::vector<std::string> inputs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--svg" || a == "--svg-bits" || a == "--json") {
            if (i + 1 >= argc)
                return usage(a + ": expected a file name after it");
            (a == "--svg" ? svg_energy : a == "--json" ? json_out : svg_bits) = argv[++i];
        } else if (a.rfind("--", 0) == 0) {
            return usage("unknown option " + a);
        } else {
            inputs.push_back(a);
        }
    }
    if (inputs.empty())
        return usage("expected at least one run folder or report.json");
    std::vector<accuracy_row> rows;
    try {
        for (const std::string& in : inputs) {
            const bool dir = std::filesystem::is_directory(in);
            rows.push_back(read_row_file(dir ? in + "/report.json" : in));
        }
    } catch (const report_error& e) {
        std::cerr << "nnvp_accuracy_table: " << e.what() << "\n";
        return 2;
    }
    std::cout << markdown_table(rows);
    if (!svg_energy.empty() && !write(svg_energy, accuracy_svg(rows, plot_x::energy)))
        return usage("--svg: cannot write " + svg_energy);
    if (!svg_bits.empty() && !write(svg_bits, accuracy_svg(rows, plot_x::bits_per_weight)))
        return usage("--svg-bits: cannot write " + svg_bits);
    if (!json_out.empty()) {
        nlohmann::json all = nlohmann::json::array();
        for (const accuracy_row& r : rows)
            all.push_back(to_json(r));
        if (!write(json_out, all.dump(2) + "\n"))
            return usage("--json: cannot write " + json_out);
    }
    return 0;
}
