// The runtime without simulation: the CPU cost model by hand, softmax, and a
// whole package whose steps all run on the CPU over a fake HAL (its memory is
// a byte map), with the exact cycles it annotates.
#include <gtest/gtest.h>

#include <cmath>

#include "firmware/runtime/cpu_cost_model.h"
#include "firmware/runtime/cpu_ops.h"
#include "firmware/runtime/nn_runtime.h"
#include "arch/nncore/layer_codec.h"
#include "sw/compiler/reference.h"
#include "sw/compiler/sample_network.h"
#include "arch/package/package_format.h"
#include "tests/support/fake_hal.h"

using namespace nnvp;
using namespace nnvp::fw;

namespace {

constexpr uint64_t dram_base = 0x80000000;
constexpr uint64_t load_at = dram_base + 0x100000, arena_at = dram_base + 0x200000;

memory_map test_map() {
    memory_map m;
    m.regions = {{"intc", 0x40000000, 0x1000, -1},
                 {"nncore", 0x40004000, 0x1000, 4},
                 {"dram", dram_base, 1ull << 30, -1}};
    return m;
}

nncore_cmd::decoded_layer decoded(const ref::layer& l, const nn::shape4& in) {
    const nncore_cmd::encoded_layer e = nncore_cmd::encode_layer(l, in, {});
    return nncore_cmd::decode(e.cmd, e.table.data(), e.table.size());
}

// Every op of the sample network on the CPU: cycles by hand from the
// defaults (int8 MAC 2 cycles, element 3, softmax 40 per element, 200 per step).
//   conv1: 16x16x16 outputs x 9 x 8 = 294912 MACs -> 589824 + 4096 x 3 + 200 = 602312
//   conv2: 8x8x32 outputs x 9 x 16 = 294912 MACs  -> 589824 + 2048 x 3 + 200 = 596168
//   gap:   8x8x32 input elements x 3 + 200                                  =   6344
//   fc:    10 x 32 = 320 MACs -> 640 + 10 x 3 + 200                         =    870
//   softmax: 10 x 40 + 200                                                  =    600
constexpr uint64_t sample_cycles[5] = {602312, 596168, 6344, 870, 600};

}  // namespace

TEST(cpu_cost_model, hand_computed_cycles) {
    const compiler::network net = compiler::tiny_classifier(7);
    const cpu_cost_model m;
    EXPECT_EQ(layer_cycles(m, decoded(net.ops[0].layer, {1, 16, 16, 8})), sample_cycles[0]);
    EXPECT_EQ(layer_cycles(m, decoded(net.ops[1].layer, {1, 16, 16, 16})), sample_cycles[1]);
    EXPECT_EQ(layer_cycles(m, decoded(net.ops[2].layer, {1, 8, 8, 32})), sample_cycles[2]);
    EXPECT_EQ(layer_cycles(m, decoded(net.ops[3].layer, {1, 1, 1, 32})), sample_cycles[3]);
    EXPECT_EQ(softmax_cycles(m, 10), sample_cycles[4]);
    EXPECT_EQ(copy_cycles(m, 33), 200u + 5u);  // 33 x 0.125 = 4.125 -> 5
    EXPECT_EQ(checksum_cycles(m, 1001), 2002u);
    cpu_cost_model fp;
    fp.mac_millicycles[0] = 4500;  // fp32: 4.5 cycles per MAC
    ref::layer l = net.ops[3].layer;
    l.prec = ref::precision::fp32;
    l.out_mult.clear();
    // 320 MACs x 4.5 + 10 x 3 + 200 = 1670
    EXPECT_EQ(layer_cycles(fp, decoded(l, {1, 1, 1, 32})), 1670u);
}

