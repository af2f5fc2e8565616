#include "tests/support/run_command.h"
#include "run_nnvp.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace nnvp::test {

namespace fs = std::filesystem;

nnvp_run run_scenario(const std::string& scenario, const std::vector<std::string>& sets,
                      const std::string& tag) {
    const fs::path out = fs::temp_directory_path() / ("nnvp_power_test_" + tag);
    fs::remove_all(out);
    std::string cmd = std::string(NNVP_BINARY) + " run " + NNVP_SOURCE_DIR + "/" + scenario +
                      " --out " + out.string();
    for (const std::string& s : sets)
        cmd += " --set '" + s + "'";
    cmd += " 2>&1";
    nnvp_run r;
    const nnvp::test::command_result c = nnvp::test::run_command(cmd);
    r.exit_code = c.exit_code;
    r.output = c.output;
    std::ifstream in(out / "report.json");
    if (in)
        r.report = nlohmann::json::parse(in);
    fs::remove_all(out);
    return r;
}

double nncore_energy_per_inference(const nlohmann::json& report) {
    return report.at("power").at("summary").at("per_inference").at("nncore_energy_j").get<double>();
}

double run_energy_per_inference(const nlohmann::json& report) {
    return report.at("power").at("summary").at("per_inference").at("run_energy_j").get<double>();
}

unsigned deadline_misses(const nlohmann::json& report) {
    return report.at("power").at("summary").at("deadline_misses").get<unsigned>();
}

}  // namespace nnvp::test
