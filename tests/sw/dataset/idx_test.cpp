// The IDX reader and the image / label loaders: values, limits, and a clear
// error for every kind of malformed file.
#include "sw/dataset/idx.h"

#include <gtest/gtest.h>

#include "sw/dataset/labelled_images.h"
#include "tests/sw/dataset/temp_files.h"

namespace {

using namespace nnvp;
using namespace nnvp::dataset;
using test::bytes;
using test::idx_file;
using test::idx_header;
using test::write_gz;
using test::write_plain;

// Expects `f` to throw idx_error whose message contains every fragment.
template <typename F>
void expect_error(F f, const std::vector<std::string>& fragments) {
    try {
        f();
        ADD_FAILURE() << "no idx_error";
    } catch (const idx_error& e) {
        for (const std::string& s : fragments)
            EXPECT_NE(std::string(e.what()).find(s), std::string::npos)
                << "'" << s << "' not in: " << e.what();
    }
}

TEST(idx, reads_plain_and_gzip_alike) {
    const bytes file = idx_file(0x08, {2, 3}, {1, 2, 3, 4, 5, 6});
    for (const std::string& p : {write_plain("a.idx", file), write_gz("a.idx.gz", file)}) {
        const idx_array a = read_idx(p);
        EXPECT_EQ(a.type, idx_type::u8);
        EXPECT_EQ(a.dims, (std::vector<uint32_t>{2, 3}));
        EXPECT_EQ(a.data, (bytes{1, 2, 3, 4, 5, 6}));
        EXPECT_EQ(a.count(), 6u);
    }
}

TEST(idx, multi_byte_types_size_the_data) {
    const idx_array a =
        read_idx(write_plain("s16.idx", idx_file(0x0B, {3}, {0, 1, 0, 2, 0xff, 0xff})));
    EXPECT_EQ(a.type, idx_type::s16);
    EXPECT_EQ(a.data.size(), 6u);
    expect_error(
        [] {
            read_idx(write_plain("f32.idx", idx_file(0x0D, {2}, {0, 0, 0, 0})));
        },
        {"data", "declares 8 bytes", "holds 4", "truncated"});
}

TEST(idx, images_scale_to_unit_range_nhwc) {
    const std::string p = write_gz(
        "img.gz", idx_file(0x08, {2, 2, 3}, {0, 51, 255, 1, 2, 3, 10, 20, 30, 40, 50, 60}));
    const nn::tensor t = load_images(p);
    EXPECT_EQ(t.shape(), (nn::shape4{2, 2, 3, 1}));
    EXPECT_EQ(t.get_float(0), 0.0f);
    EXPECT_EQ(t.get_float(1), 51.0f / 255.0f);
    EXPECT_EQ(t.get_float(2), 1.0f);
    EXPECT_EQ(t.get_float(11), 60.0f / 255.0f);
    const nn::tensor head = load_images(p, 1);
    EXPECT_EQ(head.shape(), (nn::shape4{1, 2, 3, 1}));
    EXPECT_EQ(head.get_float(5), 3.0f / 255.0f);
}

TEST(idx, labels_and_pairs) {
    const std::string img = write_plain("pair_img.idx", idx_file(0x08, {3, 1, 1}, {7, 8, 9}));
    const std::string lab = write_plain("pair_lab.idx", idx_file(0x08, {3}, {2, 0, 9}));
    const labelled_images d = load_labelled(img, lab, 10, 2);
    EXPECT_EQ(d.images.shape().n, 2);
    EXPECT_EQ(d.labels, (std::vector<uint8_t>{2, 0}));
    EXPECT_EQ(d.images.get_float(1), 8.0f / 255.0f);
}

TEST(idx_errors, missing_file) {
    expect_error([] { read_idx("/nonexistent/nnvp/x.idx"); },
                 {"/nonexistent/nnvp/x.idx", "cannot open"});
}

TEST(idx_errors, shorter_than_magic) {
    expect_error(
        [] {
            read_idx(write_plain("short.idx", {0, 0}));
        },
        {"short.idx", "magic", "holds 2 bytes"});
}

TEST(idx_errors, bad_magic) {
    expect_error(
        [] {
            read_idx(write_plain("png.idx", {0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1}));
        },
        {"png.idx", "magic", "0x89 0x50", "expected 0x00 0x00"});
}

TEST(idx_errors, unknown_type_code) {
    expect_error([] { read_idx(write_plain("t07.idx", idx_file(0x07, {1}, {0}))); },
                 {"magic", "type code 0x07 unknown"});
}

TEST(idx_errors, dimension_count) {
    expect_error([] { read_idx(write_plain("d0.idx", idx_header(0x08, {}))); },
                 {"0 dimensions", "expected 1 to 4"});
    expect_error(
        [] {
            read_idx(write_plain("d5.idx", idx_header(0x08, {1, 1, 1, 1, 1})));
        },
        {"5 dimensions"});
    expect_error(
        [] {
            read_idx(write_plain("dz.idx", idx_header(0x08, {3, 0})));
        },
        {"dims[1] is 0", "expected >= 1"});
    expect_error(
        [] {
            read_idx(write_plain("dcut.idx", {0, 0, 8, 3, 0, 0, 0, 2, 0}));
        },
        {"dims", "ends inside the 3 dimension sizes"});
}

TEST(idx_errors, too_big) {
    // 4G x 4G x 4G elements: the checked product stops at the limit.
    expect_error(
        [] {
            read_idx(
                write_plain("huge.idx", idx_header(0x08, {0xffffffffu, 0xffffffffu, 0xffffffffu})));
        },
        {"huge.idx", "exceed the limit of 268435456 bytes"});
    expect_error([] { read_idx(write_plain("lim.idx", idx_file(0x08, {10}, bytes(10))), 9); },
                 {"exceed the limit of 9 bytes", "dims[0] = 10"});
}

TEST(idx_errors, truncated_and_trailing_data) {
    expect_error(
        [] {
            read_idx(write_plain("trunc.idx", idx_file(0x08, {2, 5}, bytes(7))));
        },
        {"trunc.idx", "declares 10 bytes", "holds 7", "truncated"});
    expect_error([] { read_idx(write_plain("trail.idx", idx_file(0x08, {4}, bytes(5)))); },
                 {"trail.idx", "trailing bytes after the 4"});
}

TEST(idx_errors, truncated_and_corrupt_gzip) {
    bytes gz = test::gzip_bytes(idx_file(0x08, {64}, bytes(64, 3)));
    gz.resize(gz.size() - 10);  // cut into the deflate data and trailer
    expect_error([&] { read_idx(write_plain("cut.gz", gz)); },
                 {"cut.gz", "gzip stream is truncated"});
    bytes bad = test::gzip_bytes(idx_file(0x08, {64}, bytes(64, 3)));
    bad[bad.size() - 6] ^= 0xff;  // CRC-32 of the trailer
    expect_error([&] { read_idx(write_plain("crc.gz", bad)); },
                 {"crc.gz", "gzip stream is corrupt"});
}

TEST(idx_errors, images_need_three_byte_dims) {
    expect_error([] { load_images(write_plain("img1d.idx", idx_file(0x08, {4}, bytes(4)))); },
                 {"img1d.idx", "1 dimensions, expected 3 (count, rows, cols)"});
    expect_error(
        [] {
            load_images(write_plain("imgf.idx", idx_file(0x0D, {1, 1, 1}, bytes(4))));
        },
        {"imgf.idx", "type is float32, expected unsigned byte"});
}

TEST(idx_errors, labels_need_one_dim_and_range) {
    expect_error(
        [] {
            load_labels(write_plain("lab2d.idx", idx_file(0x08, {2, 1}, bytes(2))), 10);
        },
        {"lab2d.idx", "2 dimensions, expected 1"});
    expect_error(
        [] {
            load_labels(write_plain("lab12.idx", idx_file(0x08, {3}, {1, 2, 12})), 10);
        },
        {"lab12.idx", "label 12 at index 2", "expected 0 to 9"});
}

TEST(idx_errors, label_count_mismatch) {
    const std::string img = write_plain("mm_img.idx", idx_file(0x08, {3, 1, 1}, {1, 2, 3}));
    const std::string lab = write_plain("mm_lab.idx", idx_file(0x08, {2}, {0, 1}));
    expect_error([&] { load_labelled(img, lab, 10); },
                 {"mm_lab.idx", "2 labels, expected 3", "mm_img.idx"});
}

TEST(idx_errors, fmnist_split_and_image_size) {
    expect_error([] { load_fmnist(fmnist_default_dir, "test"); },
                 {"split 'test'", "expected 'train' or 't10k'"});
    const std::string dir = std::filesystem::path(test::temp_path("x")).parent_path().string();
    write_gz("t10k-images-idx3-ubyte.gz", idx_file(0x08, {1, 2, 2}, bytes(4)));
    write_gz("t10k-labels-idx1-ubyte.gz", idx_file(0x08, {1}, {0}));
    expect_error([&] { load_fmnist(dir, "t10k"); }, {"images are 2x2, expected 28x28"});
}

// The Debian package's files (installed by tools/setup.sh).
TEST(fmnist_files, test_split_loads) {
    const labelled_images d = load_fmnist(fmnist_default_dir, "t10k");
    EXPECT_EQ(d.images.shape(), (nn::shape4{10000, 28, 28, 1}));
    ASSERT_EQ(d.labels.size(), 10000u);
    // Every class has 1,000 test images (Xiao et al. 2017, table 1).
    std::vector<int> per_class(10, 0);
    for (uint8_t l : d.labels)
        ++per_class[l];
    for (int c = 0; c < 10; ++c)
        EXPECT_EQ(per_class[c], 1000) << fmnist_class_names()[c];
    EXPECT_EQ(d.labels[0], 9);  // the first test image is an ankle boot
    EXPECT_EQ(fmnist_class_names()[9], "Ankle boot");
}

}  // namespace
