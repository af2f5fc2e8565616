#include "app/sweep.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include "app/child_process.h"
#include "app/sweep_args.h"
#include "app/sweep_slurm.h"

namespace nnvp {

namespace fs = std::filesystem;

namespace {

// The sweep file's options for every point: the shared package cache beside
// the point folders, outputs.
std::vector<std::string> point_options(const sweep_spec& spec, const std::string& dir) {
    std::vector<std::string> options;
    if (spec.package_cache)
        options = {"--package-cache", (fs::path(dir).parent_path() / "package-cache").string()};
    if (spec.report_only) {
        options.push_back("--outputs");
        options.push_back("report");
    }
    return options;
}

}  // namespace

std::vector<std::string> point_arguments(const sweep_spec& spec, std::size_t i,
                                         const std::string& dir) {
    std::vector<std::string> args = {"run", spec.scenario, "--out", dir};
    for (const std::string& option : point_options(spec, dir))
        args.push_back(option);
    for (const auto& [key, value] : spec.fixed) {
        args.push_back("--set");
        args.push_back(key + "=" + override_text(value));
    }
    for (const auto& [key, value] : spec.points.at(i)) {
        args.push_back("--set");
        args.push_back(key + "=" + override_text(value));
    }
    return args;
}

namespace {

// Runs the points of `todo`, `jobs` at a time, one nnvp process each.
void run_points(const std::vector<std::size_t>& todo,
                const std::vector<std::vector<std::string>>& args, unsigned jobs,
                std::vector<sweep_result>& results) {
    const std::string exe = self_executable();
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0, finished = 0;
    while (next < todo.size() || !running.empty()) {
        while (running.size() < jobs && next < todo.size()) {
            const std::size_t i = todo[next++];
            const fs::path dir = results[i].dir;
            fs::remove(dir / "report.json");
            fs::remove(dir / "point.json");
            fs::create_directories(dir);
            std::vector<std::string> argv_i = args[i];
            argv_i.insert(argv_i.begin(), exe);
            running[spawn_logged(argv_i, (dir / "log.txt").string())] = i;
        }
        const child_exit done = wait_any_child();
        const auto it = running.find(done.pid);
        if (it == running.end())
            continue;
        const std::size_t i = it->second;
        running.erase(it);
        sweep_result& r = results[i];
        finish_point(r, args[i], done.exit_code);
        std::cout << "  [" << ++finished << "/" << todo.size() << "] " << point_name(i) << " "
                  << r.status << (r.error.empty() ? "" : ": " + r.error) << "\n"
                  << std::flush;
    }
}

int run_local_sweep(const sweep_spec& spec, const std::string& out, unsigned jobs) {
    fs::create_directories(out);
    const std::size_t n = spec.points.size();
    std::vector<sweep_result> results(n);
    std::vector<std::vector<std::string>> args(n);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < n; ++i) {
        results[i].dir = (fs::path(out) / point_name(i)).string();
        args[i] = point_arguments(spec, i, results[i].dir);
        if (!resume_point(results[i], args[i]))
            todo.push_back(i);
    }
    std::cout << "nnvp sweep: " << n << " points (" << n - todo.size() << " already done), " << jobs
              << " at a time, into " << out << "\n"
              << std::flush;
    run_points(todo, args, jobs, results);
    return write_sweep_outputs(out, spec, results);
}

}  // namespace

int run_sweep(int argc, char* argv[]) {
    sweep_args a;
    if (!parse_sweep_args(argc, argv, a, std::cerr))
        return 2;
    if (a.help) {
        sweep_usage(std::cout);
        return 0;
    }
    try {
        if (!a.collect.empty())
            return collect_slurm_sweep(a);
        const sweep_spec spec = load_sweep(a.file);
        const std::string out =
            a.out.empty() ? "runs/sweep-" + fs::path(a.file).stem().string() : a.out;
        if (a.backend == "slurm")
            return run_slurm_sweep(spec, out, a);
        const unsigned jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
        return run_local_sweep(spec, out, jobs);
    } catch (const std::exception& e) {  // config_error and what sbatch or a file refused
        std::cerr << "nnvp sweep: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace nnvp
