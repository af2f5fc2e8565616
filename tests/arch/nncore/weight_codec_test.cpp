// The compressed-weight codec (arch/nncore/weight_codec.h): round trips for
// each format and element size (sparse, all-zero, dense, empty rows), exact
// blob bytes of the documented layouts, malformed blobs rejected without a
// write, and the LOAD_COMPRESSED command checks (check_compressed).
#include "arch/nncore/weight_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "arch/nncore/command_check.h"

using namespace nnvp;
using namespace nnvp::nncore_cmd;
using cost::weight_format;
using nncore_regs::error_code;

namespace {

blob_shape shape_of(uint32_t elements, unsigned bits, cost::weight_format f, uint32_t row_len = 0) {
    blob_shape s;
    s.elements = elements;
    s.elem_bits = bits;
    s.format = f;
    s.row_len = row_len;
    return s;
}

// Dense bytes with `zero_pct` % of elements zero (the rest non-zero).
std::vector<uint8_t> make_dense(std::mt19937& rng, const blob_shape& s, int zero_pct) {
    std::vector<uint8_t> d(s.dense_bytes(), 0);
    const uint64_t eb = s.elem_bytes();
    for (uint64_t i = 0; i < s.elements; ++i) {
        if (static_cast<int>(rng() % 100) < zero_pct)
            continue;
        for (uint64_t b = 0; b < eb; ++b)
            d[i * eb + b] = static_cast<uint8_t>(rng());
        d[i * eb] |= 1;  // non-zero
    }
    return d;
}

void round_trip(const std::vector<uint8_t>& dense, const blob_shape& s) {
    const std::vector<uint8_t> blob = compress(dense.data(), s);
    const uint64_t nnz = count_nonzero(dense.data(), s);
    EXPECT_EQ(blob.size(), blob_bytes(s, nnz));
    std::vector<uint8_t> back(s.dense_bytes(), 0xee);
    const codec_result r = expand(blob.data(), blob.size(), s, back.data());
    ASSERT_TRUE(r.ok) << r.what;
    EXPECT_EQ(r.nnz, nnz);
    EXPECT_EQ(back, dense);
}

}  // namespace

TEST(weight_codec, round_trips_every_format_size_and_density) {
    std::mt19937 rng(7);
    for (unsigned bits : {8u, 16u, 32u})
        for (int zero_pct : {0, 30, 75, 100})
            for (uint32_t elements : {1u, 7u, 8u, 9u, 300u, 4096u}) {
                SCOPED_TRACE(std::to_string(bits) + " bits, " + std::to_string(zero_pct) +
                             "% zeros, " + std::to_string(elements) + " elements");
                const blob_shape bm = shape_of(elements, bits, cost::weight_format::bitmap);
                round_trip(make_dense(rng, bm, zero_pct), bm);
                for (uint32_t row : {1u, elements}) {
                    const blob_shape cs = shape_of(elements, bits, cost::weight_format::csr, row);
                    round_trip(make_dense(rng, cs, zero_pct), cs);
                }
            }
}

TEST(weight_codec, exact_layouts_by_hand) {
    // int8 {0, 5, 0, 0, 0, 0, 0, 0, 0, 7}: bitmap bytes 0x02 0x02, values 5 7.
    const std::vector<uint8_t> d = {0, 5, 0, 0, 0, 0, 0, 0, 0, 7};
    const blob_shape bm = shape_of(10, 8, cost::weight_format::bitmap);
    EXPECT_EQ(compress(d.data(), bm), (std::vector<uint8_t>{0x02, 0x02, 5, 7}));
    // CSR, 2 rows of 5: row_ptr {0, 1, 2}, cols {1, 4}, values {5, 7}.
    const blob_shape cs = shape_of(10, 8, cost::weight_format::csr, 5);
    EXPECT_EQ(compress(d.data(), cs),
              (std::vector<uint8_t>{0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 4, 0, 5, 7}));
    // int16 little-endian values; the first row empty.
    const std::vector<uint8_t> w = {0, 0, 0, 0, 0x34, 0x12, 0, 0};
    const blob_shape c16 = shape_of(4, 16, cost::weight_format::csr, 2);
    EXPECT_EQ(compress(w.data(), c16),
              (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x34, 0x12}));
    // fp32 -0.0 is a non-zero bit pattern and survives.
    const std::vector<uint8_t> f = {0, 0, 0, 0x80, 0, 0, 0, 0};
    const blob_shape b32 = shape_of(2, 32, cost::weight_format::bitmap);
    EXPECT_EQ(compress(f.data(), b32), (std::vector<uint8_t>{0x01, 0, 0, 0, 0x80}));
    // Sizes agree with the timing model's formulas (nnz = 2 of 10).
    EXPECT_EQ(blob_bytes(bm, 2), 2u + 2u);
    EXPECT_EQ(blob_bytes(cs, 2), 4u * 3 + 2u * 2 + 2u);
}

