// Child processes for nnvp sweep: each design point runs as its own nnvp
// process (DESIGN.md: every run a pure function of its scenario, no shared
// state), with stdout and stderr captured in a log file.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace nnvp {

// Starts `argv[0]` with `argv`, output (stdout and stderr) to `log_path`.
// Throws std::runtime_error when the process cannot be started.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::string& log_path);

struct child_exit {
    pid_t pid;
    int exit_code;  // the process's exit status, or 128 + signal number when killed
};
// Waits for any child of this process to end.
child_exit wait_any_child();

// The running executable's absolute path (/proc/self/exe).
std::string self_executable();

}  // namespace nnvp
