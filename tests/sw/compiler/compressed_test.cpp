// Compressed weights in the compiler: the LOAD_COMPRESSED encoding, the weight
// format choice (weight_blob.h), and single_layer_program with bitmap / CSR /
// automatic weights whose interpreted output equals ref::execute bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "arch/nncore/stream.h"
#include "sw/compiler/weight_blob.h"
#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::compiler;
using namespace nnvp::nncore_cmd;
using cost::weight_format;
using ref::act_kind;
using ref::op_kind;
using ref::precision;
using nn::shape4;

namespace {

// Zeroes `pct` % of the elements of `w` (deterministic).
void sparsify(nn::tensor& w, int pct, unsigned seed) {
    std::mt19937 rng(seed);
    for (std::size_t i = 0; i < w.size(); ++i)
        if (static_cast<int>(rng() % 100) < pct) {
            if (nn::is_float(w.type()))
                w.set_float(i, 0.0f);
            else
                w.set_int(i, 0);
        }
}

struct sparse_case {
    ref::layer l;
    nn::tensor x, w, b;
};

sparse_case conv_case(precision p, int zero_pct, unsigned seed, shape4 in = {1, 12, 10, 8},
                      int oc = 8) {
    sparse_case c;
    c.l = test::make_layer(op_kind::conv2d, p, oc, act_kind::relu, true);
    c.l.geo.kernel_h = c.l.geo.kernel_w = 3;
    c.l.geo.pad_top = c.l.geo.pad_bottom = c.l.geo.pad_left = c.l.geo.pad_right = 1;
    c.l.has_bias = true;
    test::lower(c.l);
    std::mt19937 rng(seed);
    c.x = test::random_tensor(rng, ref::input_type(c.l), in);
    c.w = test::random_tensor(rng, ref::weight_type(c.l), {oc, 3, 3, in.c}, -7, 7);
    sparsify(c.w, zero_pct, seed + 1);
    c.b = test::random_tensor(rng, ref::bias_type(c.l), {1, 1, 1, oc}, -300, 300);
    return c;
}

struct run {
    program prog;
    interpreter_stats stats;
};

run interpret(const sparse_case& c, cost::weight_format f, buffer_sizes buf = {2, 8, 2}) {
    program_options opt;
    opt.dram_base = 0x8000'0000;
    opt.weight_format = f;
    run r;
    r.prog = single_layer_program(c.l, c.x, &c.w, &c.b, buf, opt);
    std::vector<uint8_t> dram = r.prog.image;
    stream_interpreter it(dram, opt.dram_base, buf.local_bytes());
    r.stats = it.run(r.prog.stream);
    const nn::tensor got = read_output(r.prog, dram);
    const nn::tensor want = ref::execute(c.l, c.x, &c.w, &c.b);
    EXPECT_EQ(got.bytes(), want.bytes()) << c.l.name << " " << to_string(f);
    return r;
}

}  // namespace

TEST(compressed_weights, load_compressed_encodes_at_the_struct_offsets_and_round_trips) {
    nncore_cmd::compressed_cmd z{};
    z.blob = contiguous(0x1122334455667788ull, 0x400, 0x99);
    z.dest_offset = 0xabcd;
    z.elements = 0x12345;
    z.elem_bits = 16;
    z.format = cost::weight_format::csr;
    z.row_len = 0x321;
    const nncore_cmd::command c = make_load_compressed(z, 7);
    uint8_t bytes[128];
    encode(c, bytes);
    EXPECT_EQ(bytes[0], 4);  // opcode
    EXPECT_EQ(bytes[offsetof(nncore_cmd::command, tag)], 7);
    const uint8_t* b = bytes + 8;
    uint32_t v32;
    std::memcpy(&v32, b + offsetof(nncore_cmd::compressed_cmd, dest_offset), 4);
    EXPECT_EQ(v32, 0xabcdu);
    std::memcpy(&v32, b + offsetof(nncore_cmd::compressed_cmd, elements), 4);
    EXPECT_EQ(v32, 0x12345u);
    EXPECT_EQ(b[offsetof(nncore_cmd::compressed_cmd, elem_bits)], 16);
    EXPECT_EQ(b[offsetof(nncore_cmd::compressed_cmd, format)], 2);
    std::memcpy(&v32, b + offsetof(nncore_cmd::compressed_cmd, row_len), 4);
    EXPECT_EQ(v32, 0x321u);
    for (std::size_t i = 8 + sizeof(nncore_cmd::compressed_cmd); i < 128; ++i)
        EXPECT_EQ(bytes[i], 0) << i;
    const nncore_cmd::command d = decode(bytes);
    EXPECT_EQ(std::memcmp(&d, &c, sizeof c), 0);
    EXPECT_STREQ(to_string(nncore_cmd::opcode::load_compressed), "load_compressed");
    stream_writer w;
    EXPECT_THROW(w.load_compressed(z, 16), std::invalid_argument);
}

