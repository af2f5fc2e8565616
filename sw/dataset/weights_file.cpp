#include "sw/dataset/weights_file.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "nn/tensor/endian.h"

namespace nnvp::dataset {

namespace {

constexpr char magic[8] = {'N', 'N', 'V', 'P', 'W', 'G', 'T', '\0'};
constexpr uint32_t max_tensors = 1024;
constexpr uint32_t max_name = 255;

uint32_t crc_of(const uint8_t* p, std::size_t n) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib takes uInt lengths: feed large buffers in pieces.
    while (n > 0) {
        const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
        crc = crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return static_cast<uint32_t>(crc);
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
    uint8_t b[4];
    nn::store_le<uint32_t>(b, v);
    out.insert(out.end(), b, b + 4);
}

// Bounds-checked cursor over the payload (everything before the CRC).
class reader {
public:
    reader(const std::vector<uint8_t>& bytes, std::size_t end, const std::string& source)
        : m_bytes(bytes), m_end(end), m_source(source) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw weights_error("weights file '" + m_source + "': " + what);
    }
    void need(std::size_t n, const std::string& field) const {
        if (m_end - m_pos < n)
            fail(field + ": file ends at byte " + std::to_string(m_end) + ", expected " +
                 std::to_string(n) + " more bytes at byte " + std::to_string(m_pos) +
                 " (truncated)");
    }
    uint32_t u32(const std::string& field) {
        need(4, field);
        const uint32_t v = nn::load_le<uint32_t>(m_bytes.data() + m_pos);
        m_pos += 4;
        return v;
    }
    const uint8_t* take(std::size_t n, const std::string& field) {
        need(n, field);
        const uint8_t* p = m_bytes.data() + m_pos;
        m_pos += n;
        return p;
    }
    std::size_t pos() const { return m_pos; }

private:
    const std::vector<uint8_t>& m_bytes;
    std::size_t m_end;
    std::size_t m_pos = 0;
    const std::string& m_source;
};

bool printable(const std::string& s) {
    for (char ch : s)
        if (ch < 0x20 || ch > 0x7e)
            return false;
    return true;
}

}  // namespace

std::vector<uint8_t> encode_weights(const std::vector<named_tensor>& tensors) {
    if (tensors.empty() || tensors.size() > max_tensors)
        throw weights_error("encode_weights: " + std::to_string(tensors.size()) +
                            " tensors, expected 1 to " + std::to_string(max_tensors));
    std::vector<uint8_t> out(magic, magic + 8);
    put32(out, weights_version);
    put32(out, static_cast<uint32_t>(tensors.size()));
    for (const named_tensor& t : tensors) {
        if (t.name.empty() || t.name.size() > max_name || !printable(t.name))
            throw weights_error("encode_weights: tensor name '" + t.name +
                                "' must be 1 to 255 printable ASCII characters");
        if (t.value.type() != nn::dtype::fp32)
            throw weights_error("encode_weights: tensor '" + t.name + "' is " +
                                nn::to_string(t.value.type()) + ", expected fp32");
        put32(out, static_cast<uint32_t>(t.name.size()));
        out.insert(out.end(), t.name.begin(), t.name.end());
        const nn::shape4& s = t.value.shape();
        for (int d : {s.n, s.h, s.w, s.c})
            put32(out, static_cast<uint32_t>(d));
        // fp32 tensors already store their elements little-endian.
        out.insert(out.end(), t.value.bytes().begin(), t.value.bytes().end());
    }
    put32(out, crc_of(out.data(), out.size()));
    return out;
}

