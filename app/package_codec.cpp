#include "app/package_codec.h"

#include <cstring>
#include <string>

#include "arch/package/package_format.h"

namespace nnvp {

namespace {

class byte_writer {
public:
    void u8(uint8_t v) { m_out.push_back(v); }
    void u32(uint32_t v) { put(v, 4); }
    void u64(uint64_t v) { put(v, 8); }
    void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
    void f32(float v) {
        uint32_t bits = 0;
        std::memcpy(&bits, &v, 4);
        u32(bits);
    }
    void f64(double v) {
        uint64_t bits = 0;
        std::memcpy(&bits, &v, 8);
        u64(bits);
    }
    void text(const std::string& s) {
        u64(s.size());
        m_out.insert(m_out.end(), s.begin(), s.end());
    }
    void bytes(const uint8_t* p, std::size_t n) { m_out.insert(m_out.end(), p, p + n); }
    std::vector<uint8_t> take() { return std::move(m_out); }

private:
    void put(uint64_t v, int n) {
        for (int i = 0; i < n; ++i)
            m_out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    std::vector<uint8_t> m_out;
};

class byte_reader {
public:
    explicit byte_reader(const std::vector<uint8_t>& in) : m_in(in) {}
    uint8_t u8() { return static_cast<uint8_t>(get(1)); }
    uint32_t u32() { return static_cast<uint32_t>(get(4)); }
    uint64_t u64() { return get(8); }
    int32_t i32() { return static_cast<int32_t>(u32()); }
    float f32() {
        const uint32_t bits = u32();
        float v = 0;
        std::memcpy(&v, &bits, 4);
        return v;
    }
    double f64() {
        const uint64_t bits = u64();
        double v = 0;
        std::memcpy(&v, &bits, 8);
        return v;
    }
    std::string text() {
        const std::size_t n = count(1);
        std::string s(reinterpret_cast<const char*>(m_in.data() + m_at), n);
        m_at += n;
        return s;
    }
    void bytes(uint8_t* p, std::size_t n) {
        need(n);
        std::memcpy(p, m_in.data() + m_at, n);
        m_at += n;
    }
    // A length that the remaining bytes can hold at `unit` bytes per element.
    std::size_t count(std::size_t unit) {
        const uint64_t n = u64();
        if (n > (m_in.size() - m_at) / unit)
            throw package_codec_error("a length of " + std::to_string(n) +
                                      " runs past the end of the entry");
        return static_cast<std::size_t>(n);
    }
    bool done() const { return m_at == m_in.size(); }
    std::size_t left() const { return m_in.size() - m_at; }

private:
    void need(std::size_t n) const {
        if (n > m_in.size() - m_at)
            throw package_codec_error("the entry ends early (truncated)");
    }
    uint64_t get(int n) {
        need(static_cast<std::size_t>(n));
        uint64_t v = 0;
        for (int i = 0; i < n; ++i)
            v |= uint64_t{m_in[m_at + static_cast<std::size_t>(i)]} << (8 * i);
        m_at += static_cast<std::size_t>(n);
        return v;
    }
    const std::vector<uint8_t>& m_in;
    std::size_t m_at = 0;
};

// The image without a timing-only package's zero constants: the lengths of
// the head, the zeros and the tail first (so that the reader allocates the
// image once), then the head and tail bytes.
void write_image(byte_writer& w, const compiler::package_image& image) {
    const package::byte_range skip = package::constants_without_values(image.data(), image.size());
    const uint64_t head = skip.size ? skip.offset : image.size();
    const uint64_t tail = image.size() - head - skip.size;
    w.u64(head);
    w.u64(skip.size);
    w.u64(tail);
    w.bytes(image.data(), head);
    w.bytes(image.data() + head + skip.size, tail);
}

compiler::package_image read_image(byte_reader& r) {
    const uint64_t head = r.u64(), zeros = r.u64(), tail = r.u64();
    if (head > r.left() || tail > r.left() - head || zeros > (uint64_t{1} << 32))
        throw package_codec_error("an image larger than the entry says");
    compiler::package_image image;
    image.resize(head + zeros + tail);  // zeros where the constants lie, untouched
    r.bytes(image.data(), head);
    r.bytes(image.data() + head + zeros, tail);
    return image;
}

void write_mappings(byte_writer& w, const std::vector<std::vector<compiler::mapping_choice>>& m) {
    w.u64(m.size());
    for (const auto& programs : m) {
        w.u64(programs.size());
        for (const compiler::mapping_choice& c : programs) {
            w.text(c.objective);
            w.u64(c.chosen);
            w.u64(c.candidates.size());
            for (const compiler::tiling_candidate& t : c.candidates) {
                w.i32(t.images);
                w.i32(t.rows);
                w.i32(t.cols);
                w.u64(t.tiles);
                w.u64(t.compute_cycles);
                w.u64(t.est_cycles);
                w.u64(t.dram_bytes);
                w.f64(t.energy_j);
                w.i32(t.in_channels);
                w.i32(t.passes);
            }
        }
    }
}

std::vector<std::vector<compiler::mapping_choice>> read_mappings(byte_reader& r) {
    std::vector<std::vector<compiler::mapping_choice>> m(r.count(8));
    for (auto& programs : m) {
        programs.resize(r.count(8));
        for (compiler::mapping_choice& c : programs) {
            c.objective = r.text();
            c.chosen = r.u64();
            c.candidates.resize(r.count(60));
            for (compiler::tiling_candidate& t : c.candidates) {
                t.images = r.i32();
                t.rows = r.i32();
                t.cols = r.i32();
                t.tiles = r.u64();
                t.compute_cycles = r.u64();
                t.est_cycles = r.u64();
                t.dram_bytes = r.u64();
                t.energy_j = r.f64();
                t.in_channels = r.i32();
                t.passes = r.i32();
            }
            if (!c.candidates.empty() && c.chosen >= c.candidates.size())
                throw package_codec_error("a mapping chooses a candidate it does not have");
        }
    }
    return m;
}

}  // namespace

// Every field of these structs is written: one added to them must be added
// here too, or a cached package would lose it (sizes on LP64 Linux).
static_assert(sizeof(compiler::built_package) == 6 * sizeof(std::vector<int>) + 2 * 8,
              "built_package changed: encode and decode its new field here");
static_assert(sizeof(compiler::tensor_desc) == 40, "tensor_desc changed: encode it here");
static_assert(sizeof(compiler::tiling_candidate) == 64, "tiling_candidate changed: encode it here");
static_assert(sizeof(compiler::mapping_choice) ==
                  sizeof(std::string) + sizeof(std::vector<int>) + 8,
              "mapping_choice changed: encode it here");

std::vector<uint8_t> encode_built_package(const compiler::built_package& pkg) {
    byte_writer w;
    write_image(w, pkg.image);
    w.u64(pkg.arena_base);
    w.u64(pkg.arena_size);
    w.u64(pkg.tensors.size());
    for (const compiler::tensor_desc& t : pkg.tensors) {
        w.u64(t.address);
        for (int d : {t.shape.n, t.shape.h, t.shape.w, t.shape.c})
            w.i32(d);
        w.u8(static_cast<uint8_t>(t.type));
        w.f32(t.q.scale);
        w.i32(t.q.zero_point);
    }
    w.u64(pkg.kinds.size());
    for (package::step_kind k : pkg.kinds)
        w.u8(static_cast<uint8_t>(k));
    w.u64(pkg.core_programs.size());
    for (unsigned p : pkg.core_programs)
        w.u32(p);
    write_mappings(w, pkg.mappings);
    w.u64(pkg.cpu_reasons.size());
    for (const std::string& s : pkg.cpu_reasons)
        w.text(s);
    return w.take();
}

compiler::built_package decode_built_package(const std::vector<uint8_t>& bytes) {
    byte_reader r(bytes);
    compiler::built_package pkg;
    pkg.image = read_image(r);
    pkg.arena_base = r.u64();
    pkg.arena_size = r.u64();
    pkg.tensors.resize(r.count(33));
    for (compiler::tensor_desc& t : pkg.tensors) {
        t.address = r.u64();
        t.shape.n = r.i32();
        t.shape.h = r.i32();
        t.shape.w = r.i32();
        t.shape.c = r.i32();
        t.type = static_cast<nn::dtype>(r.u8());
        t.q.scale = r.f32();
        t.q.zero_point = r.i32();
    }
    pkg.kinds.resize(r.count(1));
    for (package::step_kind& k : pkg.kinds)
        k = static_cast<package::step_kind>(r.u8());
    pkg.core_programs.resize(r.count(4));
    for (unsigned& p : pkg.core_programs)
        p = r.u32();
    pkg.mappings = read_mappings(r);
    pkg.cpu_reasons.resize(r.count(8));
    for (std::string& s : pkg.cpu_reasons)
        s = r.text();
    if (!r.done())
        throw package_codec_error("bytes left over after the package");
    return pkg;
}

uint64_t checksum64(const uint8_t* data, std::size_t bytes) {
    const uint64_t prime = 1099511628211ull;
    uint64_t h = 14695981039346656037ull ^ bytes;
    std::size_t i = 0;
    for (; i + 8 <= bytes; i += 8) {
        uint64_t word = 0;
        std::memcpy(&word, data + i, 8);
        h = (h ^ word) * prime;
        h ^= h >> 29;  // the high bits fold back, so a changed top bit changes the sum
    }
    for (; i < bytes; ++i)
        h = (h ^ data[i]) * prime;
    return h;
}

}  // namespace nnvp
