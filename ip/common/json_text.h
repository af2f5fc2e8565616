// Reading JSON input safely: a size cap on the file (a scenario path of
// /dev/zero must not fill the memory) and a nesting bound checked on the text
// before it is parsed (the parser, dump() and copies of nlohmann::json recurse
// once per level: 100k nested arrays overflow the stack).
#pragma once

#include <cstddef>
#include <string>

namespace nnvp {

// Deepest nesting of arrays and objects any nnvp input may have.
constexpr std::size_t max_json_depth = 256;
// Largest JSON file nnvp reads (scenarios, configs, sweeps, reports).
constexpr std::size_t max_json_file_bytes = std::size_t{256} << 20;

// The contents of `path`; config_error (naming the path) for a missing file,
// a directory, or a file larger than `max_bytes`.
std::string read_text_file(const std::string& path, std::size_t max_bytes = max_json_file_bytes);

// config_error naming `file` and the line when `text` nests arrays and
// objects deeper than `max_depth` (brackets inside strings do not count).
void check_json_depth(const std::string& text, const std::string& file,
                      std::size_t max_depth = max_json_depth);

}  // namespace nnvp
