// LOAD_COMPRESSED on the bench (real DMA, bus and DRAM): a sparse INT8 conv
// from a compiled single-layer program gives the dense program's output with fewer DRAM
// bytes (exactly the codec's blob), the expansion costs
// ceil(elements / decompress_elements_per_cycle) cycles at the BARRIER, bad
// blobs and fields give bad_compressed with the error interrupt, and timing
// mode charges the same cycles as functional mode.
#include <algorithm>

#include "arch/nncore/weight_codec.h"
#include "sw/compiler/program.h"
#include "nn/ref/quant.h"
#include "tests/ip/nncore/program_job.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;
using cost::weight_format;
using cost::weight_format;
using nncore_regs::error_code;

namespace {

constexpr uint32_t status_done = nncore_regs::STATUS_DONE.make(1);
constexpr uint32_t status_error = nncore_regs::STATUS_ERROR.make(1);

// A 3x3 INT8 conv, 8 -> 8 channels, with `zero_pct` % of its weights zero.
struct sparse_conv {
    ref::layer l;
    nn::tensor x, w, b;
    explicit sparse_conv(int zero_pct, unsigned seed = 5) {
        l.name = "sparse_conv";
        l.op = ref::op_kind::conv2d;
        l.prec = ref::precision::int8;
        l.out_channels = 8;
        l.geo.kernel_h = l.geo.kernel_w = 3;
        l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
        l.has_bias = true;
        l.act.kind = ref::act_kind::relu;
        l.in_q = {0.05f, 3};
        l.out_q = {0.1f, -1};
        l.w_scales = {0.01f};
        ref::lower_quantization(l);
        std::mt19937 rng(seed);
        x = random_tensor(rng, nn::dtype::int8, {1, 12, 10, 8});
        w = random_tensor(rng, nn::dtype::int8, {8, 3, 3, 8}, 20);
        for (std::size_t i = 0; i < w.size(); ++i)
            if (static_cast<int>(rng() % 100) < zero_pct)
                w.set_int(i, 0);
        b = random_tensor(rng, ref::bias_type(l), {1, 1, 1, 8}, 300);
    }
    compiler::program program(cost::weight_format f, const nncore_config& cfg) const {
        compiler::program_options opt;
        opt.dram_base = data_addr;
        opt.weight_format = f;
        return compiler::single_layer_program(
            l, x, &w, &b, {cfg.core.input_kb, cfg.core.weight_kb, cfg.core.output_kb}, opt);
    }
};

uint64_t sum_read(const std::vector<nncore::core::command_record>& recs) {
    uint64_t n = 0;
    for (const auto& r : recs)
        n += r.dram_read_bytes;
    return n;
}

nncore_cmd::blob_shape shape_of(uint32_t elements, cost::weight_format f, uint32_t row_len = 0) {
    nncore_cmd::blob_shape s;
    s.elements = elements;
    s.elem_bits = 8;
    s.format = f;
    s.row_len = row_len;
    return s;
}

// Hand-built: LOAD_COMPRESSED (or a plain LOAD of the same blob) into
// staging, BARRIER on its tag, END.
stream blob_stream(bool compressed, uint64_t dram, uint32_t staging, uint32_t len, uint32_t dest,
                   const nncore_cmd::blob_shape& s, uint8_t tag = 1) {
    stream st;
    if (compressed) {
        command c;
        c.op = opcode::load_compressed;
        c.tag = tag;
        c.compressed.blob.dram_addr = dram;
        c.compressed.blob.local_offset = staging;
        c.compressed.blob.len = len;
        c.compressed.dest_offset = dest;
        c.compressed.elements = s.elements;
        c.compressed.elem_bits = static_cast<uint8_t>(s.elem_bits);
        c.compressed.format = s.format;
        c.compressed.row_len = s.row_len;
        st.add(c);
    } else {
        st.load(dram, staging, len, tag);
    }
    st.barrier(static_cast<uint16_t>(1u << tag));
    st.end();
    return st;
}

}  // namespace

