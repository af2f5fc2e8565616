#include "arch/nncore/weight_codec.h"

#include <bitset>
#include <cstring>
#include <stdexcept>

namespace nnvp::nncore_cmd {



namespace {

codec_result bad(std::string what) {
    return {false, std::move(what), 0};
}

bool is_zero(const uint8_t* e, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i)
        if (e[i] != 0)
            return false;
    return true;
}

uint32_t get32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
uint16_t get16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
void put32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put16(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}

uint64_t bitmap_bytes(const blob_shape& s) {
    return (uint64_t{s.elements} + 7) / 8;
}
uint64_t csr_rows(const blob_shape& s) {
    return s.elements / s.row_len;
}

codec_result check_bitmap(const uint8_t* blob, uint64_t len, const blob_shape& s) {
    const uint64_t map = bitmap_bytes(s);
    if (len < map)
        return bad("bitmap blob of " + std::to_string(len) + " bytes is shorter than its " +
                   std::to_string(map) + "-byte presence map");
    const unsigned tail = s.elements % 8;
    if (tail != 0 && (blob[map - 1] >> tail) != 0)
        return bad("bitmap presence bits past element " + std::to_string(s.elements) + " are set");
    uint64_t nnz = 0;
    for (uint64_t i = 0; i < map; ++i)
        nnz += std::bitset<8>(blob[i]).count();
    if (blob_bytes(s, nnz) != len)
        return bad("bitmap blob with " + std::to_string(nnz) + " set bits needs " +
                   std::to_string(blob_bytes(s, nnz)) + " bytes, len is " + std::to_string(len));
    return {true, {}, nnz};
}

codec_result check_csr(const uint8_t* blob, uint64_t len, const blob_shape& s) {
    const uint64_t rows = csr_rows(s);
    if (len < 4 * (rows + 1))
        return bad("csr blob of " + std::to_string(len) + " bytes is shorter than its " +
                   std::to_string(rows + 1) + " row pointers");
    if (get32(blob) != 0)
        return bad("csr row_ptr[0] is not 0");
    for (uint64_t r = 0; r < rows; ++r) {
        const uint32_t a = get32(blob + 4 * r), b = get32(blob + 4 * (r + 1));
        if (b < a || b - a > s.row_len)
            return bad("csr row " + std::to_string(r) + ": row_ptr " + std::to_string(a) + " -> " +
                       std::to_string(b) + " (expected non-decreasing, at most " +
                       std::to_string(s.row_len) + " per row)");
    }
    const uint64_t nnz = get32(blob + 4 * rows);
    if (blob_bytes(s, nnz) != len)
        return bad("csr blob with " + std::to_string(nnz) + " values needs " +
                   std::to_string(blob_bytes(s, nnz)) + " bytes, len is " + std::to_string(len));
    const uint8_t* col = blob + 4 * (rows + 1);
    for (uint64_t r = 0; r < rows; ++r) {
        const uint32_t a = get32(blob + 4 * r), b = get32(blob + 4 * (r + 1));
        for (uint32_t k = a; k < b; ++k) {
            const uint32_t c = get16(col + 2 * uint64_t{k});
            if (c >= s.row_len || (k > a && c <= get16(col + 2 * (uint64_t{k} - 1))))
                return bad("csr row " + std::to_string(r) + ": column index " + std::to_string(c) +
                           " at value " + std::to_string(k) + " (expected strictly increasing, < " +
                           std::to_string(s.row_len) + ")");
        }
    }
    return {true, {}, nnz};
}

}  // namespace

codec_result check_shape(const blob_shape& s) {
    if (s.elements == 0)
        return bad("elements is 0");
    if (s.elem_bits != 8 && s.elem_bits != 16 && s.elem_bits != 32)
        return bad("elem_bits " + std::to_string(s.elem_bits) + ": expected 8, 16 or 32");
    if (s.format == cost::weight_format::bitmap) {
        if (s.row_len != 0)
            return bad("row_len " + std::to_string(s.row_len) + " on a bitmap blob (expected 0)");
        return {};
    }
    if (s.format != cost::weight_format::csr)
        return bad("format " + std::to_string(static_cast<unsigned>(s.format)) +
                   ": expected 1 (bitmap) or 2 (csr)");
    if (s.row_len == 0 || s.row_len > max_csr_row_len || s.elements % s.row_len != 0)
        return bad("csr row_len " + std::to_string(s.row_len) + ": expected 1.." +
                   std::to_string(max_csr_row_len) + " dividing elements " +
                   std::to_string(s.elements));
    return {};
}

