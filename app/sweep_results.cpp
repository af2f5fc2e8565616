#include "app/sweep_results.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/format.h"
#include "app/headline.h"
#include "app/output_dir.h"
#include "app/pareto.h"
#include "app/sweep_html.h"

namespace nnvp {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string point_name(std::size_t i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "p%04zu", i);
    return buf;
}

std::string status_of(int exit_code) {
    return exit_code == 0 ? "ok" : (exit_code == 1 ? "failed" : "error");
}

json read_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return nullptr;
    json j = json::parse(in, nullptr, false);
    return j.is_discarded() ? json(nullptr) : j;
}

std::string error_of(const std::string& log_path) {
    std::ifstream in(log_path);
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

void finish_point(sweep_result& r, const std::vector<std::string>& args, int exit_code) {
    const fs::path dir = r.dir;
    r.exit_code = exit_code;
    r.status = status_of(exit_code);
    r.error = r.status == "ok" ? "" : error_of((dir / "log.txt").string());
    r.report = read_json_file((dir / "report.json").string());
    // Records the point (its arguments and exit code) so a later sweep can
    // tell that this folder holds this point's result.
    std::ofstream(dir / "point.json")
        << json{{"arguments", args}, {"exit_code", exit_code}, {"error", r.error}}.dump(2) << "\n";
}

bool resume_point(sweep_result& r, const std::vector<std::string>& args) {
    const fs::path dir = r.dir;
    const json point = read_json_file((dir / "point.json").string());
    if (!fs::exists(dir / "report.json") || !point.is_object() ||
        point.value("arguments", json()) != json(args) ||
        !point.value("exit_code", json()).is_number_integer())
        return false;
    r.exit_code = point["exit_code"].get<int>();
    r.status = status_of(r.exit_code);
    r.error = point.value("error", "");
    r.report = read_json_file((dir / "report.json").string());
    r.resumed = true;
    return true;
}

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

std::string csv_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace

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
        const nlohmann::json use =
            r.report.is_object()
                ? r.report.value("network", nlohmann::json::object()).value("package_cache", nlohmann::json())
                : nlohmann::json();
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

}  // namespace

int write_sweep_outputs(const std::string& out, const sweep_spec& spec,
                        const std::vector<sweep_result>& results) {
    const std::string csv_path = (fs::path(out) / "sweep.csv").string();
    std::ofstream csv(csv_path);
    write_sweep_csv(csv, spec, results);
    finish_output_file(csv, csv_path);
    const std::string html_path = (fs::path(out) / "sweep.html").string();
    std::ofstream html(html_path);
    html << make_sweep_html(spec, results);
    finish_output_file(html, html_path);
    print_point_options(spec, out, results);
    std::size_t bad = 0;
    for (const auto& r : results)
        bad += r.status != "ok";
    std::cout << "nnvp sweep: " << results.size() - bad << " of " << results.size()
              << " points ok; " << csv_path << ", " << html_path << "\n";
    return bad == 0 ? 0 : 1;
}

}  // namespace nnvp
