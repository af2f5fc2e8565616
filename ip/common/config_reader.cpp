#include "ip/common/config_reader.h"

#include "ip/common/json_text.h"

#include <cmath>
#include <sstream>

namespace nnvp {

namespace {

std::string describe(const nlohmann::json& v) {
    std::string s = v.dump();
    if (s.size() > 40)
        s = s.substr(0, 37) + "...";
    return s;
}

}  // namespace

config_node::config_node(const nlohmann::json& value, std::string file, std::string path)
    : m_value(&value), m_file(std::move(file)), m_path(std::move(path)),
      m_used(std::make_shared<std::set<std::string>>()) {}

std::string config_node::field(const std::string& key) const {
    if (key.empty())
        return m_path.empty() ? "(top level)" : m_path;
    if (m_path.empty())
        return key;
    return m_path + "." + key;
}

void config_node::fail(const std::string& key, const std::string& expected) const {
    throw config_error(m_file + ": " + field(key) + ": " + expected);
}

bool config_node::has(const std::string& key) const {
    return m_value->is_object() && m_value->contains(key);
}

const nlohmann::json& config_node::at(const std::string& key) const {
    if (!m_value->is_object())
        fail("", "expected an object");
    auto it = m_value->find(key);
    if (it == m_value->end())
        fail(key, "missing (required)");
    m_used->insert(key);
    return *it;
}

double config_node::number(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_number())
        fail(key, "expected a number, got " + describe(v));
    const double d = v.get<double>();
    if (!std::isfinite(d))
        fail(key, "expected a finite number");
    return d;
}

bool parse_uint(const std::string& text, uint64_t& out) {
    if (text.empty())
        return false;
    std::string digits = text;
    uint64_t scale = 1;
    const char last = digits.back();
    if (last == 'K' || last == 'k') scale = 1ull << 10;
    if (last == 'M') scale = 1ull << 20;
    if (last == 'G') scale = 1ull << 30;
    if (scale != 1)
        digits.pop_back();
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits = digits.substr(2);
    }
    if (digits.empty())
        return false;
    uint64_t value = 0;
    for (char c : digits) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else if (c == '_') continue;
        else return false;
        if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
            return false;
        value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    if (scale != 1 && value > UINT64_MAX / scale)
        return false;
    out = value * scale;
    return true;
}

uint64_t config_node::uint(const std::string& key) const {
    const auto& v = at(key);
    if (v.is_number_unsigned())
        return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0)
        return static_cast<uint64_t>(v.get<int64_t>());
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d >= 0 && d == std::floor(d) && d < 1.8e19)
            return static_cast<uint64_t>(d);
    }
    uint64_t out = 0;
    if (v.is_string() && parse_uint(v.get<std::string>(), out))
        return out;
    fail(key, "expected a non-negative integer (or a \"0x...\" string), got " + describe(v));
}

std::string config_node::string(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_string())
        fail(key, "expected a string, got " + describe(v));
    return v.get<std::string>();
}

bool config_node::boolean(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_boolean())
        fail(key, "expected true or false, got " + describe(v));
    return v.get<bool>();
}

config_node config_node::child(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_object())
        fail(key, "expected an object, got " + describe(v));
    config_node c(v, m_file, field(key));
    c.m_root = m_root;
    return c;
}

std::vector<config_node> config_node::elements(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_array())
        fail(key, "expected an array, got " + describe(v));
    std::vector<config_node> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        config_node c(v[i], m_file, field(key) + "[" + std::to_string(i) + "]");
        c.m_root = m_root;
        out.push_back(c);
    }
    return out;
}

double config_node::number(const std::string& key, double dflt) const {
    return has(key) ? number(key) : dflt;
}
uint64_t config_node::uint(const std::string& key, uint64_t dflt) const {
    return has(key) ? uint(key) : dflt;
}
std::string config_node::string(const std::string& key, const std::string& dflt) const {
    return has(key) ? string(key) : dflt;
}
bool config_node::boolean(const std::string& key, bool dflt) const {
    return has(key) ? boolean(key) : dflt;
}

