#include "app/sweep.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "app/child_process.h"
#include "app/format.h"
#include "app/headline.h"
#include "app/pareto.h"
#include "app/sweep_html.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string point_name(std::size_t i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "p%04zu", i);
    return buf;
}

std::string status_of(int exit_code) {
    return exit_code == 0 ? "ok" : (exit_code == 1 ? "failed" : "error");
}

json read_json(const fs::path& p) {
    std::ifstream in(p);
    if (!in)
        return nullptr;
    json j = json::parse(in, nullptr, false);
    return j.is_discarded() ? json(nullptr) : j;
}

// Why a point failed, in one line: the last line nnvp itself wrote ("nnvp:
// ..."), else the last line of the log.
std::string error_of(const fs::path& log) {
    std::ifstream in(log);
    std::string line, last, last_nnvp;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        last = line;
        if (line.rfind("nnvp", 0) == 0)
            last_nnvp = line;
    }
    std::string e = last_nnvp.empty() ? last : last_nnvp;
    if (e.size() > 300)
        e = e.substr(0, 297) + "...";
    return e;
}

std::string csv_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace

std::string parameter_text(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::vector<bool> pareto_flags(const std::vector<sweep_result>& results, const pareto_axis& a,
                               const pareto_axis& b) {
    std::vector<std::optional<std::pair<double, double>>> pts;
    for (const auto& r : results) {
        std::optional<double> x, y;
        if (r.status == "ok" && !r.report.is_null()) {
            x = headline_value(r.report, a.metric);
            y = headline_value(r.report, b.metric);
        }
        if (x && y)
            pts.emplace_back(std::make_pair(a.maximize ? -*x : *x, b.maximize ? -*y : *y));
        else
            pts.emplace_back(std::nullopt);
    }
    return pareto_front(pts);
}

namespace {

std::string pareto_column(const pareto_axis& a, const pareto_axis& b) {
    return "pareto_" + a.metric + "_" + b.metric;
}

// Records a finished point (its exit code and overrides) so a later sweep
// can tell that this folder holds this point's result.
void record_point(const fs::path& dir, const std::vector<std::string>& args, int exit_code,
                  const std::string& error) {
    std::ofstream(dir / "point.json")
        << json{{"arguments", args}, {"exit_code", exit_code}, {"error", error}}.dump(2) << "\n";
}

// A result left by an earlier sweep for exactly these arguments, if any.
bool resume(const fs::path& dir, const std::vector<std::string>& args, sweep_result& r) {
    const json point = read_json(dir / "point.json");
    if (!fs::exists(dir / "report.json") || !point.is_object() ||
        point.value("arguments", json()) != json(args) ||
        !point.value("exit_code", json()).is_number_integer())
        return false;
    r.exit_code = point["exit_code"].get<int>();
    r.status = status_of(r.exit_code);
    r.error = point.value("error", "");
    r.report = read_json(dir / "report.json");
    r.resumed = true;
    return true;
}

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

// What the points did with the package cache and outputs, for the console.
void print_point_options(const sweep_spec& spec, const std::string& out,
                         const std::vector<sweep_result>& results) {
    if (spec.report_only)
        std::cout << "nnvp sweep: points wrote report.json and layers.csv only (\"outputs\": "
                     "\"report\"; no trace.json, power.vcd, report.html)\n";
    if (!spec.package_cache)
        return;
    std::size_t hits = 0, refused = 0, cached = 0;
    for (const sweep_result& r : results) {
        const json use = r.report.is_object() ? r.report.value("network", json::object())
                                                    .value("package_cache", json())
                                              : json();
        if (!use.is_object())
            continue;
        ++cached;
        hits += use.value("outcome", "") == "hit";
        refused += use.value("outcome", "") == "replaced";
    }
    std::cout << "nnvp sweep: package cache " << (fs::path(out) / "package-cache").string() << ": "
              << hits << " of " << cached << " points reused a compiled package";
    if (refused)
        std::cout << ", " << refused << " refused a corrupt or stale entry and rebuilt it";
    std::cout << "\n";
}

void usage(std::ostream& os) {
    os << "usage: nnvp sweep SWEEP.json [-j N] [--out DIR]\n"
          "  Runs every point of SWEEP.json (docs/outputs.md) as its own nnvp run, N at a time\n"
          "  (default: the number of cores); writes DIR/sweep.csv, DIR/sweep.html and one run\n"
          "  folder per point (default DIR: runs/sweep-<name of SWEEP.json>). Finished points\n"
          "  are not run again.\n";
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

void write_sweep_csv(std::ostream& os, const sweep_spec& spec,
                     const std::vector<sweep_result>& results) {
    const pareto_axis energy{"energy_j", false}, latency{"latency_s", false};
    const std::vector<bool> first = pareto_flags(results, energy, latency);
    std::vector<bool> second;
    if (spec.pareto.size() == 2)
        second = pareto_flags(results, spec.pareto[0], spec.pareto[1]);

    os << "point,status,exit_code";
    for (const auto& p : spec.parameters)
        os << "," << csv_field(p);
    for (const auto& m : headline_metrics())
        os << "," << m.name;
    os << "," << pareto_column(energy, latency);
    if (!second.empty())
        os << "," << pareto_column(spec.pareto[0], spec.pareto[1]);
    os << ",error,dir\n";

    for (std::size_t i = 0; i < results.size(); ++i) {
        const sweep_result& r = results[i];
        os << i << "," << r.status << "," << r.exit_code;
        for (const auto& p : spec.parameters) {
            std::string v;
            for (const auto& [key, value] : spec.points[i])
                if (key == p)
                    v = parameter_text(value);
            os << "," << csv_field(v);
        }
        for (const auto& m : headline_metrics()) {
            const auto v = r.report.is_null() ? std::nullopt : headline_value(r.report, m.name);
            os << "," << (v ? csv_number(*v) : "");
        }
        os << "," << (first[i] ? 1 : 0);
        if (!second.empty())
            os << "," << (second[i] ? 1 : 0);
        os << "," << csv_field(r.error) << "," << csv_field(r.dir) << "\n";
    }
}

namespace {

struct sweep_args {
    std::string file, out;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
};

// `nnvp sweep`'s arguments: 0 to go on, else the exit code (help, or a
// message for a wrong argument).
int parse_sweep_args(int argc, char* argv[], sweep_args& a) {
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-j" && i + 1 < argc) {
            uint64_t n = 0;
            if (!parse_uint(argv[++i], n) || n < 1 || n > 1024) {
                std::cerr << "nnvp sweep: -j " << argv[i] << ": expected a whole number 1..1024\n";
                return 2;
            }
            a.jobs = static_cast<unsigned>(n);
        } else if (arg == "--out" && i + 1 < argc) {
            a.out = argv[++i];
        } else if (arg == "-h" || arg == "--help") {
            usage(std::cout);
            return -1;
        } else if (a.file.empty() && arg.rfind("-", 0) != 0) {
            a.file = arg;
        } else {
            std::cerr << "nnvp sweep: unexpected argument \"" << arg << "\"\n";
            usage(std::cerr);
            return 2;
        }
    }
    if (a.file.empty()) {
        usage(std::cerr);
        return 2;
    }
    return 0;
}

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
        r.exit_code = done.exit_code;
        r.status = status_of(done.exit_code);
        r.error = r.status == "ok" ? "" : error_of(fs::path(r.dir) / "log.txt");
        r.report = read_json(fs::path(r.dir) / "report.json");
        record_point(r.dir, args[i], r.exit_code, r.error);
        std::cout << "  [" << ++finished << "/" << todo.size() << "] " << point_name(i) << " "
                  << r.status << (r.error.empty() ? "" : ": " + r.error) << "\n"
                  << std::flush;
    }
}

}  // namespace