TEST(nncore_compressed, sparse_int8_conv_matches_dense_with_the_blobs_dram_bytes) {
    const nncore_config cfg = bench_nncore_config();
    nncore_bench b(cfg);
    const sparse_conv c(75);
    const compiler::program dense = c.program(cost::weight_format::dense, cfg);
    const compiler::program sparse = c.program(cost::weight_format::bitmap, cfg);
    const compiler::program csr = c.program(cost::weight_format::csr, cfg);
    ASSERT_EQ(sparse.weight_format, cost::weight_format::bitmap);
    // The blob the core must read: the codec's, computed here independently.
    const nncore_cmd::blob_shape bs = shape_of(576, cost::weight_format::bitmap);
    const std::vector<uint8_t> blob = nncore_cmd::compress(c.w.bytes().data(), bs);
    ASSERT_EQ(sparse.dram.weight_bytes, blob.size());
    ASSERT_LT(blob.size() * 2, c.w.bytes().size());  // 72 map bytes + ~25% of 576
    const nn::tensor want = ref::execute(c.l, c.x, &c.w, &c.b);
    test::run_thread([&] {
        const program_result d = run_program(b, dense);
        const program_result s = run_program(b, sparse);
        const program_result r = run_program(b, csr);
        ASSERT_EQ(d.status, status_done);
        ASSERT_EQ(s.status, status_done);
        ASSERT_EQ(r.status, status_done);
        EXPECT_EQ(d.out.bytes(), want.bytes());
        EXPECT_EQ(s.out.bytes(), want.bytes());
        EXPECT_EQ(r.out.bytes(), want.bytes());
        // The first command stages the blob: its record reads exactly the blob.
        ASSERT_EQ(s.recs[0].op, opcode::load_compressed);
        EXPECT_EQ(s.recs[0].dram_read_bytes, blob.size());
        EXPECT_EQ(sum_read(s.recs) + c.w.bytes().size(), sum_read(d.recs) + blob.size());
        // The first BARRIER (tag 0 in its mask) expands it: ceil(576 / 16) cycles.
        const auto bar = std::find_if(s.recs.begin(), s.recs.end(),
                                      [](const auto& x) { return x.op == opcode::barrier; });
        ASSERT_NE(bar, s.recs.end());
        EXPECT_EQ(bar->decompress_cycles, 36u);
        EXPECT_GE(bar->stall_cycles, 36u);
        for (const auto& x : d.recs)
            EXPECT_EQ(x.decompress_cycles, 0u);
        EXPECT_EQ(b.read_counter(nncore_regs::counter::decompress_cycles), 2 * 36u);
        // Energy: blob read from staging + dense bytes written + decoder logic,
        // all in the weight buffer, at Vnom.
        const double wpj = cfg.core.weight_buffer_pj_per_byte();
        const double pj = static_cast<double>(blob.size()) * wpj + 576.0 * (wpj + 0.03);
        EXPECT_NEAR(bar->energy_j, pj * 1e-12, 1e-18);
        double records_j = 0.0;
        for (const auto& x : b.records)
            records_j += x.energy_j;
        EXPECT_NEAR(b.core.energy().dynamic_j(), records_j + b.core.port_energy_j(), 1e-15);
        // By action: the decoder's logic apart (two expansions of 576 bytes
        // at 0.03 pJ), everything else in its level.
        EXPECT_NEAR(b.core.decompress_energy_j(), 2 * 576 * 0.03e-12, 1e-18);
        EXPECT_NEAR(b.core.energy_by_action().total_j() + b.core.decompress_energy_j(),
                    b.core.energy().dynamic_j(), 1e-15);
    });
}

TEST(nncore_compressed, expansion_takes_elements_over_rate_cycles_at_the_barrier) {
    nncore_config cfg = bench_nncore_config();
    cfg.decompress_elements_per_cycle = 10;
    nncore_bench b(cfg);
    std::mt19937 rng(9);
    std::vector<uint8_t> dense(1000, 0);
    for (auto& v : dense)
        v = rng() % 3 == 0 ? static_cast<uint8_t>(1 + rng() % 255) : 0;
    const nncore_cmd::blob_shape s = shape_of(1000, cost::weight_format::csr, 100);
    const std::vector<uint8_t> blob = nncore_cmd::compress(dense.data(), s);
    const uint32_t staging = 64 * 1024, dest = 80 * 1024;
    const auto len = static_cast<uint32_t>(blob.size());
    b.put(data_addr, blob);
    test::run_thread([&] {
        // The barrier of a plain LOAD of the same blob waits only for the DMA.
        ASSERT_EQ(b.run(blob_stream(false, data_addr, staging, len, dest, s)), status_done);
        const sc_time plain = b.records[1].end - b.records[1].start;
        EXPECT_EQ(b.records[1].decompress_cycles, 0u);
        ASSERT_EQ(b.run(blob_stream(true, data_addr, staging, len, dest, s)), status_done);
        const auto bar = b.records[4];
        ASSERT_EQ(bar.op, opcode::barrier);
        EXPECT_EQ(bar.decompress_cycles, 100u);
        EXPECT_EQ(bar.end - bar.start, plain + b.nn_clk.cycles(100));
        EXPECT_EQ(b.records[3].dram_read_bytes, blob.size());
        EXPECT_TRUE(std::equal(dense.begin(), dense.end(), b.core.local_memory() + dest));
        // Timing mode: the same cycles (the decompressor is data movement).
        ASSERT_EQ(b.run(blob_stream(true, data_addr, staging, len, dest, s), 1), status_done);
        EXPECT_EQ(b.records[7].end - b.records[7].start, bar.end - bar.start);
        // Half the nncore clock: the expansion takes twice as long (the DMA's
        // writes into the local buffer slow down too: measured again).
        b.nn_clk.set_opp(1);
        ASSERT_EQ(b.run(blob_stream(false, data_addr, staging, len, dest, s)), status_done);
        const sc_time plain_slow = b.records[10].end - b.records[10].start;
        ASSERT_EQ(b.run(blob_stream(true, data_addr, staging, len, dest, s)), status_done);
        EXPECT_EQ(b.records[13].decompress_cycles, 100u);
        EXPECT_EQ(b.records[13].end - b.records[13].start, plain_slow + sc_time(200, SC_NS));
    });
}