TEST(compressed_weights, format_names_and_choice) {
    EXPECT_EQ(cost::parse_weight_format("csr"), cost::weight_format::csr);
    EXPECT_EQ(cost::parse_weight_format("automatic"), cost::weight_format::automatic);
    EXPECT_THROW(cost::parse_weight_format("rle"), std::invalid_argument);
    EXPECT_EQ(csr_row_len(8 * 72, 8), 72u);
    EXPECT_EQ(csr_row_len(2 * 131072, 2), 65536u);  // filter of 2^17: halves
    EXPECT_EQ(csr_row_len(131071, 1), 1u);          // a prime: one per row
    std::mt19937 rng(3);
    nn::tensor dense = test::random_tensor(rng, nn::dtype::int8, {8, 3, 3, 8}, 1, 7);
    EXPECT_EQ(encode_weights(dense, 8, cost::weight_format::automatic).format, cost::weight_format::dense);
    nn::tensor sparse = dense;
    sparsify(sparse, 75, 4);
    const weight_blob a = encode_weights(sparse, 8, cost::weight_format::automatic);
    const weight_blob bm = encode_weights(sparse, 8, cost::weight_format::bitmap);
    const weight_blob cs = encode_weights(sparse, 8, cost::weight_format::csr);
    EXPECT_EQ(bm.blob.size(),
              nncore_cmd::blob_bytes(bm.shape, nncore_cmd::count_nonzero(sparse.bytes().data(), bm.shape)));
    EXPECT_EQ(a.stored_bytes(), std::min(bm.blob.size(), cs.blob.size()));
    EXPECT_LT(a.stored_bytes(), a.dense_bytes);
    EXPECT_EQ(cs.shape.row_len, 72u);
    // All-zero weights: CSR is row pointers only and wins.
    nn::tensor zero(nn::dtype::int8, {8, 3, 3, 8});
    const weight_blob z = encode_weights(zero, 8, cost::weight_format::automatic);
    EXPECT_EQ(z.format, cost::weight_format::csr);
    EXPECT_EQ(z.blob.size(), 4u * 9);
    // int4 / binary stay dense whatever is asked.
    nn::tensor w4 = test::random_tensor(rng, nn::dtype::int4, {4, 1, 1, 8});
    EXPECT_EQ(encode_weights(w4, 4, cost::weight_format::bitmap).format, cost::weight_format::dense);
}

