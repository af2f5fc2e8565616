// Time and energy of the core: compute cycles equal the fold formula for each
// dataflow (hand-computed), both modes agree on dense data, stalls follow
// DRAM bandwidth, LOADs overlap compute, the nncore clock scales compute time
// only, zero skipping shrinks cycles, and energy adds up.
#include "nn/cost/layer_cost.h"
#include "nn/ref/quant.h"
#include "tests/ip/nncore/layer_job.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;
using cost::dataflow;
using nncore_regs::counter;
using ref::precision;
using nn::dtype;

namespace {

constexpr uint32_t timing_mode = 1;  // MODE.timing
constexpr uint32_t done = nncore_regs::STATUS_DONE.make(1);

// conv2d 3x3, pad 1, stride 1: in [1,6,6,16], 20 filters. GEMM view (SCALE-Sim):
// P = 36 output pixels, K = 3*3*16 = 144, M = 20.
ref::layer int8_conv() {
    ref::layer l;
    l.name = "conv";
    l.op = ref::op_kind::conv2d;
    l.prec = precision::int8;
    l.out_channels = 20;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.in_q = {0.05f, 0};
    l.out_q = {0.1f, 0};
    l.w_scales = {0.01f};
    ref::lower_quantization(l);
    return l;
}

uint32_t sparsity_mode(uint32_t s) {
    return nncore_regs::MODE_SPARSITY.make(s);
}

}  // namespace

// 8 x 8 array, int8 at 4 MACs per PE per cycle (core_params default), fp32 at 1:
//   OS (Sr,Sc,T) = (P,M,K): folds ceil(36/8)*ceil(20/8) = 15, T' = ceil(144/4) = 36,
//      15 * (36 + 8 + 8 - 2) = 750;              fp32: 15 * (144 + 14) = 2370
//   WS (K,M,P): folds 18*3 = 54, T' = ceil(36/4) = 9, 54 * (2*8 + 8 + 9 - 2) = 1674
//   IS (K,P,M): folds 18*5 = 90, T' = ceil(20/4) = 5, 90 * (16 + 8 + 5 - 2) = 2430
//   auto: the fewest, OS.
// Functional and timing mode give the same cycles on dense data, the compute
// command lasts exactly cycles x 1 ns, and BUSY_CYCLES sums them.
TEST(nncore_timing, compute_cycles_equal_the_fold_formula_for_each_dataflow) {
    nncore_bench b;
    std::mt19937 rng(3);
    test::run_thread([&] {
        const ref::layer l = int8_conv();
        // Dense operands: no zero (zero point 0) anywhere.
        nn::tensor in(dtype::int8, {1, 6, 6, 16}), w(dtype::int8, {20, 3, 3, 16});
        for (std::size_t i = 0; i < in.size(); ++i)
            in.set_int(i, 1 + static_cast<int>(rng() % 100));
        for (std::size_t i = 0; i < w.size(); ++i)
            w.set_int(i, -1 - static_cast<int>(rng() % 100));
        const struct {
            dataflow df;
            uint64_t cycles;
            cost::dataflow used;
        } cases[] = {{dataflow::output_stationary, 750, cost::dataflow::output_stationary},
                     {dataflow::weight_stationary, 1674, cost::dataflow::weight_stationary},
                     {dataflow::input_stationary, 2430, cost::dataflow::input_stationary},
                     {dataflow::automatic, 750, cost::dataflow::output_stationary}};
        uint64_t total = 0;
        for (const auto& c : cases)
            for (uint32_t mode : {0u, timing_mode, sparsity_mode(2), sparsity_mode(1)}) {
                const job_result r = run_job(b, l, in, &w, nullptr, c.df, mode);
                ASSERT_EQ(r.status, done);
                EXPECT_EQ(r.rec.compute_cycles, c.cycles) << int(c.df) << " mode " << mode;
                EXPECT_EQ(r.rec.flow, c.used);
                EXPECT_EQ(r.rec.end - r.rec.start, sc_time(double(c.cycles), SC_NS));
                EXPECT_EQ(r.rec.macs, 36u * 144 * 20);
                EXPECT_EQ(r.rec.zero_skipped_macs, 0u);
                total += c.cycles;
            }
        EXPECT_EQ(b.read_counter(counter::busy_cycles), total);
        EXPECT_EQ(b.read_counter(counter::macs), 16u * 36 * 144 * 20);
        EXPECT_EQ(b.read_counter(counter::macs_int8), 16u * 36 * 144 * 20);
        EXPECT_EQ(b.read_counter(counter::macs_fp32), 0u);

        ref::layer f = l;
        f.prec = precision::fp32;
        const nn::tensor fin = random_tensor(rng, dtype::fp32, {1, 6, 6, 16});
        const nn::tensor fw = random_tensor(rng, dtype::fp32, {20, 3, 3, 16});
        const job_result r = run_job(b, f, fin, &fw, nullptr, dataflow::output_stationary);
        EXPECT_EQ(r.rec.compute_cycles, 2370u);
    });
}