TEST(nncore_compressed, corrupted_blob_and_bad_fields_give_bad_compressed) {
    nncore_bench b;
    test::allow_warnings(true);
    std::vector<uint8_t> dense(256, 0);
    for (std::size_t i = 0; i < dense.size(); i += 3)
        dense[i] = static_cast<uint8_t>(i + 1);
    const nncore_cmd::blob_shape s = shape_of(256, cost::weight_format::bitmap);
    std::vector<uint8_t> blob = nncore_cmd::compress(dense.data(), s);
    blob[0] = static_cast<uint8_t>(blob[0] & ~1u);  // a value too many for the map
    const uint32_t staging = 64 * 1024, dest = 70 * 1024;
    const auto len = static_cast<uint32_t>(blob.size());
    b.put(data_addr, blob);
    auto expect_error = [&](uint32_t st, error_code code, uint32_t cmd) {
        using namespace nncore_regs;
        EXPECT_EQ(st, status_error);
        EXPECT_EQ(b.reg(ERROR_CODE), static_cast<uint32_t>(code));
        EXPECT_EQ(b.reg(ERROR_CMD), cmd);
        EXPECT_EQ(b.reg(IRQ_STATUS), IRQ_ERROR.make(1));
        EXPECT_TRUE(b.nn_irq.read());
    };
    test::run_thread([&] {
        std::fill_n(b.core.local_memory() + dest, 256, 0x5a);
        // The plain LOAD's barrier ends when the DMA is done...
        ASSERT_EQ(b.run(blob_stream(false, data_addr, staging, len, dest, s)), status_done);
        const sc_time dma_done = b.records[1].end - b.streams.back().start;
        // ...and that is when the bad blob is found: error irq, nothing written.
        const int warnings = test::warnings_seen();
        expect_error(b.run(blob_stream(true, data_addr, staging, len, dest, s)),
                     error_code::bad_compressed, 0);
        EXPECT_GT(test::warnings_seen(), warnings);
        EXPECT_EQ(b.probe.rises().back() - b.streams.back().start, dma_done);
        EXPECT_TRUE(std::all_of(b.core.local_memory() + dest, b.core.local_memory() + dest + 256,
                                [](uint8_t v) { return v == 0x5a; }));
        // Field errors at the command itself.
        stream overlap = blob_stream(true, data_addr, staging, len, staging + 8, s);
        expect_error(b.run(overlap), error_code::bad_compressed, 0);
        stream nibble = blob_stream(true, data_addr, staging, len, dest, s);
        nibble.cmds[0].compressed.elem_bits = 4;
        expect_error(b.run(nibble), error_code::bad_compressed, 0);
        stream outside = blob_stream(true, data_addr, staging, len, dest, s);
        outside.cmds[0].compressed.dest_offset = static_cast<uint32_t>(b.core.local_bytes() - 16);
        expect_error(b.run(outside), error_code::bad_compressed, 0);
        stream tag = blob_stream(true, data_addr, staging, len, dest, s);
        tag.cmds[0].tag = 16;
        expect_error(b.run(tag), error_code::bad_field, 0);
        // A blob that is never waited for by a BARRIER is expanded (and
        // checked) by END.
        stream at_end;
        at_end.add(blob_stream(true, data_addr, staging, len, dest, s).cmds[0]);
        at_end.end();
        expect_error(b.run(at_end), error_code::bad_compressed, 0);
        // The core goes on: the repaired blob expands.
        blob = nncore_cmd::compress(dense.data(), s);
        b.put(data_addr, blob);
        EXPECT_EQ(b.run(blob_stream(true, data_addr, staging, len, dest, s)), status_done);
        EXPECT_TRUE(std::equal(dense.begin(), dense.end(), b.core.local_memory() + dest));
    });
}

