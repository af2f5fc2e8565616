// nnvp_power_tables RUNS NAME...: the Markdown tables of
// docs/power_experiments.md from RUNS/NAME/p*/report.json.
#include <iostream>

#include "tools/power/power_tables.h"

int main(int argc, char* argv[]) {
    if (argc < 3) {
        std::cerr << "usage: nnvp_power_tables RUNS NAME...\n";
        return 2;
    }
    const std::string runs = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string name = argv[i];
        try {
            const auto points = nnvp::power_tables::sweep_points(runs + "/" + name);
            if (!nnvp::power_tables::print_experiment(std::cout, name, points)) {
                std::cerr << "nnvp_power_tables: unknown experiment '" << name << "'\n";
                return 2;
            }
        } catch (const std::exception& e) {
            std::cerr << "nnvp_power_tables: " << runs << "/" << name << ": " << e.what() << "\n";
            return 2;
        }
    }
    return 0;
}