// Zero skipping: with half the weights zero, functional mode measures the
// density and the cycles shrink exactly as the timing model says; timing
// mode reaches the same cycles from WEIGHT_DENSITY. Gating keeps the cycles.
TEST(nncore_timing, zero_skipping_shrinks_cycles_as_the_model_says) {
    nncore_bench b;
    test::run_thread([&] {
        const ref::layer l = int8_conv();
        nn::tensor in(dtype::int8, {1, 6, 6, 16}), w(dtype::int8, {20, 3, 3, 16});
        for (std::size_t i = 0; i < in.size(); ++i)
            in.set_int(i, 3);
        for (std::size_t i = 0; i < w.size(); ++i)
            w.set_int(i, i % 2 ? 5 : 0);
        cost::sparsity sp;
        sp.kind = cost::sparsity::skip;
        sp.weight_density = 0.5;
        const cost::layer_cost want = cost::of_layer(
            l, in.shape(), cost::dataflow::output_stationary, b.core.config().core, sp);
        ASSERT_LT(want.compute_cycles, 750u);
        const job_result skip =
            run_job(b, l, in, &w, nullptr, dataflow::output_stationary, sparsity_mode(2));
        EXPECT_EQ(skip.rec.compute_cycles, want.compute_cycles);
        EXPECT_EQ(skip.rec.zero_skipped_macs, want.zero_skipped_macs);
        EXPECT_GT(skip.rec.zero_skipped_macs, 0u);
        b.set(nncore_regs::WEIGHT_DENSITY, 0x8000);
        const job_result timed = run_job(b, l, in, &w, nullptr, dataflow::output_stationary,
                                         sparsity_mode(2) | timing_mode);
        EXPECT_EQ(timed.rec.compute_cycles, want.compute_cycles);
        const job_result gate =
            run_job(b, l, in, &w, nullptr, dataflow::output_stationary, sparsity_mode(1));
        EXPECT_EQ(gate.rec.compute_cycles, 750u);
        EXPECT_GT(gate.rec.gated_macs, 0u);
        EXPECT_LT(gate.rec.energy_j, run_job(b, l, in, &w, nullptr).rec.energy_j);
        EXPECT_EQ(b.read_counter(counter::macs_skipped), 2 * want.zero_skipped_macs);
    });
}

namespace {

// fp32 conv 3x3, pad 1 on [1,16,16,16] with 16 filters: P = 256, K = 144,
// M = 16; OS: folds ceil(256/8) * ceil(16/8) = 64, 64 * (144 + 14) = 10112 cycles.
constexpr uint64_t big_conv_cycles = 10112;

command big_conv(uint32_t in_offset, const nncore_config& cfg) {
    ref::layer l;
    l.op = ref::op_kind::conv2d;
    l.prec = precision::fp32;
    l.out_channels = 16;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    placement at;
    at.in = in_offset;
    at.weights = cfg.core.input_kb * 1024;
    at.out = (cfg.core.input_kb + cfg.core.weight_kb) * 1024;
    return compute_command(l, {1, 16, 16, 16}, {}, at).cmd;
}

// LOAD tile 1 (16 KiB), BARRIER, LOAD tile 2 (`tile2` bytes) while tile 1
// computes, BARRIER on tile 2, compute tile 2, END.
//   records: 0 LOAD, 1 BARRIER, 2 LOAD, 3 conv, 4 BARRIER, 5 conv, 6 END
stream double_buffered(uint32_t tile2, const nncore_config& cfg) {
    stream s;
    s.load(data_addr, 0, 16384, 0);
    s.barrier(1u << 0);
    s.load(data_addr + 0x10000, 0x8000, tile2, 1);
    s.add(big_conv(0, cfg));
    s.barrier(1u << 1);
    s.add(big_conv(0x8000, cfg));
    s.end();
    return s;
}

}  // namespace