TEST(nncore_compressed, timing_and_functional_modes_charge_the_same_cycles) {
    const nncore_config cfg = bench_nncore_config();
    nncore_bench b(cfg);
    const sparse_conv c(75, 17);
    const compiler::program p = c.program(cost::weight_format::automatic, cfg);
    ASSERT_NE(p.weight_format, cost::weight_format::dense);
    test::run_thread([&] {
        const program_result f = run_program(b, p, 0);
        const program_result t = run_program(b, p, 1);
        ASSERT_EQ(f.status, status_done);
        ASSERT_EQ(t.status, status_done);
        EXPECT_EQ(f.duration, t.duration);
        ASSERT_EQ(f.recs.size(), t.recs.size());
        for (std::size_t i = 0; i < f.recs.size(); ++i) {
            EXPECT_EQ(f.recs[i].compute_cycles, t.recs[i].compute_cycles) << i;
            EXPECT_EQ(f.recs[i].stall_cycles, t.recs[i].stall_cycles) << i;
            EXPECT_EQ(f.recs[i].decompress_cycles, t.recs[i].decompress_cycles) << i;
            EXPECT_EQ(f.recs[i].dram_read_bytes, t.recs[i].dram_read_bytes) << i;
        }
    });
}

// Seeded random register writes over the whole window, then random
// LOAD_COMPRESSED commands (random fields, random blob bytes): every stream
// ends, done or with an error, and a good compressed program still runs.
TEST(nncore_compressed, random_registers_and_random_compressed_loads_never_crash) {
    const nncore_config cfg = bench_nncore_config();
    nncore_bench b(cfg);
    test::allow_warnings(true);
    std::mt19937 rng(20261122);
    std::vector<uint8_t> junk(4096);
    for (auto& v : junk)
        v = static_cast<uint8_t>(rng() % 4 == 0 ? rng() : rng() % 3);
    b.put(data_addr + 0x10000, junk);
    const sparse_conv c(75, 23);
    const compiler::program p = c.program(cost::weight_format::csr, cfg);
    const nn::tensor want = ref::execute(c.l, c.x, &c.w, &c.b);
    test::run_thread([&] {
        using namespace nncore_regs;
        for (int i = 0; i < 2000; ++i)
            b.cpu.write32(nn_base + (rng() % window_bytes & ~3u), static_cast<uint32_t>(rng()));
        for (int i = 0; i < 1000 && b.core.busy(); ++i)
            wait(sc_time(10, SC_US));
        ASSERT_FALSE(b.core.busy());
        b.set(DMA_CHANNELS, 0x3);
        int done = 0, failed = 0;
        for (int i = 0; i < 90; ++i) {
            const uint32_t elements = 1 + rng() % (i % 3 == 1 ? 70000 : 600);
            nncore_cmd::blob_shape s = shape_of(elements, static_cast<cost::weight_format>(rng() % 4),
                                            rng() % 2 ? elements : 1 + rng() % 64);
            s.elem_bits = 8u << (rng() % 3);
            uint64_t dram = data_addr + 0x10000 + rng() % 64;
            uint32_t len = 1 + rng() % 4000;
            uint32_t staging = static_cast<uint32_t>(rng() % b.core.local_bytes());
            uint32_t dest = static_cast<uint32_t>(rng() % b.core.local_bytes());
            if (i % 3 == 0) {
                // A real blob in good places, sometimes with one byte changed.
                s.format = rng() % 2 ? cost::weight_format::bitmap : cost::weight_format::csr;
                s.row_len = s.format == cost::weight_format::csr ? elements : 0;
                std::vector<uint8_t> d(s.dense_bytes());
                for (auto& v : d)
                    v = rng() % 2 ? static_cast<uint8_t>(rng()) : 0;
                std::vector<uint8_t> blob = nncore_cmd::compress(d.data(), s);
                if (rng() % 2)
                    blob[rng() % blob.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
                dram = data_addr + 0x20000;
                b.put(dram, blob);
                len = static_cast<uint32_t>(blob.size());
                staging = 64 * 1024;
                dest = 96 * 1024;
            } else if (rng() % 8 == 0) {
                s.elem_bits = rng() % 40;
            }
            stream st = blob_stream(true, dram, staging, len, dest, s,
                                    static_cast<uint8_t>(i % 3 == 0 ? 1 : rng() % 17));
            if (rng() % 2)
                st.cmds[1].barrier_mask = static_cast<uint16_t>(rng());
            const uint32_t status = b.run(st, rng() % 2, sc_time(5, SC_MS));
            ASSERT_TRUE(status == status_done || status == status_error) << i;
            done += status == status_done;
            failed += status == status_error;
            ASSERT_FALSE(b.core.busy());
        }
        EXPECT_GT(done, 5);
        EXPECT_GT(failed, 30);
        b.set(MODE, 0);
        const program_result r = run_program(b, p);
        EXPECT_EQ(r.status, status_done);
        EXPECT_EQ(r.out.bytes(), want.bytes());
    });
}
