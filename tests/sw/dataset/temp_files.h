// Crafted files for the reader tests: a per-process scratch directory, plain
// and gzip writers, and the bytes of an IDX header.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace nnvp::test {

using bytes = std::vector<uint8_t>;

// A directory of this process, removed when the process exits.
struct scratch_dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("nnvp_dataset_test_" + std::to_string(::getpid()));
    scratch_dir() { std::filesystem::create_directories(path); }
    ~scratch_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

inline std::string temp_path(const std::string& name) {
    static const scratch_dir dir;
    return (dir.path / name).string();
}

inline std::string write_plain(const std::string& name, const bytes& b) {
    const std::string p = temp_path(name);
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return p;
}

inline bytes gzip_bytes(const bytes& b) {
    const std::string p = temp_path("gz_scratch.gz");
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, b.data(), static_cast<unsigned>(b.size()));
    gzclose(f);
    std::ifstream in(p, std::ios::binary);
    return bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string write_gz(const std::string& name, const bytes& b) {
    return write_plain(name, gzip_bytes(b));
}

// IDX header: 0, 0, type, ndims, then each dim big-endian.
inline bytes idx_header(uint8_t type, const std::vector<uint32_t>& dims) {
    bytes b = {0, 0, type, static_cast<uint8_t>(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8)
            b.push_back(static_cast<uint8_t>(d >> s));
    return b;
}

inline bytes idx_file(uint8_t type, const std::vector<uint32_t>& dims, const bytes& data) {
    bytes b = idx_header(type, dims);
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

}  // namespace nnvp::test
