#include "app/sweep_slurm.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/child_process.h"
#include "app/output_dir.h"
#include "app/sweep.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// 'text' for sh, with every ' closed, escaped and reopened.
std::string sh_quote(const std::string& text) {
    std::string q = "'";
    for (char c : text)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    finish_output_file(out, path.string());
}

std::string last_line(const std::string& text) {
    std::istringstream in(text);
    std::string line, last;
    while (std::getline(in, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            last = line;
    return last;
}

// squeue's lines ("12_[2-3] PENDING", "12_1 RUNNING") joined by ", ".
std::string one_line(const std::string& text) {
    std::istringstream in(text);
    std::string line, joined;
    while (std::getline(in, line))
        if (!line.empty())
            joined += (joined.empty() ? "" : ", ") + line;
    return joined;
}

// squeue's states of a job that has not ended (man squeue, JOB STATE CODES).
const char* const active_states = "PD,CF,R,CG,RD,RF,RH,RQ,RS,SI,SO,ST,S";

std::string require_sbatch() {
    const std::string sbatch = find_on_path("sbatch");
    if (sbatch.empty())
        throw std::runtime_error(
            "--backend slurm: sbatch is not on PATH (run on a Slurm login node, or install "
            "slurm-client; docs/slurm.md)");
    return sbatch;
}

}  // namespace

std::string sbatch_script(const std::string& dir, const std::string& nnvp,
                          const std::string& job_name) {
    std::ostringstream s;
    s << "#!/bin/sh\n"
         "# nnvp sweep, Slurm backend (docs/slurm.md): array task i runs design point i,\n"
         "# the `nnvp run` whose arguments points/p<i>.args holds (one per line), into\n"
         "# p<i>/, and keeps its exit code in p<i>/exit_code for `nnvp sweep --collect`.\n"
      << "#SBATCH --job-name=" << job_name << "\n"
      << "#SBATCH --output=" << dir << "/slurm/%A_%a.out\n"
      << "#SBATCH --chdir=" << dir << "\n"
      << "#SBATCH --ntasks=1\n"
         "#SBATCH --cpus-per-task=1\n"
         "set -u\n"
      << "nnvp=" << sh_quote(nnvp) << "\n"
      << "sweep=" << sh_quote(dir) << "\n"
      << "point=$(printf 'p%04d' \"$SLURM_ARRAY_TASK_ID\")\n"
         "args=\"$sweep/points/$point.args\"\n"
         "dir=\"$sweep/$point\"\n"
         "if [ ! -r \"$args\" ]; then echo \"nnvp sweep: $args: no such point\" >&2; exit 2; fi\n"
         "mkdir -p \"$dir\" || exit 2\n"
         "rm -f \"$dir/exit_code\" \"$dir/report.json\" \"$dir/point.json\"\n"
         "set --\n"
         "while IFS= read -r arg; do set -- \"$@\" \"$arg\"; done < \"$args\"\n"
         "\"$nnvp\" \"$@\" > \"$dir/log.txt\" 2>&1 < /dev/null\n"
         "code=$?\n"
         "echo \"$code\" > \"$dir/exit_code\"\n"
         "exit \"$code\"\n";
    return s.str();
}

std::string array_spec(const std::vector<std::size_t>& tasks, unsigned max_array) {
    std::string spec;
    for (std::size_t i = 0; i < tasks.size();) {
        std::size_t j = i;
        while (j + 1 < tasks.size() && tasks[j + 1] == tasks[j] + 1)
            ++j;
        spec += (spec.empty() ? "" : ",") + std::to_string(tasks[i]);
        if (j > i)
            spec += "-" + std::to_string(tasks[j]);
        i = j + 1;
    }
    if (max_array > 0)
        spec += "%" + std::to_string(max_array);
    return spec;
}

std::vector<std::string> sbatch_arguments(const std::string& dir,
                                          const std::vector<std::size_t>& tasks,
                                          const std::string& partition, unsigned max_array) {
    std::vector<std::string> args = {"--parsable", "--array=" + array_spec(tasks, max_array)};
    if (!partition.empty())
        args.push_back("--partition=" + partition);
    args.push_back((fs::path(dir) / "sweep.sbatch").string());
    return args;
}

std::string write_slurm_folder(const std::string& dir, const std::string& sweep_file,
                               const json& sweep_doc, const std::string& nnvp) {
    prepare_output_dir(dir, "--out");
    const std::string abs_dir = fs::absolute(dir).lexically_normal().string();
    const std::string abs_file = fs::absolute(sweep_file).lexically_normal().string();
    json doc = sweep_doc;
    // The scenario as every node finds it, so nothing depends on a working folder.
    doc["scenario"] = fs::absolute(parse_sweep(sweep_doc, sweep_file).scenario).string();
    const sweep_spec spec = parse_sweep(doc, abs_file);

    fs::create_directories(fs::path(abs_dir) / "points");
    fs::create_directories(fs::path(abs_dir) / "slurm");
    for (std::size_t i = 0; i < spec.points.size(); ++i) {
        const std::string point_dir = (fs::path(abs_dir) / point_name(i)).string();
        std::string lines;
        for (const std::string& arg : point_arguments(spec, i, point_dir)) {
            if (arg.find('\n') != std::string::npos)
                throw config_error(abs_file + ": point " + std::to_string(i) + ": argument \"" +
                                   arg + "\" holds a line break, which a Slurm task cannot take");
            lines += arg + "\n";
        }
        write_text(fs::path(abs_dir) / "points" / (point_name(i) + ".args"), lines);
    }
    const std::string name = "nnvp-" + fs::path(abs_file).stem().string();
    write_text(fs::path(abs_dir) / "sweep.sbatch", sbatch_script(abs_dir, nnvp, name));
    fs::permissions(fs::path(abs_dir) / "sweep.sbatch", fs::perms::owner_exec,
                    fs::perm_options::add);
    const json manifest = {
        {"nnvp_sweep", "slurm"}, {"sweep_file", abs_file},       {"sweep", doc},
        {"nnvp", nnvp},          {"points", spec.points.size()}, {"jobs", json::array()}};
    write_text(fs::path(abs_dir) / "slurm.json", manifest.dump(2) + "\n");
    return abs_dir;
}

std::string submit_array(const std::string& dir, const std::vector<std::size_t>& tasks,
                         const sweep_args& a) {
    const std::string sbatch = require_sbatch();
    std::vector<std::string> argv = sbatch_arguments(dir, tasks, a.partition, a.max_array);
    argv.insert(argv.begin(), sbatch);
    const command_output reply =
        run_captured(argv, (fs::path(dir) / "slurm" / "sbatch.log").string());
    if (reply.exit_code != 0)
        throw std::runtime_error("sbatch rejected the job array (exit code " +
                                 std::to_string(reply.exit_code) + "): " + last_line(reply.output));
    // --parsable prints "jobid" or "jobid;cluster".
    const std::string line = last_line(reply.output);
    const std::string id = line.substr(0, line.find(';'));
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw std::runtime_error("sbatch printed no job id: \"" + line + "\"");

    const fs::path manifest_path = fs::path(dir) / "slurm.json";
    json manifest = read_json_file(manifest_path.string());
    manifest["jobs"].push_back({{"job_id", id}, {"array", array_spec(tasks, a.max_array)}});
    write_text(manifest_path, manifest.dump(2) + "\n");
    return id;
}

void wait_for_job(const std::string& dir, const std::string& job_id) {
    const std::string squeue = find_on_path("squeue");
    if (squeue.empty())
        throw std::runtime_error("squeue is not on PATH, so job " + job_id +
                                 " cannot be waited for; collect it later with nnvp sweep "
                                 "--collect " +
                                 dir);
    const std::string log = (fs::path(dir) / "slurm" / "squeue.log").string();
    auto interval = std::chrono::milliseconds(500);
    std::string shown;
    for (int failures = 0;;) {
        // --jobs=ID (squeue's -j takes its value only when joined) and every
        // state in which a task may still run, held or suspended ones too.
        const command_output q =
            run_captured({squeue, "-h", "--jobs=" + job_id,
                          std::string("--states=") + active_states, "-o", "%i %T"},
                         log);
        if (q.exit_code != 0) {
            // A job that left the controller's memory is over.
            if (q.output.find("Invalid job id") != std::string::npos)
                return;
            if (++failures == 20)
                throw std::runtime_error("squeue failed 20 times (" + last_line(q.output) +
                                         "); job " + job_id + " may still run: collect it " +
                                         "later with nnvp sweep --collect " + dir);
        } else {
            failures = 0;
            if (last_line(q.output).empty())
                return;
            if (q.output != shown)
                std::cout << "  job " << job_id << ": " << one_line(q.output) << "\n" << std::flush;
            shown = q.output;
        }
        std::this_thread::sleep_for(interval);
        interval = std::min(interval * 3 / 2, std::chrono::milliseconds(5000));
    }
}

int run_slurm_sweep(const sweep_spec& spec, const std::string& out, const sweep_args& a) {
    require_sbatch();  // before any file is written
    const json doc = load_config_file(spec.file).json();
    const std::string dir = write_slurm_folder(out, spec.file, doc, self_executable());
    std::vector<std::size_t> tasks(spec.points.size());
    for (std::size_t i = 0; i < tasks.size(); ++i)
        tasks[i] = i;
    const std::string id = submit_array(dir, tasks, a);
    std::cout << "nnvp sweep: " << tasks.size() << " points submitted as Slurm job array " << id
              << " (" << dir << "/sweep.sbatch)\n"
              << std::flush;
    if (!a.wait) {
        std::cout << "nnvp sweep: when it has finished: nnvp sweep --collect " << dir << "\n";
        return 0;
    }
    wait_for_job(dir, id);
    sweep_args collect;
    collect.collect = dir;
    return collect_slurm_sweep(collect);
}

}  // namespace nnvp