TEST(compressed_weights, sparse_int8_conv_every_format_matches_reference) {
    const sparse_case c = conv_case(precision::int8, 75, 11);
    const run dense = interpret(c, cost::weight_format::dense);
    EXPECT_EQ(dense.stats.compressed_loads, 0u);
    for (cost::weight_format f :
         {cost::weight_format::bitmap, cost::weight_format::csr, cost::weight_format::automatic}) {
        const run r = interpret(c, f);
        const weight_blob wb = encode_weights(c.w, c.l.out_channels, f);
        EXPECT_EQ(r.prog.weight_format, wb.format);
        EXPECT_NE(r.prog.weight_format, cost::weight_format::dense);
        EXPECT_EQ(r.prog.dram.weight_bytes, wb.blob.size());
        EXPECT_EQ(r.prog.dram.weight_dense_bytes, c.w.bytes().size());
        EXPECT_EQ(r.stats.compressed_loads, 1u);
        EXPECT_EQ(r.stats.bytes_expanded, c.w.bytes().size());
        // The DRAM bytes the program loads drop by exactly the saving.
        EXPECT_EQ(r.stats.bytes_loaded + c.w.bytes().size(),
                  dense.stats.bytes_loaded + wb.blob.size());
        // The DRAM image holds the blob.
        const std::size_t at = static_cast<std::size_t>(r.prog.dram.weights - 0x8000'0000);
        EXPECT_TRUE(std::equal(wb.blob.begin(), wb.blob.end(), r.prog.image.begin() + at));
    }
}

TEST(compressed_weights, fp32_fp16_int16_conv_and_fc_with_compressed_weights) {
    for (precision p : {precision::fp32, precision::fp16, precision::int16}) {
        const sparse_case c = conv_case(p, 60, 20 + static_cast<unsigned>(p));
        for (cost::weight_format f : {cost::weight_format::bitmap, cost::weight_format::csr})
            EXPECT_NE(interpret(c, f).prog.weight_format, cost::weight_format::dense);
    }
    // fully_connected, int8, several tiles over images.
    sparse_case c;
    c.l = test::make_layer(op_kind::fully_connected, precision::int8, 10, act_kind::none, true);
    c.l.has_bias = true;
    test::lower(c.l);
    std::mt19937 rng(30);
    c.x = test::random_tensor(rng, ref::input_type(c.l), {6, 4, 4, 8});
    c.w = test::random_tensor(rng, ref::weight_type(c.l), {10, 1, 1, 128}, -7, 7);
    sparsify(c.w, 80, 31);
    c.b = test::random_tensor(rng, ref::bias_type(c.l), {1, 1, 1, 10}, -300, 300);
    for (cost::weight_format f :
         {cost::weight_format::bitmap, cost::weight_format::csr, cost::weight_format::automatic})
        EXPECT_NE(interpret(c, f, {1, 4, 1}).prog.weight_format, cost::weight_format::dense);
}

TEST(compressed_weights, staging_falls_back_to_the_output_buffer_then_dense) {
    const sparse_case c = conv_case(precision::int8, 50, 40, {1, 6, 6, 16}, 16);
    // 16x3x3x16 = 2304 dense bytes + bias + tables fit a 3 KiB weight buffer,
    // a bitmap blob (288 + ~1152 bytes) after them does not: it is staged at
    // the start of the 2 KiB output buffer.
    const weight_blob bm = encode_weights(c.w, 16, cost::weight_format::bitmap);
    ASSERT_LE(bm.blob.size(), 2048u);
    ASSERT_GT(bm.blob.size(), 3072u - 2304u);
    const run r = interpret(c, cost::weight_format::bitmap, {2, 3, 2});
    EXPECT_EQ(r.prog.local.weight_staging, r.prog.local.output_region);
    const run a = interpret(c, cost::weight_format::automatic, {2, 3, 2});
    EXPECT_EQ(a.prog.weight_format, cost::weight_format::bitmap);
    // CSR (4 * 17 + ~1152 * 3 bytes) fits neither: rejected when asked for.
    const weight_blob cs = encode_weights(c.w, 16, cost::weight_format::csr);
    ASSERT_GT(cs.blob.size(), 2048u);
    program_options opt;
    opt.weight_format = cost::weight_format::csr;
    EXPECT_THROW(single_layer_program(c.l, c.x, &c.w, &c.b, {2, 3, 2}, opt), std::invalid_argument);
    // Dense weights: automatic keeps them dense (compression does not pay).
    const sparse_case d = conv_case(precision::int8, 0, 41, {1, 6, 6, 16}, 16);
    EXPECT_EQ(interpret(d, cost::weight_format::automatic, {2, 3, 2}).prog.weight_format,
              cost::weight_format::dense);
}

TEST(compressed_weights, interpreter_rejects_a_corrupted_blob_and_early_reads) {
    const sparse_case c = conv_case(precision::int8, 75, 50);
    program_options opt;
    opt.dram_base = 0x8000'0000;
    opt.weight_format = cost::weight_format::bitmap;
    const buffer_sizes buf{2, 8, 2};
    const program p = single_layer_program(c.l, c.x, &c.w, &c.b, buf, opt);
    std::vector<uint8_t> dram = p.image;
    // Clear a presence bit: one value too many for the map.
    const std::size_t at = static_cast<std::size_t>(p.dram.weights - opt.dram_base);
    std::size_t i = 0;
    while (dram[at + i] == 0)
        ++i;
    dram[at + i] = static_cast<uint8_t>(dram[at + i] & (dram[at + i] - 1));
    stream_interpreter it(dram, opt.dram_base, buf.local_bytes());
    try {
        it.run(p.stream);
        FAIL() << "a corrupted blob was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("command 0: load_compressed: bad blob"),
                  std::string::npos)
            << e.what();
    }
    // A compute reading the destination before the BARRIER is a hazard.
    std::vector<uint8_t> dram2 = p.image;
    parsed_stream s = parse_stream(p.stream.data(), p.stream.size());
    stream_writer w;
    for (const auto& cmd : s.commands)
        if (cmd.op != nncore_cmd::opcode::barrier || cmd.barrier_mask == 0xffff)
            w.append(cmd);
    stream_interpreter it2(dram2, opt.dram_base, buf.local_bytes());
    EXPECT_THROW(it2.run(w.bytes()), std::runtime_error);
}