int run_sweep(int argc, char* argv[]) {
    sweep_args a;
    if (const int code = parse_sweep_args(argc, argv, a); code != 0)
        return code < 0 ? 0 : code;
    sweep_spec spec;
    try {
        spec = load_sweep(a.file);
    } catch (const config_error& e) {
        std::cerr << "nnvp sweep: " << e.what() << "\n";
        return 2;
    }
    const std::string out =
        a.out.empty() ? "runs/sweep-" + fs::path(a.file).stem().string() : a.out;
    fs::create_directories(out);

    const std::size_t n = spec.points.size();
    std::vector<sweep_result> results(n);
    std::vector<std::vector<std::string>> args(n);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < n; ++i) {
        results[i].dir = (fs::path(out) / point_name(i)).string();
        args[i] = point_arguments(spec, i, results[i].dir);
        if (!resume(results[i].dir, args[i], results[i]))
            todo.push_back(i);
    }
    std::cout << "nnvp sweep: " << n << " points (" << n - todo.size() << " already done), "
              << a.jobs << " at a time, into " << out << "\n"
              << std::flush;
    run_points(todo, args, a.jobs, results);

    const std::string csv_path = (fs::path(out) / "sweep.csv").string();
    std::ofstream csv(csv_path);
    write_sweep_csv(csv, spec, results);
    csv.close();
    const std::string html_path = (fs::path(out) / "sweep.html").string();
    std::ofstream(html_path) << make_sweep_html(spec, results);
    print_point_options(spec, out, results);
    std::size_t bad = 0;
    for (const auto& r : results)
        bad += r.status != "ok";
    std::cout << "nnvp sweep: " << n - bad << " of " << n << " points ok; " << csv_path << ", "
              << html_path << "\n";
    return bad == 0 ? 0 : 1;
}

}  // namespace nnvp
