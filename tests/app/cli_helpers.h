// Helpers of the tests that run the nnvp binary as a user does: run it,
// find a scenario of the repo, make a scratch folder, read a report, write
// an input file. The test target defines NNVP_BINARY and NNVP_SOURCE_DIR.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/run_command.h"

namespace nnvp::test::cli {

namespace fs = std::filesystem;

using result = command_result;  // output: stdout and stderr
inline result run(const std::string& args) { return run_nnvp(args); }

inline std::string scenario(const std::string& rel) {
    return std::string(NNVP_SOURCE_DIR) + "/" + rel;
}

// An empty folder under the temporary directory, named prefix + name.
inline fs::path scratch(const std::string& prefix, const std::string& name) {
    const fs::path p = fs::temp_directory_path() / (prefix + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

inline nlohmann::json load(const fs::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

inline std::string write_file(const fs::path& dir, const std::string& name,
                              const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
}

}  // namespace nnvp::test::cli
