// The weights file format: round trip, and a clear error for every damaged
// field (tests re-seal the CRC where they damage something else).
#include "sw/dataset/weights_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "sw/dataset/fmnist_model.h"
#include "sw/net/weights.h"
#include "nn/tensor/endian.h"
#include "tests/sw/dataset/temp_files.h"

namespace {

using namespace nnvp;
using namespace nnvp::dataset;
using test::bytes;

nn::tensor filled(nn::shape4 s, float start) {
    nn::tensor t(nn::dtype::fp32, s);
    for (std::size_t i = 0; i < t.size(); ++i)
        t.set_float(i, start + 0.5f * static_cast<float>(i));
    return t;
}

std::vector<named_tensor> sample() {
    return {{"a.weight", filled({2, 1, 1, 3}, -1.0f)}, {"a.bias", filled({1, 1, 1, 2}, 7.0f)}};
}

// Recomputes the trailing CRC-32 after an edit.
void reseal(bytes& b) {
    const uint32_t crc = static_cast<uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), b.data(), static_cast<uInt>(b.size() - 4)));
    nn::store_le<uint32_t>(b.data() + b.size() - 4, crc);
}

template <typename F>
void expect_error(F f, const std::vector<std::string>& fragments) {
    try {
        f();
        ADD_FAILURE() << "no weights_error";
    } catch (const weights_error& e) {
        for (const std::string& s : fragments)
            EXPECT_NE(std::string(e.what()).find(s), std::string::npos)
                << "'" << s << "' not in: " << e.what();
    }
}

TEST(weights_file, layout_is_as_documented) {
    const bytes b = encode_weights(sample());
    // 8 magic + 4 version + 4 count, then (4 + 8 + 16 + 24) and (4 + 6 + 16 + 8), then CRC.
    ASSERT_EQ(b.size(), 16u + 52u + 34u + 4u);
    EXPECT_EQ(std::string(b.begin(), b.begin() + 7), "NNVPWGT");
    EXPECT_EQ(b[7], 0);
    EXPECT_EQ(nn::load_le<uint32_t>(b.data() + 8), 1u);
    EXPECT_EQ(nn::load_le<uint32_t>(b.data() + 12), 2u);
    EXPECT_EQ(nn::load_le<uint32_t>(b.data() + 16), 8u);
    EXPECT_EQ(std::string(b.begin() + 20, b.begin() + 28), "a.weight");
    EXPECT_EQ(nn::load_le<uint32_t>(b.data() + 28), 2u);           // n
    EXPECT_EQ(nn::load_le<uint32_t>(b.data() + 40), 3u);           // c
    EXPECT_EQ(nn::load_le<uint32_t>(b.data() + 44), 0xbf800000u);  // -1.0f
}

TEST(weights_file, round_trip_through_a_file) {
    const std::string p = test::temp_path("rt.nnw");
    write_weights(p, sample());
    const std::vector<named_tensor> back = read_weights(p);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].name, "a.weight");
    EXPECT_EQ(back[0].value.shape(), (nn::shape4{2, 1, 1, 3}));
    EXPECT_EQ(back[0].value.bytes(), sample()[0].value.bytes());
    EXPECT_EQ(back[1].value.get_float(1), 7.5f);
    EXPECT_EQ(find_tensor(back, "a.bias", {1, 1, 1, 2}, p).get_float(0), 7.0f);
}

TEST(weights_file_errors, bad_magic_and_version) {
    bytes b = encode_weights(sample());
    b[0] = 'X';
    expect_error([&] { decode_weights(b, "m.nnw"); }, {"'m.nnw'", "magic", "NNVPWGT"});
    b = encode_weights(sample());
    nn::store_le<uint32_t>(b.data() + 8, 2);
    reseal(b);
    expect_error([&] { decode_weights(b, "v.nnw"); }, {"'v.nnw'", "version: 2, expected 1"});
}