TEST(cpu_ops, softmax_of_int8_and_fp32) {
    nn::tensor q(nn::dtype::int8, {1, 1, 2, 3});
    const int v[] = {0, 10, -10, 5, 5, 5};
    for (std::size_t i = 0; i < 6; ++i)
        q.set_int(i, v[i]);
    const nn::tensor y = softmax(q, {0.1f, 0});
    // Row 0: logits 0, 1, -1.
    const double s = 1 + std::exp(1.0) + std::exp(-1.0);
    EXPECT_NEAR(y.get_float(0), 1 / s, 1e-7);
    EXPECT_NEAR(y.get_float(1), std::exp(1.0) / s, 1e-7);
    EXPECT_NEAR(y.get_float(2), std::exp(-1.0) / s, 1e-7);
    for (std::size_t i = 3; i < 6; ++i)
        EXPECT_NEAR(y.get_float(i), 1.0 / 3, 1e-7);
    nn::tensor f(nn::dtype::fp32, {1, 1, 1, 2});
    f.set_float(0, 1000.0f);  // no overflow: the max is subtracted
    f.set_float(1, 1000.0f);
    EXPECT_EQ(softmax(f, {}).get_float(0), 0.5f);
    EXPECT_THROW(softmax(nn::tensor(nn::dtype::int16, {1, 1, 1, 2}), {}), std::invalid_argument);
}

namespace {

struct cpu_only_fixture {
    test::fake_hal hal{test_map()};
    intc_driver intc{hal, 0x40000000};
    nncore_driver core{hal, 0x40004000};
    compiler::network net = compiler::tiny_classifier(7);
    compiler::built_package pkg;

    cpu_only_fixture() {
        compiler::build_options o;
        o.load_address = load_at;
        o.arena_base = arena_at;
        o.core_precisions = 0;  // the core runs nothing: every layer on the CPU
        o.reuse_arena = false;  // every intermediate survives the run, for checking
        pkg = compiler::build(net, o);
        hal.write_block(load_at, pkg.image.data(), pkg.image.size());
    }
};

}  // namespace

TEST(nn_runtime, cpu_only_package_runs_with_exact_cycles) {
    cpu_only_fixture f;
    nn_runtime rt(f.hal, f.intc, f.core, cpu_cost_model{});
    ASSERT_EQ(rt.load(load_at), runtime_status::ok) << rt.load_error().message;
    EXPECT_EQ(rt.validation_cycles(), 2 * f.pkg.image.size());
    EXPECT_EQ(f.hal.cycles_consumed, 2 * f.pkg.image.size());
    const nn::tensor in = compiler::random_input(f.net, 5);
    ASSERT_EQ(rt.write_input(in), runtime_status::ok);
    run_summary s;
    ASSERT_EQ(rt.run(s), runtime_status::ok) << s.message;
    EXPECT_EQ(s.cpu_steps, 5u);
    EXPECT_EQ(s.core_steps, 0u);
    uint64_t total = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(s.steps[i].cpu_cycles, sample_cycles[i]) << i;
        total += sample_cycles[i];
    }
    EXPECT_EQ(s.cpu_cycles, total);
    EXPECT_EQ(f.hal.cycles_consumed, 2 * f.pkg.image.size() + total);
    // Every tensor equals the chained reference (int8 bit for bit).
    const std::vector<nn::tensor> ref = compiler::reference_run(f.net, in);
    for (std::size_t i = 1; i < 5; ++i) {
        std::vector<uint8_t> got(ref[i].bytes().size());
        f.hal.read_block(f.pkg.tensors[i].address, got.data(), got.size());
        EXPECT_EQ(got, ref[i].bytes()) << "tensor " << i;
    }
    nn::tensor out;
    ASSERT_EQ(rt.read_output(out), runtime_status::ok);
    ASSERT_EQ(out.shape(), ref[5].shape());
    for (std::size_t i = 0; i < out.size(); ++i)
        EXPECT_NEAR(out.get_float(i), ref[5].get_float(i), 1e-6) << i;
    EXPECT_NE(f.hal.console.back().find("0 steps on the NN core"), std::string::npos)
        << f.hal.console.back();
    // The wrong input tensor is refused.
    EXPECT_EQ(rt.write_input(nn::tensor(nn::dtype::fp32, {1, 16, 16, 8})),
              runtime_status::bad_argument);
}

