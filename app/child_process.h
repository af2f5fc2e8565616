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

// Waits for the child `pid` to end; its exit code as child_exit gives it.
int wait_child(pid_t pid);

struct command_output {
    int exit_code;
    std::string output;  // stdout and stderr together
};
// Runs `argv` (argv[0] a path) to its end, output captured in `log_path`
// and returned. Throws std::runtime_error when it cannot be started.
command_output run_captured(const std::vector<std::string>& argv, const std::string& log_path);

// The absolute path of `name` in one of PATH's folders (executable), or "".
std::string find_on_path(const std::string& name);

// The running executable's absolute path (/proc/self/exe).
std::string self_executable();

}  // namespace nnvp
