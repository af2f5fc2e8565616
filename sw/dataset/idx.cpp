#include "sw/dataset/idx.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <memory>

namespace nnvp::dataset {

namespace {

constexpr std::size_t max_dims = 4;  // images are 3-D, labels 1-D

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw idx_error("IDX file '" + path + "': " + what);
}

bool known_type(uint8_t code) {
    switch (static_cast<idx_type>(code)) {
        case idx_type::u8:
        case idx_type::s8:
        case idx_type::s16:
        case idx_type::s32:
        case idx_type::f32:
        case idx_type::f64:
            return true;
    }
    return false;
}

std::string hex(unsigned v) {
    static const char digits[] = "0123456789abcdef";
    return std::string("0x") + digits[(v >> 4) & 0xf] + digits[v & 0xf];
}

struct gz_closer {
    void operator()(gzFile_s* f) const { gzclose(f); }
};
using gz_ptr = std::unique_ptr<gzFile_s, gz_closer>;

// Reads up to n bytes; returns how many were read. A zlib error (corrupt
// stream, bad CRC) is an idx_error; a short count means end of file.
std::size_t read_some(gzFile f, const std::string& path, uint8_t* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const std::size_t chunk =
            std::min<std::size_t>(n - done, std::numeric_limits<int>::max() / 2);
        const int got = gzread(f, dst + done, static_cast<unsigned>(chunk));
        if (got < 0) {
            int code = 0;
            const char* msg = gzerror(f, &code);
            fail(path, std::string("gzip stream is corrupt (") + (msg ? msg : "zlib error") + ")");
        }
        if (got == 0)
            break;
        done += static_cast<std::size_t>(got);
    }
    // gzread reports a truncated gzip member as end of file with an error set.
    int code = Z_OK;
    const char* msg = gzerror(f, &code);
    if (code != Z_OK && code != Z_BUF_ERROR)
        fail(path, std::string("gzip stream is corrupt (") + (msg ? msg : "zlib error") + ")");
    if (code == Z_BUF_ERROR)
        fail(path, "gzip stream is truncated (unexpected end of file)");
    return done;
}

uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

const char* to_string(idx_type t) {
    switch (t) {
        case idx_type::u8:
            return "unsigned byte";
        case idx_type::s8:
            return "signed byte";
        case idx_type::s16:
            return "int16";
        case idx_type::s32:
            return "int32";
        case idx_type::f32:
            return "float32";
        case idx_type::f64:
            return "float64";
    }
    return "?";
}

std::size_t element_bytes(idx_type t) {
    switch (t) {
        case idx_type::u8:
        case idx_type::s8:
            return 1;
        case idx_type::s16:
            return 2;
        case idx_type::s32:
        case idx_type::f32:
            return 4;
        case idx_type::f64:
            return 8;
    }
    return 1;
}

std::size_t idx_array::count() const {
    std::size_t n = 1;
    for (uint32_t d : dims)
        n *= d;
    return n;
}

idx_array read_idx(const std::string& path, std::size_t max_bytes) {
    gz_ptr f(gzopen(path.c_str(), "rb"));
    if (!f)
        fail(path, "cannot open");

    uint8_t magic[4];
    const std::size_t got = read_some(f.get(), path, magic, 4);
    if (got < 4)
        fail(path, "magic: file holds " + std::to_string(got) + " bytes, expected a 4-byte magic");
    if (magic[0] != 0 || magic[1] != 0)
        fail(path, "magic: first two bytes are " + hex(magic[0]) + " " + hex(magic[1]) +
                       ", expected 0x00 0x00 (not an IDX file)");
    if (!known_type(magic[2]))
        fail(path, "magic: type code " + hex(magic[2]) +
                       " unknown, expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e");
    const std::size_t ndims = magic[3];
    if (ndims < 1 || ndims > max_dims)
        fail(path, "magic: " + std::to_string(ndims) + " dimensions, expected 1 to " +
                       std::to_string(max_dims));

    idx_array a;
    a.type = static_cast<idx_type>(magic[2]);
    uint8_t raw[4 * max_dims];
    if (read_some(f.get(), path, raw, 4 * ndims) < 4 * ndims)
        fail(path, "dims: file ends inside the " + std::to_string(ndims) + " dimension sizes");
    // Checked product: a corrupt size must not overflow into a small number.
    std::size_t bytes = element_bytes(a.type);
    for (std::size_t i = 0; i < ndims; ++i) {
        const uint32_t d = be32(raw + 4 * i);
        if (d == 0)
            fail(path, "dims[" + std::to_string(i) + "] is 0, expected >= 1");
        if (bytes > max_bytes / d)
            fail(path, "dims: data would exceed the limit of " + std::to_string(max_bytes) +
                           " bytes (dims[" + std::to_string(i) + "] = " + std::to_string(d) + ")");
        bytes *= d;
        a.dims.push_back(d);
    }

    a.data.resize(bytes);
    const std::size_t have = read_some(f.get(), path, a.data.data(), bytes);
    if (have < bytes)
        fail(path, "data: header declares " + std::to_string(bytes) + " bytes, file holds " +
                       std::to_string(have) + " (truncated)");
    uint8_t extra;
    if (read_some(f.get(), path, &extra, 1) != 0)
        fail(path,
             "data: trailing bytes after the " + std::to_string(bytes) + " the header declares");
    return a;
}

}  // namespace nnvp::dataset
