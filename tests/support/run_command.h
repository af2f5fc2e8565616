// Runs a shell command for the tests that drive the nnvp binary: its exit
// code and what it printed on stdout (append " 2>&1" for stderr too).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace nnvp::test {

struct command_result {
    int exit_code = -1;  // -1: could not start, or killed by a signal
    std::string output;
};

inline command_result run_command(const std::string& cmd) {
    command_result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p))
        r.output += buf;
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

#ifdef NNVP_BINARY
// The nnvp binary under test (NNVP_BINARY, set by the test target) with
// `args`: stdout and stderr together.
inline command_result run_nnvp(const std::string& args) {
    return run_command(std::string(NNVP_BINARY) + " " + args + " 2>&1");
}
#endif

}  // namespace nnvp::test