TEST(nn_runtime, corrupt_package_is_rejected_and_nothing_runs) {
    cpu_only_fixture f;
    const std::size_t at = f.pkg.image.size() - 3;  // a byte of the cpu_code section
    uint8_t b = 0;
    f.hal.read_block(load_at + at, &b, 1);
    b ^= 0x5a;
    f.hal.write_block(load_at + at, &b, 1);
    nn_runtime rt(f.hal, f.intc, f.core, cpu_cost_model{});
    EXPECT_EQ(rt.load(load_at), runtime_status::invalid_package);
    EXPECT_FALSE(rt.loaded());
    EXPECT_EQ(rt.load_error().error, package::package_error::checksum);
    EXPECT_NE(f.hal.console.back().find("rejected: checksum: section 4 (cpu_code)"),
              std::string::npos)
        << f.hal.console.back();
    run_summary s;
    EXPECT_EQ(rt.run(s), runtime_status::not_loaded);
    EXPECT_TRUE(s.steps.empty());
    EXPECT_EQ(f.hal.cycles_consumed, 2 * f.pkg.image.size());  // only the checksum work
    // Nothing at the package address at all.
    EXPECT_EQ(rt.load(arena_at + 0x100000), runtime_status::invalid_package);
    EXPECT_EQ(rt.load_error().error, package::package_error::bad_magic);
    // A header claiming a huge package is refused before it is read.
    package::header h = package::decode_header(f.pkg.image.data());
    h.total_size = 0x7fffffff;
    uint8_t hb[package::header_bytes];
    package::encode(h, hb);
    f.hal.write_block(load_at, hb, sizeof hb);
    EXPECT_EQ(rt.load(load_at), runtime_status::invalid_package);
    EXPECT_EQ(rt.load_error().error, package::package_error::bad_size);
}

namespace {

// A fake HAL that counts the bytes block reads move (what the bus would carry).
class counting_hal : public test::fake_hal {
public:
    using fake_hal::fake_hal;
    uint64_t block_bytes_read = 0;
    bus_status read_block(uint64_t addr, void* dst, std::size_t bytes) override {
        block_bytes_read += bytes;
        return fake_hal::read_block(addr, dst, bytes);
    }
};

// An embedding lookup: a 1000 x 64 fp32 table (a constant), three int32
// token ids as the input, gathered along `axis`.
compiler::network embedding(int axis) {
    compiler::network net;
    net.name = "embedding";
    net.input_type = nn::dtype::int32;
    net.input_shape = {1, 1, 1, 3};
    nn::tensor table(nn::dtype::fp32, axis == 2 ? nn::shape4{1, 1, 1000, 64} : nn::shape4{1, 1, 64, 1000});
    for (std::size_t i = 0; i < table.size(); ++i)
        table.set_float(i, static_cast<float>(i % 977) * 0.25f);
    net.constants.push_back({"table", table, {}});
    net.ops.push_back(compiler::cpu_op({cpuops::kind::gather, {axis}, {}}, {}, "lookup"));
    net.ops[0].in = {net.constant_index(0), 0};  // indices final once every op is in
    return net;
}

}  // namespace

