#include "app/scenario.h"

#include "app/firmware_library.h"
#include "firmware/programs/registry.h"

#include <filesystem>
#include <limits>

namespace nnvp {

namespace fs = std::filesystem;

namespace {

// The program the firmware section names: built in, or from its library
// (firmware.library relative to the scenario's folder, or --firmware).
const fw::program* pick_program(const config_node& firmware, const fs::path& folder,
                                const std::string& firmware_path, scenario& s) {
    std::string origin = "--firmware";
    s.library = firmware_path;
    const std::string in_scenario = firmware.string("library", "");  // read even when overridden
    if (s.library.empty() && firmware.has("library")) {
        s.library = (folder / in_scenario).lexically_normal().string();
        origin = firmware.file() + ": " + firmware.field("library");
    }
    if (!s.library.empty()) {
        const firmware_library& lib = load_firmware_library(s.library, origin);
        return &lib.pick(firmware.string("program", ""),
                         firmware.file() + ": " + firmware.field("program"));
    }
    const std::string program = firmware.string("program");
    if (const fw::program* p = fw::find_program(program))
        return p;
    std::string known;
    for (const auto& p : fw::programs())
        known += (known.empty() ? "" : ", ") + p.name;
    firmware.fail("program", "unknown program \"" + program + "\" (known: " + known +
                                 "; a program of your own comes from firmware.library)");
}

}  // namespace

scenario load_scenario(const std::string& path,
                       const std::vector<std::pair<std::string, nlohmann::json>>& overrides,
                       const std::string& firmware_path) {
    nlohmann::json doc = load_config_file(path).json();
    std::vector<std::pair<std::string, nlohmann::json>> platform_overrides;
    for (const auto& [key, value] : overrides) {
        if (key.rfind("platform.", 0) == 0)
            platform_overrides.emplace_back(key.substr(9), value);
        else
            set_by_path(doc, key, value, path + " (--set " + key + ")");
    }

    config_node root(doc, path);
    // A sweep file (app/sweep_spec.h) given to `nnvp run` by mistake, e.g.
    // by a glob over a folder that holds both.
    if (!root.has("name") && root.has("scenario") && (root.has("grid") || root.has("list")))
        throw config_error(path + ": a sweep file (it has \"scenario\" and \"" +
                           (root.has("grid") ? "grid" : "list") +
                           "\"), not a scenario: run it with nnvp sweep " + path);
    scenario s;
    s.file = path;
    s.resolved = doc;
    s.name = root.string("name");
    s.description = root.string("description", "");
    s.mode = root.one_of("mode", {"functional", "timing"}, "functional");
    s.max_simulated_s = root.number_in("max_simulated_s", 1e-9, 1e6, s.max_simulated_s);
    s.max_wall_s = root.number_in("max_wall_s", 0, 1e7, s.max_wall_s);
    s.max_memory_gb = root.number_in("max_memory_gb", 0.001, 1e6, s.max_memory_gb);
    s.max_estimated_hours =
        root.number_in("max_estimated_hours", 1e-6, 1e6, s.max_estimated_hours);

    // The platform file is relative to the scenario's folder.
    const std::string platform_file = root.string("platform");
    const fs::path platform_path = fs::path(path).parent_path() / platform_file;
    if (root.has("platform_overrides")) {
        // The scenario's own overrides apply first, then --set ones.
        const config_node po = root.child("platform_overrides");
        std::vector<std::pair<std::string, nlohmann::json>> from_file;
        for (const std::string& key : po.keys())
            from_file.emplace_back(key, po.json().at(key));
        platform_overrides.insert(platform_overrides.begin(), from_file.begin(), from_file.end());
    }
    s.platform = load_platform_config(platform_path.lexically_normal().string(), platform_overrides);

    if (root.has("workload")) {
        if (!firmware_path.empty())
            throw config_error("--firmware " + firmware_path + ": " + path +
                               " runs a workload (the built-in nn_network program); a firmware "
                               "library needs a scenario with a firmware section");
        if (root.has("firmware"))
            root.fail("firmware", "no firmware section beside a workload (the workload runs "
                                  "the nn_network program)");
        s.workload = parse_workload(root.child("workload"), fs::path(path).parent_path().string());
        s.program = fw::find_program("nn_network");
        root.reject_unknown();
        return s;
    }
    const config_node firmware = root.child("firmware");
    s.program = pick_program(firmware, fs::path(path).parent_path(), firmware_path, s);
    std::map<std::string, int64_t> values;
    if (firmware.has("args")) {
        const config_node args = firmware.child("args");
        for (const std::string& key : args.keys()) {
            const auto& v = args.json().at(key);
            if (!v.is_number_integer())
                args.fail(key, "expected an integer, got " + v.dump());
            // Above 2^63-1 the value would wrap (and be shown as negative).
            if (v.is_number_unsigned() &&
                v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                args.fail(key, "expected an integer up to 9223372036854775807 (2^63-1), got " +
                                   v.dump());
            values[key] = v.get<int64_t>();
        }
    }
    // Programs that drive the NN core take the scenario's mode as an argument.
    for (const auto& a : s.program->args)
        if (a.name == "timing" && !values.count("timing"))
            values["timing"] = s.mode == "timing" ? 1 : 0;
    const std::string problem = s.program->resolve(values);
    if (!problem.empty())
        firmware.fail("args", problem);
    s.args = fw::program_args(values);
    firmware.reject_unknown();
    root.reject_unknown();
    return s;
}

}  // namespace nnvp
