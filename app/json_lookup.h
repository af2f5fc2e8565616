// Tolerant reading of report.json: outputs render whatever sections a report
// carries, so a missing key or a value of another type is "absent", never an
// exception.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace nnvp {

// The value at a dotted path ("power.energy_j"), or nullptr.
inline const nlohmann::json* json_find(const nlohmann::json& doc, const std::string& dotted) {
    const nlohmann::json* at = &doc;
    std::size_t pos = 0;
    while (pos <= dotted.size()) {
        const std::size_t dot = dotted.find('.', pos);
        const std::string key = dotted.substr(pos, dot == std::string::npos ? dot : dot - pos);
        if (!at->is_object())
            return nullptr;
        const auto it = at->find(key);
        if (it == at->end())
            return nullptr;
        at = &*it;
        if (dot == std::string::npos)
            break;
        pos = dot + 1;
    }
    return at;
}

inline std::optional<double> json_number(const nlohmann::json& doc, const std::string& dotted) {
    const nlohmann::json* v = json_find(doc, dotted);
    if (!v || !v->is_number())
        return std::nullopt;
    return v->get<double>();
}

inline std::string json_text(const nlohmann::json& doc, const std::string& dotted,
                             const std::string& dflt = "") {
    const nlohmann::json* v = json_find(doc, dotted);
    return v && v->is_string() ? v->get<std::string>() : dflt;
}

// An array at `dotted` (empty when absent).
inline const nlohmann::json& json_array(const nlohmann::json& doc, const std::string& dotted) {
    static const nlohmann::json empty = nlohmann::json::array();
    const nlohmann::json* v = json_find(doc, dotted);
    return v && v->is_array() ? *v : empty;
}

}  // namespace nnvp