// A gather whose rows lie apart reads those rows, not the table: three
// 256-byte rows and the 12 bytes of ids instead of 256 kB per token; the
// output is the reference executor's, bit for bit. Gathered along the
// innermost axis the rows interleave, and the whole table is read.
TEST(nn_runtime, gather_reads_only_the_selected_rows) {
    for (int axis : {2, 3}) {
        counting_hal hal{test_map()};
        intc_driver intc{hal, 0x40000000};
        nncore_driver core{hal, 0x40004000};
        const compiler::network net = embedding(axis);
        compiler::build_options o;
        o.load_address = load_at;
        o.arena_base = arena_at;
        o.core_precisions = 0;
        const compiler::built_package pkg = compiler::build(net, o);
        hal.write_block(load_at, pkg.image.data(), pkg.image.size());
        nn_runtime rt(hal, intc, core, cpu_cost_model{});
        ASSERT_EQ(rt.load(load_at), runtime_status::ok) << rt.load_error().message;
        nn::tensor ids(nn::dtype::int32, {1, 1, 1, 3});
        ids.set_int(0, 7);
        ids.set_int(1, -1);  // the last row
        ids.set_int(2, 7);
        ASSERT_EQ(rt.write_input(ids), runtime_status::ok);
        const uint64_t before = hal.block_bytes_read;
        run_summary s;
        ASSERT_EQ(rt.run(s), runtime_status::ok) << s.message;
        const uint64_t read = hal.block_bytes_read - before;
        EXPECT_EQ(read, axis == 2 ? 3 * 64 * 4 + 12 : 1000 * 64 * 4 + 12) << "axis " << axis;
        nn::tensor out;
        ASSERT_EQ(rt.read_output(out), runtime_status::ok);
        EXPECT_EQ(out.bytes(), compiler::reference_run(net, ids)[1].bytes()) << "axis " << axis;
    }
}

namespace {

// A HAL that records the block reads (address, bytes) the runtime makes.
struct recording_hal : test::fake_hal {
    using fake_hal::fake_hal;
    std::vector<std::pair<uint64_t, uint64_t>> reads;
    fw::bus_status read_block(uint64_t addr, void* dst, std::size_t bytes) override {
        reads.emplace_back(addr, bytes);
        return fake_hal::read_block(addr, dst, bytes);
    }
};

}  // namespace

// A timing-only package (weights without values, docs/compiler.md) is read
// as a whole, in order, split only at 64 KiB edges (the memories' DMI
// pages: the CPU's time is that of one read); its constants' whole pages go
// through a scratch page, not into the runtime's copy.
TEST(nn_runtime, a_timing_only_package_is_read_page_by_page_past_its_constants) {
    recording_hal hal{test_map()};
    intc_driver intc{hal, 0x40000000};
    nncore_driver core{hal, 0x40004000};
    compiler::network net = compiler::tiny_classifier(7, {16, 64, 256, 256, 1000});
    for (compiler::net_op& op : net.ops)
        if (op.weights)
            op.weights = nn::tensor::without_values(op.weights->type(), op.weights->shape());
    compiler::build_options o;
    o.load_address = load_at;
    o.arena_base = arena_at;
    const compiler::built_package pkg = compiler::build(net, o);
    const package::byte_range skip = package::constants_without_values(pkg.image.data(),
                                                                       pkg.image.size());
    ASSERT_GT(skip.size, 4u * 65536);  // conv2's and fc's 840 KB of int8 weights
    hal.write_block(load_at, pkg.image.data(), pkg.image.size());
    hal.reads.clear();
    nn_runtime rt(hal, intc, core, cpu_cost_model{});
    ASSERT_EQ(rt.load(load_at), runtime_status::ok) << rt.load_error().message;
    ASSERT_GT(hal.reads.size(), 4u);
    EXPECT_EQ(hal.reads[0], std::make_pair(load_at, uint64_t{package::header_bytes}));
    uint64_t at = load_at;  // after the header: one pass over the package, in order
    for (std::size_t i = 1; i < hal.reads.size(); ++i) {
        EXPECT_EQ(hal.reads[i].first, at) << i;
        at += hal.reads[i].second;
        if (i + 1 < hal.reads.size()) {
            EXPECT_EQ(at % 65536, 0u) << i;  // split at page edges only
        }
    }
    EXPECT_EQ(at, load_at + pkg.image.size());
    // The constants' whole pages, one read each.
    const uint64_t first = (load_at + skip.offset + 65535) / 65536 * 65536;
    const uint64_t last = (load_at + skip.offset + skip.size) / 65536 * 65536;
    std::size_t pages = 0;
    for (const auto& [addr, bytes] : hal.reads)
        pages += addr >= first && addr < last && bytes == 65536;
    EXPECT_EQ(pages, (last - first) / 65536);
    EXPECT_EQ(rt.validation_cycles(), 2 * pkg.image.size());
}
