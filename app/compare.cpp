#include "app/compare.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "app/format.h"
#include "app/headline.h"
#include "app/json_lookup.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace {

using json = nlohmann::json;
using value = std::optional<double>;

constexpr std::size_t max_reports = 26;  // labelled A..Z

std::string letter(std::size_t i) { return std::string(1, static_cast<char>('A' + i)); }

std::string cell(const value& v, const std::string& unit) {
    return v ? format_metric(*v, unit) : "-";
}

std::string ratio(const value& a, const value& b) {
    return a && b ? format_ratio(*b, *a) : "-";
}

// One table: a row per metric, a column per report, then X/A ratios.
class table {
public:
    table(std::ostream& os, const std::string& title, std::size_t n) : m_os(os), m_n(n) {
        m_os << "\n" << title << "\n  " << std::left << std::setw(28) << "metric" << std::right;
        for (std::size_t i = 0; i < n; ++i)
            m_os << std::setw(15) << letter(i);
        for (std::size_t i = 1; i < n; ++i)
            m_os << std::setw(9) << letter(i) + "/A";
        m_os << "\n";
    }
    // Left out when no report has a value.
    void row(const std::string& name, const std::vector<value>& v, const std::string& unit) {
        if (std::none_of(v.begin(), v.end(), [](const value& x) { return x.has_value(); }))
            return;
        m_os << "  " << std::left << std::setw(28) << name << std::right;
        for (std::size_t i = 0; i < m_n; ++i)
            m_os << std::setw(15) << cell(v[i], unit);
        for (std::size_t i = 1; i < m_n; ++i)
            m_os << std::setw(9) << ratio(v[0], v[i]);
        m_os << "\n";
    }

private:
    std::ostream& m_os;
    std::size_t m_n;
};

std::vector<value> each(const std::vector<json>& rs, const std::function<value(const json&)>& f) {
    std::vector<value> v;
    for (const json& r : rs)
        v.push_back(f(r));
    return v;
}

// The keys of `path` (an object) over every report, sorted.
std::set<std::string> keys_of(const std::vector<json>& rs, const std::string& path) {
    std::set<std::string> k;
    for (const json& r : rs)
        if (const json* o = json_find(r, path); o && o->is_object())
            for (auto it = o->begin(); it != o->end(); ++it)
                k.insert(it.key());
    return k;
}

value inferences(const json& r) {
    const json& rows = json_array(r, "inferences");
    return rows.empty() ? value() : value(static_cast<double>(rows.size()));
}

value per_inference(const json& r, const std::string& path) {
    const value v = json_number(r, path), n = inferences(r);
    return v && n ? value(*v / *n) : value();
}

// Nearest-rank percentile of the inferences' latencies.
value latency_percentile(const json& r, double p) {
    std::vector<double> v;
    for (const json& inf : json_array(r, "inferences"))
        if (const value l = json_number(inf, "latency_s"))
            v.push_back(*l);
    if (v.empty())
        return std::nullopt;
    return nearest_rank(std::move(v), p);
}

// A share of the run's simulated time.
value share(const json& r, const std::string& path) {
    const value t = json_number(r, path), total = json_number(r, "sim.simulated_s");
    return t && total && *total > 0 ? value(*t / *total) : value();
}

void print_per_inference(std::ostream& os, const std::vector<json>& rs) {
    table t(os, "per inference (energy / inferences)", rs.size());
    t.row("energy_j", each(rs, [](const json& r) { return per_inference(r, "power.energy_j"); }), "J");
    for (const std::string& d : keys_of(rs, "power.by_domain"))
        t.row("energy " + d, each(rs, [&](const json& r) {
                  return per_inference(r, "power.by_domain." + d + ".energy_j");
              }), "J");
    std::vector<double> sim;
    for (const json& r : rs)
        sim.push_back(json_number(r, "sim.simulated_s").value_or(0));
    const auto [lo, hi] = std::minmax_element(sim.begin(), sim.end());
    if (*lo > 0 && *hi > *lo * 1.01) {
        os << "  note: the runs were simulated for different times (";
        for (std::size_t i = 0; i < sim.size(); ++i)
            os << (i ? ", " : "") << letter(i) << " " << format_si(sim[i], "s");
        os << "): totals depend on that, the per-inference rows do not\n";
    }
}

void print_power(std::ostream& os, const std::vector<json>& rs) {
    table e(os, "energy by power domain", rs.size());
    for (const std::string& d : keys_of(rs, "power.by_domain"))
        e.row(d, each(rs, [&](const json& r) {
                  return json_number(r, "power.by_domain." + d + ".energy_j");
              }), "J");
    table res(os, "residency (share of the simulated time) and transitions", rs.size());
    for (const std::string& d : keys_of(rs, "power.states")) {
        for (const std::string& s : keys_of(rs, "power.states." + d))
            res.row(d + " state " + s,
                    each(rs, [&](const json& r) { return share(r, "power.states." + d + "." + s); }),
                    "%");
        for (const std::string& o : keys_of(rs, "power.opp_residency." + d))
            res.row(d + " opp " + o, each(rs, [&](const json& r) {
                        return share(r, "power.opp_residency." + d + "." + o);
                    }), "%");
        res.row(d + " state transitions", each(rs, [&](const json& r) {
                    return json_number(r, "power.power_states." + d + ".state_transitions");
                }), "");
        res.row(d + " opp transitions",
                each(rs, [&](const json& r) { return json_number(r, "power.transitions." + d); }),
                "");
    }
}

// A layer's time: its time_s (network runs) or its span.
value layer_time(const json& l) {
    if (const value t = json_number(l, "time_s"))
        return t;
    const value s = json_number(l, "start_s"), e = json_number(l, "end_s");
    return s && e && *e >= *s ? value(*e - *s) : value();
}

