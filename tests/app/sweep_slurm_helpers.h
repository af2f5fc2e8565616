// Helpers of the Slurm-backend tests (no cluster): scratch folders, files,
// fake sbatch/squeue/nnvp scripts, CSV rows, a hand-made sweep file.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/csv.h"
#include "tests/support/run_command.h"

namespace nnvp::test::slurm {

namespace fs = std::filesystem;

inline fs::path scratch(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("nnvp_sweep_slurm_test_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

inline std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

inline void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// A shell script at dir/name, executable.
inline void write_executable(const fs::path& dir, const std::string& name,
                             const std::string& body) {
    write(dir / name, "#!/bin/sh\n" + body);
    fs::permissions(dir / name, fs::perms::owner_all, fs::perm_options::add);
}

using nnvp::test::split_csv;

#ifdef NNVP_BINARY
// nnvp with `args`, PATH being `path` (the fakes' folder first), stdout and stderr.
inline command_result nnvp_with_path(const std::string& path, const std::string& args) {
    return run_command("PATH='" + path + "' " + std::string(NNVP_BINARY) + " " + args + " 2>&1");
}
#endif

}  // namespace nnvp::test::slurm
