#include "ip/common/json_text.h"

#include "ip/common/config_reader.h"

#include <filesystem>
#include <fstream>

namespace nnvp {

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw config_error(path + ": is a directory, expected a JSON file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw config_error(path + ": cannot open file");
    // Read in chunks up to the cap: character devices and pipes have no size.
    std::string text;
    char chunk[1 << 16];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        text.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes)
            throw config_error(path + ": larger than " + std::to_string(max_bytes >> 20) +
                               " MiB, not a JSON input nnvp reads (the wrong file?)");
    }
    return text;
}

void check_json_depth(const std::string& text, const std::string& file, std::size_t max_depth) {
    std::size_t depth = 0, line = 1;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        if (c == '\n')
            ++line;
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                throw config_error(file + ": line " + std::to_string(line) +
                                   ": arrays and objects nested deeper than " +
                                   std::to_string(max_depth) + " levels (nnvp's limit)");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

}  // namespace nnvp