TEST(weights_file_errors, checksum) {
    bytes b = encode_weights(sample());
    b[50] ^= 0x01;  // one bit of a weight
    expect_error([&] { decode_weights(b, "c.nnw"); }, {"'c.nnw'", "checksum", "corrupt"});
    b = encode_weights(sample());
    b.resize(b.size() - 9);
    expect_error([&] { decode_weights(b, "t.nnw"); }, {"checksum"});
    expect_error([&] { decode_weights(bytes(b.begin(), b.begin() + 12), "h.nnw"); },
                 {"12 bytes, expected at least 20", "truncated"});
}

TEST(weights_file_errors, structure_behind_a_valid_checksum) {
    bytes b = encode_weights(sample());
    nn::store_le<uint32_t>(b.data() + 12, 0);
    reseal(b);
    expect_error([&] { decode_weights(b, "n.nnw"); }, {"tensor count: 0, expected 1 to 1024"});

    b = encode_weights(sample());
    nn::store_le<uint32_t>(b.data() + 16, 300);
    reseal(b);
    expect_error([&] { decode_weights(b, "l.nnw"); }, {"tensor 0 name length: 300"});

    b = encode_weights(sample());
    nn::store_le<uint32_t>(b.data() + 28, 0);
    reseal(b);
    expect_error([&] { decode_weights(b, "z.nnw"); }, {"tensor 'a.weight' shape[0]: 0"});

    b = encode_weights(sample());
    nn::store_le<uint32_t>(b.data() + 28, 0x7fffffff);
    nn::store_le<uint32_t>(b.data() + 32, 0x7fffffff);
    reseal(b);
    expect_error([&] { decode_weights(b, "big.nnw"); },
                 {"tensor 'a.weight' shape", "more elements than the file holds"});

    b = encode_weights(sample());
    b.insert(b.end() - 4, {1, 2, 3});
    reseal(b);
    expect_error([&] { decode_weights(b, "x.nnw"); }, {"3 unexpected bytes after the last tensor"});

    b = encode_weights({{"a", filled({1, 1, 1, 1}, 0)}, {"a", filled({1, 1, 1, 1}, 0)}});
    expect_error([&] { decode_weights(b, "d.nnw"); }, {"tensor 'a': name appears twice"});
}

TEST(weights_file_errors, missing_tensor_or_wrong_shape) {
    const std::vector<named_tensor> t = sample();
    expect_error(
        [&] {
            find_tensor(t, "a.bias", {1, 1, 1, 3}, "s.nnw");
        },
        {"'s.nnw'", "tensor 'a.bias' shape is [1,1,1,2], expected [1,1,1,3]"});
    expect_error(
        [&] {
            find_tensor(t, "b.weight", {1, 1, 1, 1}, "s.nnw");
        },
        {"tensor 'b.weight' missing"});
    expect_error([] { read_weights("/nonexistent/w.nnw"); }, {"/nonexistent/w.nnw", "cannot open"});
    expect_error([] { encode_weights({{"", filled({1, 1, 1, 1}, 0)}}); }, {"printable"});
}

TEST(weights_file_errors, fmnist_lenet_checks_every_tensor) {
    // A valid file with the wrong tensors for the network.
    const std::string p = test::temp_path("other.nnw");
    write_weights(p, sample());
    expect_error([&] { fmnist_lenet(p); }, {"other.nnw", "2 tensors, expected 10"});

    net::graph g = fmnist_lenet_architecture();
    net::materialize_weights(g, 1);
    std::vector<named_tensor> params = graph_parameters(g);
    ASSERT_EQ(params[2].name, "conv2.weight");
    params[2].value = filled({16, 5, 5, 3}, 0.0f);  // conv2.weight with 3 input channels
    write_weights(p, params);
    expect_error([&] { fmnist_lenet(p); },
                 {"tensor 'conv2.weight' shape is [16,5,5,3], expected [16,5,5,6]"});
}

}  // namespace
