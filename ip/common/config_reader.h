// Strict reading of JSON configuration: every value is checked, every error
// names the file, the field (dotted path) and what was expected, and keys
// nobody asked for are rejected (a typo must not be silently ignored).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnvp {

// Bad user input: the message is ready to print ("file: field: expected ...").
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class config_node {
public:
    config_node(const nlohmann::json& value, std::string file, std::string path = "");
    ~config_node() = default;
    config_node(const config_node&) = default;

    const std::string& file() const { return m_file; }
    const std::string& path() const { return m_path; }
    const nlohmann::json& json() const { return *m_value; }
    bool has(const std::string& key) const;

    // Required values.
    double number(const std::string& key) const;
    uint64_t uint(const std::string& key) const;  // JSON number or "0x..." string
    std::string string(const std::string& key) const;
    bool boolean(const std::string& key) const;
    config_node child(const std::string& key) const;          // object
    std::vector<config_node> elements(const std::string& key) const;  // array

    // Optional values with a default.
    double number(const std::string& key, double dflt) const;
    uint64_t uint(const std::string& key, uint64_t dflt) const;
    std::string string(const std::string& key, const std::string& dflt) const;
    bool boolean(const std::string& key, bool dflt) const;

    // Range-checked variants (inclusive bounds).
    double number_in(const std::string& key, double lo, double hi) const;
    double number_in(const std::string& key, double lo, double hi, double dflt) const;
    uint64_t uint_in(const std::string& key, uint64_t lo, uint64_t hi) const;
    uint64_t uint_in(const std::string& key, uint64_t lo, uint64_t hi, uint64_t dflt) const;
    std::string one_of(const std::string& key, const std::vector<std::string>& allowed) const;
    std::string one_of(const std::string& key, const std::vector<std::string>& allowed,
                       const std::string& dflt) const;

    // Keys of this object, for maps keyed by name.
    std::vector<std::string> keys() const;
    // Throws if the object holds a key that no accessor above has read.
    void reject_unknown() const;

    // An error about `key` of this node (or this node itself when empty).
    [[noreturn]] void fail(const std::string& key, const std::string& expected) const;
    std::string field(const std::string& key) const;

private:
    const nlohmann::json& at(const std::string& key) const;

    std::shared_ptr<const nlohmann::json> m_root;  // keeps parsed documents alive
    const nlohmann::json* m_value;
    std::string m_file;
    std::string m_path;
    std::shared_ptr<std::set<std::string>> m_used;

    friend config_node load_config_file(const std::string& path);
    friend config_node parse_config_text(const std::string& text, const std::string& file);
};

// Reads and parses a JSON file; a missing file or a syntax error is a
// config_error naming the file (and line for syntax errors).
config_node load_config_file(const std::string& path);
config_node parse_config_text(const std::string& text, const std::string& file);

// Parses "123", "0x1f", "4K", "1M", "1G" style unsigned values.
bool parse_uint(const std::string& text, uint64_t& out);

// Sets the value at a dotted path ("dma.burst_bytes", "memory_map.2.size")
// inside `doc`, creating missing object members. Throws config_error naming
// `origin` when the path runs through a non-object or past an array's end.
void set_by_path(nlohmann::json& doc, const std::string& dotted_path,
                 const nlohmann::json& value, const std::string& origin);

// The value of a command-line override: JSON when it parses as JSON
// (numbers, true/false, quoted strings, arrays, objects), else the raw text
// as a string, so `--set mode=timing` needs no quotes.
nlohmann::json parse_override_value(const std::string& text);

}  // namespace nnvp