void print_layers(std::ostream& os, const json& a, const json& b) {
    const json& la = json_array(a, "layers");
    const json& lb = json_array(b, "layers");
    if (la.empty() && lb.empty())
        return;
    // Rows pair by position: the same network gives the same command order.
    const std::size_t n = std::max(la.size(), lb.size());
    os << "\nlayers (B/A ratios)" << (la.size() != lb.size() ? "  [row counts differ]" : "")
       << "\n  " << std::setw(4) << "#" << "  " << std::left << std::setw(20) << "name"
       << std::setw(7) << "unit" << std::right << std::setw(11) << "time A" << std::setw(11)
       << "time B" << std::setw(9) << "ratio" << std::setw(11) << "energy A" << std::setw(11)
       << "energy B" << std::setw(9) << "ratio" << std::setw(9) << "DRAM" << std::setw(9)
       << "util A" << std::setw(9) << "util B" << "\n";
    const json none = json::object();
    const auto dram = [](const json& l) -> value {
        const value r = json_number(l, "dram_read_bytes"), w = json_number(l, "dram_write_bytes");
        return r && w ? value(*r + *w) : value();
    };
    for (std::size_t i = 0; i < n; ++i) {
        const json& x = i < la.size() ? la[i] : none;
        const json& y = i < lb.size() ? lb[i] : none;
        std::string name = json_text(i < la.size() ? x : y, "name");
        if (i < la.size() && i < lb.size() && json_text(x, "name") != json_text(y, "name"))
            name += "|" + json_text(y, "name");
        if (name.size() > 19)
            name = name.substr(0, 18) + "~";
        os << "  " << std::setw(4) << i << "  " << std::left << std::setw(20) << name
           << std::setw(7) << json_text(i < la.size() ? x : y, "unit", "-") << std::right
           << std::setw(11) << cell(layer_time(x), "s") << std::setw(11)
           << cell(layer_time(y), "s") << std::setw(9) << ratio(layer_time(x), layer_time(y))
           << std::setw(11) << cell(json_number(x, "energy_j"), "J") << std::setw(11)
           << cell(json_number(y, "energy_j"), "J") << std::setw(9)
           << ratio(json_number(x, "energy_j"), json_number(y, "energy_j")) << std::setw(9)
           << ratio(dram(x), dram(y)) << std::setw(9) << cell(json_number(x, "utilization"), "%")
           << std::setw(9) << cell(json_number(y, "utilization"), "%") << "\n";
    }
}

}  // namespace

json load_report(const std::string& path) {
    std::string file = path;
    if (std::filesystem::is_directory(path))
        file = (std::filesystem::path(path) / "report.json").string();
    const config_node node = load_config_file(file);
    if (!node.json().is_object() || !node.has("sim") || !node.has("power"))
        throw config_error(file + ": not an nnvp report (expected the keys \"sim\" and \"power\")");
    // The values compare reads: a malformed report is an error, not a table of dashes.
    const json& r = node.json();
    const auto expect = [&](bool ok, const std::string& field, const std::string& what) {
        if (!ok)
            throw config_error(file + ": " + field + ": expected " + what +
                               " (a malformed nnvp report)");
    };
    expect(r["sim"].is_object(), "sim", "an object");
    expect(r["power"].is_object(), "power", "an object");
    expect(r["sim"].contains("simulated_s") && r["sim"]["simulated_s"].is_number(),
           "sim.simulated_s", "a number");
    expect(r["power"].contains("energy_j") && r["power"]["energy_j"].is_number(),
           "power.energy_j", "a number");
    for (const char* list : {"layers", "inferences"}) {
        if (!r.contains(list))
            continue;
        expect(r[list].is_array(), list, "an array of objects");
        for (const json& e : r[list])
            expect(e.is_object(), list, "an array of objects");
    }
    return r;
}

void print_comparison(std::ostream& os, const std::vector<json>& rs,
                      const std::vector<std::string>& labels) {
    for (std::size_t i = 0; i < rs.size(); ++i)
        os << letter(i) << ": " << labels[i] << " (" << json_text(rs[i], "scenario.name", "?")
           << ")\n";
    table h(os, "headline", rs.size());
    for (const auto& m : headline_metrics())
        h.row(m.name, each(rs, [&](const json& r) { return headline_value(r, m.name); }), m.unit);
    print_per_inference(os, rs);
    table lat(os, "latency percentiles (nearest rank over the inferences)", rs.size());
    for (const auto& [name, p] : std::vector<std::pair<std::string, double>>{
             {"latency p50", 50}, {"latency p95", 95}, {"latency p99", 99}, {"latency max", 100}})
        lat.row(name, each(rs, [&, p = p](const json& r) { return latency_percentile(r, p); }), "s");
    print_power(os, rs);
    if (rs.size() == 2)
        print_layers(os, rs[0], rs[1]);
    else
        os << "\n(the per-layer table compares two reports at a time)\n";
}

int run_compare(int argc, char* argv[]) {
    if (argc < 4 || static_cast<std::size_t>(argc - 2) > max_reports) {
        std::cerr << "usage: nnvp compare REPORT_A REPORT_B [REPORT_C ...]   (2 to "
                  << max_reports << " report.json files or run folders)\n";
        return 2;
    }
    try {
        std::vector<json> reports;
        std::vector<std::string> labels;
        for (int i = 2; i < argc; ++i) {
            reports.push_back(load_report(argv[i]));
            labels.push_back(argv[i]);
        }
        print_comparison(std::cout, reports, labels);
    } catch (const config_error& e) {
        std::cerr << "nnvp compare: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

}  // namespace nnvp