TEST(weight_codec, shape_rules) {
    EXPECT_TRUE(check_shape(shape_of(16, 8, cost::weight_format::bitmap)).ok);
    EXPECT_FALSE(check_shape(shape_of(0, 8, cost::weight_format::bitmap)).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 4, cost::weight_format::bitmap)).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 1, cost::weight_format::bitmap)).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 8, cost::weight_format::bitmap, 4)).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 8, static_cast<cost::weight_format>(0))).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 8, static_cast<cost::weight_format>(3))).ok);
    EXPECT_TRUE(check_shape(shape_of(16, 8, cost::weight_format::csr, 4)).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 8, cost::weight_format::csr, 0)).ok);
    EXPECT_FALSE(check_shape(shape_of(16, 8, cost::weight_format::csr, 5)).ok);
    EXPECT_TRUE(check_shape(shape_of(65536, 8, cost::weight_format::csr, 65536)).ok);
    EXPECT_FALSE(check_shape(shape_of(131074, 8, cost::weight_format::csr, 65537)).ok);
    const std::vector<uint8_t> d(4, 1);
    EXPECT_THROW(compress(d.data(), shape_of(4, 4, cost::weight_format::bitmap)),
                 std::invalid_argument);
}

TEST(weight_codec, malformed_blobs_are_rejected_and_nothing_is_written) {
    const std::vector<uint8_t> d = {0, 5, 0, 0, 0, 0, 0, 0, 0, 7};
    const blob_shape bm = shape_of(10, 8, cost::weight_format::bitmap);
    const blob_shape cs = shape_of(10, 8, cost::weight_format::csr, 5);
    const std::vector<uint8_t> good_bm = compress(d.data(), bm);
    const std::vector<uint8_t> good_cs = compress(d.data(), cs);
    auto rejected = [](std::vector<uint8_t> blob, const blob_shape& s, const char* why) {
        std::vector<uint8_t> out(s.dense_bytes(), 0xee);
        const codec_result r = expand(blob.data(), blob.size(), s, out.data());
        EXPECT_FALSE(r.ok) << why;
        EXPECT_FALSE(r.what.empty()) << why;
        EXPECT_EQ(out, std::vector<uint8_t>(s.dense_bytes(), 0xee)) << why;
    };
    auto edit = [](std::vector<uint8_t> b, std::size_t at, uint8_t v) {
        b[at] = v;
        return b;
    };
    // bitmap
    rejected({0x02}, bm, "shorter than the presence map");
    rejected(edit(good_bm, 1, 0x06), bm, "a set bit past element 10");
    rejected(edit(good_bm, 0, 0x03), bm, "more set bits than values");
    rejected({0x02, 0x02, 5, 7, 9}, bm, "trailing byte");
    rejected({0x02, 0x02, 5}, bm, "a value missing");
    // csr: row_ptr {0,1,2} cols {1,4} values {5,7}
    rejected({0, 0, 0, 0, 1, 0, 0}, cs, "shorter than the row pointers");
    rejected(edit(good_cs, 0, 1), cs, "row_ptr[0] != 0");
    rejected(edit(good_cs, 4, 3), cs, "row_ptr decreasing");
    rejected(edit(good_cs, 8, 9), cs, "nnz past the end");
    rejected(edit(good_cs, 12, 5), cs, "column index == row_len");
    rejected(edit(edit(good_cs, 4, 2), 14, 1), cs, "columns not increasing (1, 1 in row 0)");
    std::vector<uint8_t> longer = good_cs;
    longer.push_back(0);
    rejected(longer, cs, "trailing byte");
    // A row with more entries than row_len.
    const blob_shape tiny = shape_of(2, 8, cost::weight_format::csr, 1);
    rejected({0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 1}, tiny, "row over row_len");
    // A shape error is reported too.
    rejected(good_bm, shape_of(10, 12, cost::weight_format::bitmap), "12-bit elements");
}