// DRAM at 1 byte per cycle (1 GB/s): tile 2 (32 KiB) takes > 32.7 us to load,
// compute of tile 1 only 10.1 us: the barrier stalls for the difference.
TEST(nncore_timing, stalls_appear_when_dram_bandwidth_is_cut) {
    nncore_bench b(bench_nncore_config(), bench_dram(1));
    test::run_thread([&] {
        ASSERT_EQ(b.run(double_buffered(32768, b.core.config()), timing_mode), done);
        ASSERT_EQ(b.records.size(), 7u);
        EXPECT_EQ(b.records[3].compute_cycles, big_conv_cycles);
        EXPECT_GT(b.records[4].stall_cycles, 32768u - big_conv_cycles);
        uint64_t stalls = 0;
        for (const auto& r : b.records)
            stalls += r.stall_cycles;
        EXPECT_EQ(b.read_counter(counter::stall_cycles), stalls);
        EXPECT_EQ(b.read_counter(counter::bytes_read), 16384u + 32768u);
    });
}

// Generous DRAM (64 B/cycle): tile 2 arrives while tile 1 computes, so the
// second barrier does not stall (double buffering: the LOAD overlaps the
// compute and the stream takes less than the serial sum).
TEST(nncore_timing, loads_overlap_compute_without_stalls_when_dram_is_generous) {
    nncore_bench b(bench_nncore_config(), bench_dram(64));
    std::vector<dma::run_record> runs;
    b.dma_engine.on_run_end([&](const dma::run_record& r) { runs.push_back(r); });
    test::run_thread([&] {
        ASSERT_EQ(b.run(double_buffered(32768, b.core.config()), timing_mode), done);
        ASSERT_EQ(b.records.size(), 7u);
        ASSERT_EQ(runs.size(), 2u);
        EXPECT_EQ(b.records[4].stall_cycles, 0u);
        EXPECT_GT(runs[1].end, b.records[3].start);  // tile 2 loads during compute 1
        EXPECT_LT(runs[1].end, b.records[3].end);
        const sc_time serial = (runs[0].end - runs[0].start) + (runs[1].end - runs[1].start) +
                               2 * sc_time(double(big_conv_cycles), SC_NS);
        ASSERT_EQ(b.streams.size(), 1u);
        EXPECT_LT(b.streams[0].end - b.streams[0].start, serial);
    });
}

// Halving the nncore clock doubles compute time exactly; the LOAD, whose time
// is DRAM and bus time plus a few local-buffer cycles, barely changes.
TEST(nncore_timing, half_nncore_clock_doubles_compute_time_not_dram_time) {
    nncore_bench b;
    std::vector<dma::run_record> runs;
    b.dma_engine.on_run_end([&](const dma::run_record& r) { runs.push_back(r); });
    test::run_thread([&] {
        stream s;
        s.load(data_addr, 0, 16384, 0);
        s.barrier();
        s.add(big_conv(0, b.core.config()));
        s.end();
        ASSERT_EQ(b.run(s, timing_mode), done);
        b.nn_clk.set_opp(1);  // 500 MHz
        ASSERT_EQ(b.run(s, timing_mode), done);
        ASSERT_EQ(b.records.size(), 8u);
        ASSERT_EQ(runs.size(), 2u);
        const auto& c0 = b.records[2];
        const auto& c1 = b.records[6];
        EXPECT_EQ(c0.compute_cycles, big_conv_cycles);
        EXPECT_EQ(c1.compute_cycles, big_conv_cycles);
        EXPECT_EQ(c0.end - c0.start, sc_time(double(big_conv_cycles), SC_NS));
        EXPECT_EQ(c1.end - c1.start, sc_time(2.0 * double(big_conv_cycles), SC_NS));
        const double d0 = (runs[0].end - runs[0].start).to_seconds();
        const double d1 = (runs[1].end - runs[1].start).to_seconds();
        EXPECT_GE(d1, d0);
        EXPECT_LT(d1 / d0, 1.3);
    });
}