uint64_t blob_bytes(const blob_shape& s, uint64_t nnz) {
    if (s.format == cost::weight_format::csr)
        return 4 * (csr_rows(s) + 1) + nnz * (2 + s.elem_bytes());
    return bitmap_bytes(s) + nnz * s.elem_bytes();
}

uint64_t count_nonzero(const uint8_t* dense, const blob_shape& s) {
    uint64_t nnz = 0;
    const uint64_t eb = s.elem_bytes();
    for (uint64_t i = 0; i < s.elements; ++i)
        nnz += !is_zero(dense + i * eb, eb);
    return nnz;
}

std::vector<uint8_t> compress(const uint8_t* dense, const blob_shape& s) {
    const codec_result shape = check_shape(s);
    if (!shape.ok)
        throw std::invalid_argument("compress: " + shape.what);
    const uint64_t eb = s.elem_bytes();
    const uint64_t nnz = count_nonzero(dense, s);
    std::vector<uint8_t> out(blob_bytes(s, nnz), 0);
    if (s.format == cost::weight_format::bitmap) {
        uint8_t* val = out.data() + bitmap_bytes(s);
        for (uint64_t i = 0; i < s.elements; ++i) {
            const uint8_t* e = dense + i * eb;
            if (is_zero(e, eb))
                continue;
            out[i / 8] = static_cast<uint8_t>(out[i / 8] | 1u << (i % 8));
            std::memcpy(val, e, eb);
            val += eb;
        }
        return out;
    }
    const uint64_t rows = csr_rows(s);
    uint8_t* col = out.data() + 4 * (rows + 1);
    uint8_t* val = col + 2 * nnz;
    uint32_t k = 0;
    for (uint64_t r = 0; r < rows; ++r) {
        for (uint32_t c = 0; c < s.row_len; ++c) {
            const uint8_t* e = dense + (r * s.row_len + c) * eb;
            if (is_zero(e, eb))
                continue;
            put16(col + 2 * uint64_t{k}, c);
            std::memcpy(val + k * eb, e, eb);
            ++k;
        }
        put32(out.data() + 4 * (r + 1), k);
    }
    return out;
}

codec_result check_blob(const uint8_t* blob, uint64_t len, const blob_shape& s) {
    codec_result r = check_shape(s);
    if (!r.ok)
        return r;
    return s.format == cost::weight_format::bitmap ? check_bitmap(blob, len, s)
                                                 : check_csr(blob, len, s);
}

codec_result expand(const uint8_t* blob, uint64_t len, const blob_shape& s, uint8_t* dense) {
    const codec_result r = check_blob(blob, len, s);
    if (!r.ok)
        return r;
    const uint64_t eb = s.elem_bytes();
    std::memset(dense, 0, s.dense_bytes());
    if (s.format == cost::weight_format::bitmap) {
        const uint8_t* val = blob + bitmap_bytes(s);
        for (uint64_t i = 0; i < s.elements; ++i)
            if ((blob[i / 8] >> (i % 8)) & 1u) {
                std::memcpy(dense + i * eb, val, eb);
                val += eb;
            }
        return r;
    }
    const uint64_t rows = csr_rows(s);
    const uint8_t* col = blob + 4 * (rows + 1);
    const uint8_t* val = col + 2 * r.nnz;
    for (uint64_t row = 0; row < rows; ++row)
        for (uint32_t k = get32(blob + 4 * row); k < get32(blob + 4 * (row + 1)); ++k)
            std::memcpy(dense + (row * s.row_len + get16(col + 2 * uint64_t{k})) * eb, val + k * eb,
                        eb);
    return r;
}

}  // namespace nnvp::nncore_cmd
