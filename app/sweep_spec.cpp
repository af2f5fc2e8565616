#include "app/sweep_spec.h"

#include <filesystem>
#include <set>

#include "app/headline.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

// Enough for any real exploration; a typo'd grid must not start a million runs.
const std::size_t max_points = 100000;

void check_key(const config_node& node, const std::string& key) {
    if (key.empty() || key.front() == '.' || key.back() == '.' ||
        key.find("..") != std::string::npos || key.find('=') != std::string::npos)
        node.fail(key, "expected a dotted --set key such as \"firmware.args.tile\"");
}

void check_value(const config_node& node, const std::string& key, const json& v) {
    if (v.is_null())
        node.fail(key, "expected a value (number, string, boolean, array or object), got null");
}

pareto_axis read_axis(const config_node& node) {
    if (!node.json().is_object() || node.json().size() != 1)
        node.fail("", "expected an object with one key, \"min\" or \"max\", naming a metric");
    pareto_axis axis;
    axis.maximize = node.has("max");
    const std::string key = axis.maximize ? "max" : "min";
    if (!node.has(key))
        node.fail(node.json().begin().key(), "unknown key (expected \"min\" or \"max\")");
    axis.metric = node.string(key);
    if (!is_headline_metric(axis.metric)) {
        std::string known;
        for (const auto& m : headline_metrics())
            known += (known.empty() ? "" : ", ") + m.name;
        node.fail(key, "unknown metric \"" + axis.metric + "\" (known: " + known + ")");
    }
    return axis;
}

}  // namespace

std::string override_text(const json& value) {
    return value.dump();
}

namespace {

// "grid": every combination of the keys' values, the last key fastest.
void read_grid(const config_node& grid, sweep_spec& s) {
    std::vector<std::vector<json>> values;
    for (const std::string& key : grid.keys()) {
        check_key(grid, key);
        const json& v = grid.json().at(key);
        if (!v.is_array() || v.empty())
            grid.fail(key, "expected a non-empty array of values");
        for (const json& x : v)
            check_value(grid, key, x);
        s.parameters.push_back(key);
        values.emplace_back(v.begin(), v.end());
    }
    if (s.parameters.empty())
        grid.fail("", "expected at least one key to sweep");
    std::size_t count = 1;
    for (const auto& v : values) {
        count *= v.size();
        if (count > max_points)
            grid.fail("", "expected at most " + std::to_string(max_points) + " points");
    }
    // Odometer order: the last key varies fastest.
    std::vector<std::size_t> at(values.size(), 0);
    for (std::size_t n = 0; n < count; ++n) {
        sweep_spec::overrides point;
        for (std::size_t k = 0; k < values.size(); ++k)
            point.emplace_back(s.parameters[k], values[k][at[k]]);
        s.points.push_back(point);
        for (std::size_t k = values.size(); k-- > 0;) {
            if (++at[k] < values[k].size())
                break;
            at[k] = 0;
        }
    }
}

// "list": the points as given; the parameters are every key any point sets.
void read_list(const config_node& root, sweep_spec& s) {
    const auto list = root.elements("list");
    if (list.empty())
        root.fail("list", "expected a non-empty array of {key: value} objects");
    if (list.size() > max_points)
        root.fail("list", "expected at most " + std::to_string(max_points) + " points");
    std::set<std::string> seen;
    for (const config_node& entry : list) {
        if (!entry.json().is_object() || entry.json().empty())
            entry.fail("", "expected a non-empty object of --set keys and values");
        for (const std::string& key : entry.keys()) {
            check_key(entry, key);
            check_value(entry, key, entry.json().at(key));
            if (seen.insert(key).second)
                s.parameters.push_back(key);
        }
    }
    for (const config_node& entry : list) {
        sweep_spec::overrides point;
        for (const std::string& key : entry.keys())
            point.emplace_back(key, entry.json().at(key));
        s.points.push_back(point);
    }
}

}  // namespace

sweep_spec parse_sweep(const json& doc, const std::string& file) {
    const config_node root = parse_config_text(doc.dump(), file);
    if (!doc.is_object())
        root.fail("", "expected a JSON object with \"scenario\" and \"grid\" or \"list\"");
    sweep_spec s;
    s.file = file;
    s.description = root.string("description", "");
    const std::string scenario = root.string("scenario");
    const std::filesystem::path base = std::filesystem::path(file).parent_path();
    s.scenario = (base / scenario).lexically_normal().string();
    if (!std::filesystem::is_regular_file(s.scenario))
        root.fail("scenario",
                  "expected an existing scenario file (relative to the sweep "
                  "file's folder), but " +
                      s.scenario + " does not exist");
    if (root.has("set")) {
        const config_node set = root.child("set");
        for (const std::string& key : set.keys()) {
            check_key(set, key);
            check_value(set, key, set.json().at(key));
            s.fixed.emplace_back(key, set.json().at(key));
        }
    }
    if (root.has("grid") == root.has("list"))
        root.fail("",
                  "expected exactly one of \"grid\" (key: [values]) and \"list\" "
                  "([{key: value}])");
    if (root.has("grid"))
        read_grid(root.child("grid"), s);
    else
        read_list(root, s);
    if (root.has("pareto")) {
        const auto axes = root.elements("pareto");
        if (axes.size() != 2)
            root.fail("pareto",
                      "expected two axes, e.g. [{\"min\": \"avg_power_w\"}, "
                      "{\"max\": \"inferences_per_s\"}]");
        for (const config_node& a : axes)
            s.pareto.push_back(read_axis(a));
    }
    s.package_cache = root.boolean("package_cache", true);
    s.report_only = root.one_of("outputs", {"all", "report"}, "all") == "report";
    root.reject_unknown();
    return s;
}

sweep_spec load_sweep(const std::string& path) {
    return parse_sweep(load_config_file(path).json(), path);
}

}  // namespace nnvp