// Random blobs, and canonical blobs of random tensors with one byte changed:
// expand() agrees with check_blob(), a blob it accepts is exactly as long as
// its layout says and holds every non-zero it expands to, and a blob it
// rejects writes nothing.
TEST(weight_codec, random_blobs_never_crash) {
    std::mt19937 rng(20261122);
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 3000; ++i) {
        const uint32_t elements = 1 + rng() % 64;
        const unsigned bits = 8u << (rng() % 3);
        const bool csr = rng() & 1;
        const blob_shape s =
            shape_of(elements, bits, csr ? cost::weight_format::csr : cost::weight_format::bitmap,
                     csr ? (rng() % 2 ? elements : 1) : 0);
        std::vector<uint8_t> blob(rng() % 96);
        if (i % 2 == 0) {
            std::vector<uint8_t> dense(s.dense_bytes());
            for (auto& b : dense)
                b = static_cast<uint8_t>(rng() % 3 == 0 ? rng() : 0);
            blob = compress(dense.data(), s);
            if (i % 4 == 0 && !blob.empty())
                blob[rng() % blob.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        } else {
            for (auto& b : blob)
                b = static_cast<uint8_t>(rng() % 3 == 0 ? rng() : rng() % 4);
        }
        std::vector<uint8_t> out(s.dense_bytes(), 0xa5);
        const codec_result r = expand(blob.data(), blob.size(), s, out.data());
        EXPECT_EQ(r.ok, check_blob(blob.data(), blob.size(), s).ok);
        if (r.ok) {
            ++accepted;
            EXPECT_EQ(blob.size(), blob_bytes(s, r.nnz));
            EXPECT_LE(count_nonzero(out.data(), s), r.nnz);
        } else {
            ++rejected;
            EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0xa5; }));
        }
    }
    EXPECT_GT(accepted, 300);
    EXPECT_GT(rejected, 300);
}

TEST(weight_codec, load_compressed_command_checks) {
    const uint64_t local = 0x1000;
    nncore_cmd::command c;
    c.op = nncore_cmd::opcode::load_compressed;
    c.tag = 2;
    c.compressed.blob.dram_addr = 0x8000'0000;
    c.compressed.blob.local_offset = 0x800;
    c.compressed.blob.len = 40;
    c.compressed.dest_offset = 0;
    c.compressed.elements = 256;
    c.compressed.elem_bits = 8;
    c.compressed.format = cost::weight_format::bitmap;
    ASSERT_TRUE(check_common(c).ok());
    blob_shape s;
    ASSERT_TRUE(check_compressed(c, local, s).ok());
    EXPECT_EQ(s.dense_bytes(), 256u);
    auto code = [&](void (*mutate)(nncore_cmd::command&)) {
        nncore_cmd::command m = c;
        mutate(m);
        blob_shape ignored;
        const check_result cr = check_common(m);
        return cr.ok() ? check_compressed(m, local, ignored).code : cr.code;
    };
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.tag = 16; }), error_code::bad_field);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.reserved = 1; }),
              error_code::bad_field);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.raw[60] = 1; }), error_code::bad_field);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.flags = 1; }), error_code::bad_field);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.blob.len = 0; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.blob.count1 = 2; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.blob.dram_addr = ~0ull; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.elem_bits = 4; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.format = {}; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.elements = 0; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.row_len = 16; }),
              error_code::bad_compressed);
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.blob.local_offset = 0xff0; }),
              error_code::bad_compressed);  // staging past the end
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.dest_offset = 0xf80; }),
              error_code::bad_compressed);  // destination past the end
    EXPECT_EQ(code([](nncore_cmd::command& m) { m.compressed.dest_offset = 0x710; }),
              error_code::bad_compressed);  // overlapping
    EXPECT_STREQ(to_string(nncore_cmd::opcode::load_compressed), "load_compressed");
    EXPECT_STREQ(to_string(error_code::bad_compressed), "bad_compressed");
}
