// Simulation speed of the platform: register accesses per wall second and
// simulated DMA bytes per wall second, on the default SoC. SystemC elaborates
// once per process, so one platform serves every benchmark: its firmware loops
// on whatever job the current benchmark selects, and each iteration simulates
// a fixed slice of time.
#include "firmware/programs/board.h"
#include "platform/soc.h"

#include <benchmark/benchmark.h>
#include <systemc>

#include <atomic>
#include <cstdlib>

namespace {

enum class job { mmio, dma, dma_2d };
job g_job = job::mmio;
nnvp::soc* g_chip = nullptr;
uint64_t g_mmio = 0;

int bench_firmware(nnvp::fw::hal& h) {
    nnvp::fw::board b(h);
    if (!b.init())
        return 1;
    const uint64_t dram = h.map().at("dram").base, sram = h.map().at("sram").base;
    const uint64_t timer = h.map().at("timer").base;
    for (;;) {
        switch (g_job) {
        case job::mmio: {
            uint32_t v = 0;
            for (int i = 0; i < 64; ++i) {
                h.read32(timer + 0x18, v);  // COUNT_LO: a register read
                ++g_mmio;
            }
            break;
        }
        case job::dma:  // 256 KiB DRAM -> SRAM in one 1D transfer
            b.dma.start_1d(0, dram, sram, 256 * 1024);
            b.dma.wait(0, 0);
            break;
        case job::dma_2d:  // 1024 rows of 64 bytes: many short bursts
            b.dma.start_2d(0, dram, sram, 64, 1024, 256, 64);
            b.dma.wait(0, 0);
            break;
        }
    }
}

void simulate(benchmark::State& state, job j, double slice_us) {
    g_job = j;
    sc_core::sc_start(sc_core::sc_time(slice_us, sc_core::SC_US));  // settle into the job
    for (auto _ : state) {
        const uint64_t mmio0 = g_mmio;
        const uint64_t bytes0 = g_chip->dma_engine().bytes_moved();
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        sc_core::sc_start(sc_core::sc_time(slice_us, sc_core::SC_US));
        state.counters["sim_us"] += (sc_core::sc_time_stamp() - t0).to_seconds() * 1e6;
        state.counters["mmio"] += static_cast<double>(g_mmio - mmio0);
        state.counters["dma_bytes"] +=
            static_cast<double>(g_chip->dma_engine().bytes_moved() - bytes0);
    }
    // Per wall second: items = register accesses, bytes = simulated DMA bytes.
    state.counters["mmio"] = benchmark::Counter(state.counters["mmio"], benchmark::Counter::kIsRate);
    state.counters["dma_bytes"] =
        benchmark::Counter(state.counters["dma_bytes"], benchmark::Counter::kIsRate);
    state.counters["sim_us"] =
        benchmark::Counter(state.counters["sim_us"], benchmark::Counter::kIsRate);
}

void BM_mmio_reads(benchmark::State& state) { simulate(state, job::mmio, 100); }
void BM_dma_1d_256KiB(benchmark::State& state) { simulate(state, job::dma, 1000); }
void BM_dma_2d_64B_rows(benchmark::State& state) { simulate(state, job::dma_2d, 1000); }

BENCHMARK(BM_mmio_reads)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_dma_1d_256KiB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_dma_2d_64B_rows)->Unit(benchmark::kMillisecond);

}  // namespace

int sc_main(int argc, char* argv[]) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    const std::string config = std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json";
    nnvp::platform_config cfg = nnvp::load_platform_config(config, {{"cpu.echo_console", false}});
    nnvp::soc chip("soc", cfg);
    g_chip = &chip;
    chip.core().load(bench_firmware);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
