// docs/scenario.schema.json is the documented scenario format: every curated
// scenario in scenarios/ must validate against it, malformed scenarios must
// not, and docs/scenarios.md must explain every field. The validator here
// covers the schema keywords the file uses (type, enum, required, properties,
// additionalProperties, anyOf, not, minimum, maximum, exclusiveMinimum,
// items, minItems).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json load(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

json schema() {
    return load(fs::path(NNVP_SOURCE_DIR) / "docs" / "scenario.schema.json");
}

bool has_type(const json& v, const std::string& type) {
    if (type == "object")
        return v.is_object();
    if (type == "array")
        return v.is_array();
    if (type == "string")
        return v.is_string();
    if (type == "boolean")
        return v.is_boolean();
    if (type == "integer")
        return v.is_number_integer();
    if (type == "number")
        return v.is_number();
    if (type == "null")
        return v.is_null();
    return false;
}

// Appends "field: expected ..." for each violation of `s` by `v` at `path`.
void validate(const json& s, const json& v, const std::string& path,
              std::vector<std::string>& errors) {
    const std::string field = path.empty() ? "(top level)" : path;
    if (s.contains("type")) {
        const json types = s["type"].is_array() ? s["type"] : json::array({s["type"]});
        bool ok = false;
        for (const auto& t : types)
            ok = ok || has_type(v, t.get<std::string>());
        if (!ok) {
            errors.push_back(field + ": expected " + types.dump() + ", got " + v.dump());
            return;
        }
    }
    if (s.contains("enum")) {
        bool ok = false;
        for (const auto& e : s["enum"])
            ok = ok || e == v;
        if (!ok)
            errors.push_back(field + ": expected one of " + s["enum"].dump() + ", got " + v.dump());
    }
    if (v.is_number()) {
        const double x = v.get<double>();
        if (s.contains("minimum") && x < s["minimum"].get<double>())
            errors.push_back(field + ": expected >= " + s["minimum"].dump());
        if (s.contains("maximum") && x > s["maximum"].get<double>())
            errors.push_back(field + ": expected <= " + s["maximum"].dump());
        if (s.contains("exclusiveMinimum") && x <= s["exclusiveMinimum"].get<double>())
            errors.push_back(field + ": expected > " + s["exclusiveMinimum"].dump());
    }
    if (s.contains("anyOf")) {
        bool ok = false;
        for (const auto& alt : s["anyOf"]) {
            std::vector<std::string> e;
            validate(alt, v, path, e);
            ok = ok || e.empty();
        }
        if (!ok)
            errors.push_back(field + ": expected to match one of " + s["anyOf"].dump());
    }
    if (s.contains("not")) {
        std::vector<std::string> e;
        validate(s["not"], v, path, e);
        if (e.empty())
            errors.push_back(field + ": expected not both of " +
                             s["not"].value("required", json()).dump());
    }
    if (v.is_array()) {
        if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>())
            errors.push_back(field + ": expected at least " + s["minItems"].dump() + " items");
        if (s.contains("items"))
            for (std::size_t i = 0; i < v.size(); ++i)
                validate(s["items"], v[i], path + "." + std::to_string(i), errors);
    }
    if (!v.is_object())
        return;
    for (const auto& r : s.value("required", json::array()))
        if (!v.contains(r.get<std::string>()))
            errors.push_back(field + ": missing required key \"" + r.get<std::string>() + "\"");
    const json props = s.value("properties", json::object());
    for (const auto& [key, value] : v.items()) {
        const std::string sub = path.empty() ? key : path + "." + key;
        if (props.contains(key)) {
            validate(props[key], value, sub, errors);
        } else if (s.contains("additionalProperties")) {
            const json& extra = s["additionalProperties"];
            if (extra.is_boolean() && !extra.get<bool>())
                errors.push_back(sub + ": unknown key");
            else if (extra.is_object())
                validate(extra, value, sub, errors);
        }
    }
}

std::vector<std::string> errors_of(const json& doc) {
    std::vector<std::string> errors;
    validate(schema(), doc, "", errors);
    return errors;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& e : v)
        s += e + "\n";
    return s;
}

json good() {
    return json::parse(R"({"name": "x", "platform": "p.json", "mode": "timing",
        "workload": {"network": "resnet18", "precision": "int8", "batch": 1, "inferences": 10,
                     "layer_precision": {"conv1": "int4"},
                     "arrival": {"pattern": "periodic", "fps": 30, "deadline_ms": 33}}})");
}

}  // namespace

TEST(scenario_schema, every_curated_scenario_validates) {
    int files = 0;
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(NNVP_SOURCE_DIR) / "scenarios")) {
        if (entry.path().extension() != ".json")
            continue;
        const std::string file = entry.path().filename().string();
        if (entry.path().parent_path().filename() == "sweeps" ||
            (file.size() > 11 && file.compare(file.size() - 11, 11, ".sweep.json") == 0))
            continue;  // sweep files (docs/outputs.md), not scenarios
        ++files;
        const auto errors = errors_of(load(entry.path()));
        EXPECT_TRUE(errors.empty()) << entry.path().string() << ":\n" << joined(errors);
    }
    EXPECT_GE(files, 5);
    // The SDK example's scenario (CMake fills in the installed platform folder).
    const auto example = errors_of(load(fs::path(NNVP_SOURCE_DIR) / "examples" / "firmware" /
                                        "dma_copy.json.in"));
    EXPECT_TRUE(example.empty()) << joined(example);
}