// The meter's dynamic energy is the sum of the per-command parts plus the
// DMA traffic through the buffer port; a compute command's part is the timing
// model's energy (at Vnom); leakage is 10 mW over the simulated time.
TEST(nncore_timing, energy_totals_equal_the_sum_of_parts) {
    nncore_bench b;
    std::mt19937 rng(11);
    test::run_thread([&] {
        const ref::layer l = int8_conv();
        const nn::tensor in = random_tensor(rng, dtype::int8, {1, 6, 6, 16});
        const nn::tensor w = random_tensor(rng, dtype::int8, {20, 3, 3, 16});
        const job_result r = run_job(b, l, in, &w, nullptr, dataflow::weight_stationary);
        ASSERT_EQ(r.status, done);
        const cost::layer_cost want = cost::of_layer(
            l, in.shape(), cost::dataflow::weight_stationary, b.core.config().core, {});
        EXPECT_DOUBLE_EQ(r.rec.energy_j, want.energy.total_j());
        EXPECT_GT(r.rec.energy_j, 0.0);
        run_job(b, l, in, &w, nullptr, dataflow::automatic);
        double parts = b.core.port_energy_j();
        for (const auto& rec : b.records)
            parts += rec.energy_j;
        EXPECT_GT(b.core.port_energy_j(), 0.0);
        EXPECT_NEAR(b.core.energy().dynamic_j(), parts, 1e-15);
        EXPECT_NEAR(b.core.energy().leakage_j(), 0.010 * sc_time_stamp().to_seconds(), 1e-15);
        EXPECT_NEAR(b.core.energy().total_j(),
                    b.core.energy().dynamic_j() + b.core.energy().leakage_j(), 1e-15);
        // By action, the same joules: the commands' splits plus the DMA's
        // bytes in the buffers by name (no compressed weights here).
        const cost::energy_split& a = b.core.energy_by_action();
        EXPECT_EQ(b.core.decompress_energy_j(), 0.0);
        EXPECT_NEAR(a.total_j(), b.core.energy().dynamic_j(), 1e-15);
        EXPECT_GT(a.mac_j, 0.0);
        EXPECT_GT(a.spad_j, 0.0);
        EXPECT_GT(a.noc_j, 0.0);
        EXPECT_GT(a.clock_j, 0.0);
        EXPECT_GT(a.weight_buffer_j, 0.0);
    });
}

// The product of two activations runs as a fully_connected command whose
// weights are the second activation (Q·Kᵀ of one head: 20 queries of 64
// against 24 keys; the compiler loads Kᵀ into the weight buffer at run
// time). Its cycles follow the closed form SCALE-Sim uses for a GEMM
// (docs/nncore_timing.md), P = 20 rows, K = 64, M = 24, 8 x 8, int8 (4 MACs
// per PE):
//   OS (P,M,K): folds ceil(20/8)*ceil(24/8) = 9,  T' = 16, 9 * (16 + 8 + 8 - 2) = 270
//   WS (K,M,P): folds 8*3 = 24, T' = ceil(20/4) = 5, 24 * (2*8 + 8 + 5 - 2) = 648
//   IS (K,P,M): folds 8*3 = 24, T' = ceil(24/4) = 6, 24 * (2*8 + 8 + 6 - 2) = 672
TEST(nncore_timing, gemm_of_two_activations_follows_the_closed_form) {
    nncore_bench b;
    std::mt19937 rng(9);
    test::run_thread([&] {
        ref::layer l;
        l.name = "scores";
        l.op = ref::op_kind::fully_connected;
        l.prec = precision::int8;
        l.out_channels = 24;
        l.in_q = {0.05f, 0};
        l.out_q = {0.1f, 0};
        l.w_scales = {0.02f};
        ref::lower_quantization(l);
        const nn::tensor q = random_tensor(rng, dtype::int8, {20, 1, 1, 64}, 100);
        const nn::tensor kt = random_tensor(rng, dtype::int8, {24, 1, 1, 64}, 100);
        const struct {
            dataflow df;
            uint64_t cycles;
        } cases[] = {{dataflow::output_stationary, 270},
                     {dataflow::weight_stationary, 648},
                     {dataflow::input_stationary, 672}};
        for (const auto& c : cases) {
            const job_result r = run_job(b, l, q, &kt, nullptr, c.df, timing_mode);
            ASSERT_EQ(r.status, done);
            EXPECT_EQ(r.rec.compute_cycles, c.cycles) << int(c.df);
            EXPECT_EQ(r.rec.macs, 20u * 64 * 24);
        }
    });
}
