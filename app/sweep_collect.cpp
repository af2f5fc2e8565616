// nnvp sweep --collect DIR [--resubmit]: the Slurm backend's second half
// (app/sweep_slurm.h), reading the point folders the array tasks left.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app/sweep_slurm.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::vector<std::string> read_lines(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// The exit code a task wrote, if it wrote one.
std::optional<int> recorded_exit_code(const fs::path& point_dir) {
    std::ifstream in(point_dir / "exit_code");
    int code = 0;
    if (in >> code)
        return code;
    return std::nullopt;
}

// Why point i has no exit code: the last line of Slurm's newest output for
// its task (a time limit, a cancelled job, a node failure), if any.
std::string missing_reason(const fs::path& dir, std::size_t i) {
    const std::string suffix = "_" + std::to_string(i) + ".out";
    fs::path newest;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / "slurm", ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            (newest.empty() || e.last_write_time() > fs::last_write_time(newest)))
            newest = e.path();
    }
    const std::string why = newest.empty() ? "" : error_of(newest.string());
    return "no exit code: the task has not run or did not finish" +
           (why.empty() ? "" : " (" + newest.filename().string() + ": " + why + ")");
}

void list_bad_points(const slurm_sweep& sw) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < sw.results.size(); ++i) {
        const sweep_result& r = sw.results[i];
        if (r.status == "ok")
            continue;
        if (bad++ == 0)
            std::cout << "nnvp sweep: points that are not ok:\n";
        std::cout << "  " << point_name(i) << " " << r.status;
        if (r.exit_code >= 0)
            std::cout << " (exit code " << r.exit_code << ")";
        std::cout << ": " << r.error << "\n";
    }
    if (bad > 0)
        std::cout << "nnvp sweep: to run these " << bad
                  << " again as a new array: nnvp sweep --collect " << sw.dir << " --resubmit\n";
}

// Submits the points of `sw` that are not ok as a new array; 0 when none.
int resubmit(const slurm_sweep& sw, const sweep_args& a) {
    std::vector<std::size_t> tasks;
    for (std::size_t i = 0; i < sw.results.size(); ++i)
        if (sw.results[i].status != "ok")
            tasks.push_back(i);
    if (tasks.empty()) {
        std::cout << "nnvp sweep: every point is ok; nothing to resubmit\n";
        return 0;
    }
    // Until a resubmitted task ends, its point reads as missing, not as its old result.
    for (std::size_t i : tasks)
        for (const char* f : {"exit_code", "report.json", "point.json"})
            fs::remove(fs::path(sw.results[i].dir) / f);
    const std::string id = submit_array(sw.dir, tasks, a);
    std::cout << "nnvp sweep: " << tasks.size() << " points (" << array_spec(tasks, 0)
              << ") resubmitted as Slurm job array " << id << "\n"
              << std::flush;
    if (!a.wait) {
        std::cout << "nnvp sweep: when it has finished: nnvp sweep --collect " << sw.dir << "\n";
        return 0;
    }
    wait_for_job(sw.dir, id);
    sweep_args again;
    again.collect = sw.dir;
    return collect_slurm_sweep(again);
}

}  // namespace

slurm_sweep read_slurm_sweep(const std::string& dir) {
    if (!fs::is_directory(dir))
        throw config_error("--collect " + dir + ": no such folder");
    const fs::path abs = fs::absolute(dir).lexically_normal();
    const json manifest = read_json_file((abs / "slurm.json").string());
    if (!manifest.is_object() || manifest.value("nnvp_sweep", "") != "slurm" ||
        !manifest.value("sweep_file", json()).is_string() || !manifest.contains("sweep"))
        throw config_error("--collect " + dir +
                           ": not a Slurm sweep folder (expected the slurm.json that nnvp sweep "
                           "SWEEP.json --backend slurm --out DIR writes)");
    slurm_sweep sw;
    sw.dir = abs.string();
    sw.spec = parse_sweep(manifest["sweep"], manifest["sweep_file"].get<std::string>());
    for (std::size_t i = 0; i < sw.spec.points.size(); ++i) {
        const fs::path args_file = abs / "points" / (point_name(i) + ".args");
        if (!fs::is_regular_file(args_file))
            throw config_error("--collect " + dir + ": " + args_file.string() +
                               " is missing: not a complete sweep folder");
        sweep_result r;
        r.dir = (abs / point_name(i)).string();
        if (const auto code = recorded_exit_code(r.dir)) {
            finish_point(r, read_lines(args_file), *code);
        } else {
            r.status = "missing";
            r.exit_code = -1;
            r.error = missing_reason(abs, i);
        }
        sw.results.push_back(r);
    }
    return sw;
}

int collect_slurm_sweep(const sweep_args& a) {
    const slurm_sweep sw = read_slurm_sweep(a.collect);
    std::cout << "nnvp sweep: collecting " << sw.results.size() << " points from " << sw.dir
              << "\n";
    const int code = write_sweep_outputs(sw.dir, sw.spec, sw.results);
    if (a.resubmit)
        return resubmit(sw, a);
    list_bad_points(sw);
    return code;
}

}  // namespace nnvp