double config_node::number_in(const std::string& key, double lo, double hi) const {
    const double d = number(key);
    if (d < lo || d > hi) {
        std::ostringstream os;
        os << "expected a number in [" << lo << ", " << hi << "], got " << d;
        fail(key, os.str());
    }
    return d;
}
double config_node::number_in(const std::string& key, double lo, double hi, double dflt) const {
    return has(key) ? number_in(key, lo, hi) : dflt;
}
uint64_t config_node::uint_in(const std::string& key, uint64_t lo, uint64_t hi) const {
    const uint64_t u = uint(key);
    if (u < lo || u > hi)
        fail(key, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                      "], got " + std::to_string(u));
    return u;
}
uint64_t config_node::uint_in(const std::string& key, uint64_t lo, uint64_t hi,
                              uint64_t dflt) const {
    return has(key) ? uint_in(key, lo, hi) : dflt;
}

std::string config_node::one_of(const std::string& key,
                                const std::vector<std::string>& allowed) const {
    const std::string s = string(key);
    for (const auto& a : allowed)
        if (s == a)
            return s;
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    fail(key, "expected one of {" + list + "}, got \"" + s + "\"");
}
std::string config_node::one_of(const std::string& key, const std::vector<std::string>& allowed,
                                const std::string& dflt) const {
    return has(key) ? one_of(key, allowed) : dflt;
}

std::vector<std::string> config_node::keys() const {
    std::vector<std::string> out;
    if (m_value->is_object())
        for (auto it = m_value->begin(); it != m_value->end(); ++it)
            out.push_back(it.key());
    return out;
}

void config_node::reject_unknown() const {
    if (!m_value->is_object())
        return;
    for (auto it = m_value->begin(); it != m_value->end(); ++it)
        if (!m_used->count(it.key()))
            fail(it.key(), "unknown key");
}

void set_by_path(nlohmann::json& doc, const std::string& dotted_path,
                 const nlohmann::json& value, const std::string& origin) {
    if (dotted_path.empty())
        throw config_error(origin + ": empty key path");
    nlohmann::json* node = &doc;
    std::size_t pos = 0;
    std::string walked;
    while (true) {
        const std::size_t dot = dotted_path.find('.', pos);
        const std::string key = dotted_path.substr(pos, dot == std::string::npos ? dot : dot - pos);
        if (key.empty())
            throw config_error(origin + ": " + dotted_path + ": empty path element");
        walked += (walked.empty() ? "" : ".") + key;
        nlohmann::json* next = nullptr;
        if (node->is_array()) {
            uint64_t index = 0;
            if (!parse_uint(key, index) || index >= node->size())
                throw config_error(origin + ": " + walked + ": expected an index below " +
                                   std::to_string(node->size()));
            next = &(*node)[index];
        } else {
            if (node->is_null())
                *node = nlohmann::json::object();
            if (!node->is_object())
                throw config_error(origin + ": " + walked + ": cannot set a member of a " +
                                   node->type_name());
            next = &(*node)[key];
        }
        if (dot == std::string::npos) {
            *next = value;
            return;
        }
        node = next;
        pos = dot + 1;
    }
}

nlohmann::json parse_override_value(const std::string& text) {
    check_json_depth(text, "--set value");
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {  // not JSON, or a number out of range
        return text;
    }
}

config_node parse_config_text(const std::string& text, const std::string& file) {
    check_json_depth(text, file);
    auto root = std::make_shared<nlohmann::json>();
    try {
        *root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::out_of_range& e) {  // 1e999
        throw config_error(file + ": a number out of range (" + e.what() +
                           "): numbers must fit a double");
    } catch (const nlohmann::json::exception& e) {
        throw config_error(file + ": not valid JSON (" + e.what() + ")");
    }
    config_node node(*root, file);
    node.m_root = root;
    return node;
}

config_node load_config_file(const std::string& path) {
    return parse_config_text(read_text_file(path), path);
}

}  // namespace nnvp