std::vector<named_tensor> decode_weights(const std::vector<uint8_t>& bytes,
                                         const std::string& source) {
    const std::string where = "weights file '" + source + "': ";
    if (bytes.size() < 8 || !std::equal(magic, magic + 8, bytes.begin()))
        throw weights_error(where + "magic: expected \"NNVPWGT\\0\" in the first 8 bytes");
    if (bytes.size() < 20)
        throw weights_error(where + "file is " + std::to_string(bytes.size()) +
                            " bytes, expected at least 20 (header and checksum; truncated)");
    const std::size_t body = bytes.size() - 4;
    reader r(bytes, body, source);
    r.take(8, "magic");
    const uint32_t version = r.u32("version");
    if (version != weights_version)
        r.fail("version: " + std::to_string(version) + ", expected " +
               std::to_string(weights_version));
    const uint32_t stored = nn::load_le<uint32_t>(bytes.data() + body);
    const uint32_t actual = crc_of(bytes.data(), body);
    if (stored != actual)
        r.fail("checksum: stored CRC-32 " + std::to_string(stored) + ", computed " +
               std::to_string(actual) + " (corrupt or truncated file)");
    const uint32_t count = r.u32("tensor count");
    if (count < 1 || count > max_tensors)
        r.fail("tensor count: " + std::to_string(count) + ", expected 1 to " +
               std::to_string(max_tensors));

    std::vector<named_tensor> out;
    std::set<std::string> seen;
    for (uint32_t i = 0; i < count; ++i) {
        const std::string field = "tensor " + std::to_string(i);
        const uint32_t len = r.u32(field + " name length");
        if (len < 1 || len > max_name)
            r.fail(field + " name length: " + std::to_string(len) + ", expected 1 to " +
                   std::to_string(max_name));
        const uint8_t* p = r.take(len, field + " name");
        named_tensor t;
        t.name.assign(reinterpret_cast<const char*>(p), len);
        if (!printable(t.name))
            r.fail(field + " name: expected printable ASCII");
        if (!seen.insert(t.name).second)
            r.fail("tensor '" + t.name + "': name appears twice");
        uint32_t dims[4];
        std::size_t elements = 1;
        for (int d = 0; d < 4; ++d) {
            dims[d] = r.u32("tensor '" + t.name + "' shape");
            if (dims[d] < 1 || dims[d] > static_cast<uint32_t>(INT32_MAX))
                r.fail("tensor '" + t.name + "' shape[" + std::to_string(d) +
                       "]: " + std::to_string(dims[d]) + ", expected >= 1");
            // The data must fit in what is left of the file: this bounds the
            // product before it can overflow.
            const std::size_t room = (body - r.pos()) / 4;
            if (dims[d] > room || elements > room / dims[d])
                r.fail("tensor '" + t.name + "' shape: more elements than the file holds");
            elements *= dims[d];
        }
        const uint8_t* data = r.take(4 * elements, "tensor '" + t.name + "' data");
        t.value =
            nn::tensor(nn::dtype::fp32, {static_cast<int>(dims[0]), static_cast<int>(dims[1]),
                                         static_cast<int>(dims[2]), static_cast<int>(dims[3])});
        std::copy(data, data + 4 * elements, t.value.bytes().begin());
        out.push_back(std::move(t));
    }
    if (r.pos() != body)
        r.fail(std::to_string(body - r.pos()) + " unexpected bytes after the last tensor");
    return out;
}

void write_weights(const std::string& path, const std::vector<named_tensor>& tensors) {
    const std::vector<uint8_t> bytes = encode_weights(tensors);
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    if (!f)
        throw weights_error("weights file '" + path + "': cannot write");
}

std::vector<named_tensor> read_weights(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw weights_error("weights file '" + path + "': cannot open");
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                                     std::istreambuf_iterator<char>());
    return decode_weights(bytes, path);
}

const nn::tensor& find_tensor(const std::vector<named_tensor>& tensors, const std::string& name,
                              const nn::shape4& shape, const std::string& source) {
    for (const named_tensor& t : tensors) {
        if (t.name != name)
            continue;
        if (t.value.shape() != shape)
            throw weights_error("weights file '" + source + "': tensor '" + name + "' shape is " +
                                nn::to_string(t.value.shape()) + ", expected " +
                                nn::to_string(shape));
        return t.value;
    }
    throw weights_error("weights file '" + source + "': tensor '" + name + "' missing");
}

}  // namespace nnvp::dataset