TEST(scenario_schema, malformed_scenarios_are_refused_with_the_field) {
    EXPECT_TRUE(errors_of(good()).empty()) << joined(errors_of(good()));
    json firmware_only = good();
    firmware_only.erase("workload");
    firmware_only["firmware"] = {{"program", "nn_layer_demo"}, {"args", {{"size", 28}}}};
    EXPECT_TRUE(errors_of(firmware_only).empty()) << joined(errors_of(firmware_only));
    // A firmware library's only program needs no name.
    firmware_only["firmware"] = {{"library", "build/libmy_fw.so"}};
    EXPECT_TRUE(errors_of(firmware_only).empty()) << joined(errors_of(firmware_only));
    const struct {
        std::function<void(json&)> spoil;
        std::string expected;
    } cases[] = {
        {[](json& d) { d.erase("name"); }, "(top level): missing required key \"name\""},
        {[](json& d) { d["nmae"] = "x"; }, "nmae: unknown key"},
        {[](json& d) { d["mode"] = "fast"; }, "mode: expected one of [\"functional\",\"timing\"]"},
        {[](json& d) { d["max_simulated_s"] = 0; }, "max_simulated_s: expected >= 1e-09"},
        {[](json& d) {
             d.erase("workload");
             d["firmware"] = {{"program", "p"}, {"args", {{"size", 2.5}}}};
         },
         "firmware.args.size: expected [\"integer\"]"},
        {[](json& d) {
             d.erase("workload");
             d["firmware"] = json::object();
         },
         "firmware: expected to match one of [{\"required\":[\"program\"]},{\"required\":[\"library\"]}]"},
        {[](json& d) {
             d.erase("workload");
             d["firmware"] = {{"library", 3}};
         },
         "firmware.library: expected [\"string\"]"},
        {[](json& d) {
             d.erase("firmware");
             d.erase("workload");
         },
         "(top level): expected to match one of"},
        {[](json& d) {
             d["firmware"] = {{"program", "p"}};
         },
         "(top level): expected not both of"},
        {[](json& d) { d["workload"]["arrival"].erase("pattern"); },
         "workload.arrival: missing required key \"pattern\""},
        {[](json& d) { d["workload"]["quantization"] = "per_tensor"; },
         "workload.quantization: expected one of"},
        {[](json& d) {
             d["workload"]["dataset"] = {{"name", "fashion-mnist"}};
         },
         "workload.dataset: missing required key \"images\""},
        {[](json& d) { d["workload"]["precision"] = "int3"; },
         "workload.precision: expected one of"},
        {[](json& d) { d["workload"]["batch"] = 0; }, "workload.batch: expected >= 1"},
        {[](json& d) { d["workload"]["layer_precision"]["fc"] = "int2"; },
         "workload.layer_precision.fc: expected one of"},
        {[](json& d) { d["workload"]["arrival"]["pattern"] = "bursty"; },
         "workload.arrival.pattern: expected one of"},
        {[](json& d) { d["workload"]["arrival"]["fps"] = 0; },
         "workload.arrival.fps: expected >= 1e-06"},
        {[](json& d) { d["workload"]["arrival"]["jitter"] = 1; },
         "workload.arrival.jitter: unknown key"},
        {[](json& d) { d["workload"]["sparsity"] = {{"mode", "prune"}}; },
         "workload.sparsity.mode: expected one of"},
        {[](json& d) { d["workload"]["sparsity"] = {{"weight_zero_pct", 100}}; },
         "workload.sparsity.weight_zero_pct: expected <= 99.9"},
        {[](json& d) { d["workload"]["input_shapes"] = {{"x", {1, 0}}}; },
         "workload.input_shapes.x.1: expected >= 1"},
        {[](json& d) { d["workload"]["input_shapes"] = {{"x", json::array()}}; },
         "workload.input_shapes.x: expected at least 1 items"},
        {[](json& d) { d["workload"]["inputs"] = {{"x", 3}}; },
         "workload.inputs.x: expected to match one of"},
    };
    for (const auto& c : cases) {
        json doc = good();
        c.spoil(doc);
        const std::string errors = joined(errors_of(doc));
        EXPECT_NE(errors.find(c.expected), std::string::npos)
            << "expected: " << c.expected << "\ngot: " << errors;
    }
}

TEST(scenario_schema, docs_explain_every_field) {
    std::ifstream in(fs::path(NNVP_SOURCE_DIR) / "docs" / "scenarios.md");
    std::stringstream text;
    text << in.rdbuf();
    std::function<void(const json&, const std::string&)> walk = [&](const json& s,
                                                                    const std::string& path) {
        const json props = s.value("properties", json::object());
        for (const auto& item : props.items()) {
            const std::string& key = item.key();
            const json& sub = item.value();
            const std::string field = path.empty() ? key : path + "." + key;
            EXPECT_NE(text.str().find("`" + field + "`"), std::string::npos)
                << field << " is not explained in docs/scenarios.md";
            EXPECT_TRUE(sub.contains("description")) << field << " has no description";
            walk(sub, field);
        }
    };
    walk(schema(), "");
}
