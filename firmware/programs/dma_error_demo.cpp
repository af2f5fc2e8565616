// Firmware bring-up demo of the error path: a DMA misprogrammed to read from
// an unmapped address stops with a bus error, raises its error interrupt, and
// the firmware reports the error code and recovers with a correct transfer.
#include "firmware/programs/board.h"
#include "firmware/programs/program.h"

#include <cstdio>
#include <string>
#include <vector>

namespace nnvp::fw {

namespace {

int dma_error_demo(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    const uint64_t dram = h.map().at("dram").base;
    const uint32_t len = static_cast<uint32_t>(args.get("bytes"));

    // A source address nothing is mapped at (just past the end of DRAM, or
    // below the first region when DRAM ends the address space).
    uint64_t bad = h.map().at("dram").end();
    if (h.map().decode(bad) || bad == 0)
        bad = 0x0;
    b.say("starting a DMA from unmapped address 0x" + [&] {
        char buf[20];
        std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(bad));
        return std::string(buf);
    }());
    if (b.dma.start_1d(0, bad, dram, len, true) != dma_result::ok)
        return 11;
    const dma_result r = b.dma.wait(0, 10'000'000);
    if (r != dma_result::transfer_error) {
        b.say(std::string("expected a transfer error, got ") + to_string(r));
        return 12;
    }
    b.say(std::string("error interrupt received: ") + to_string(b.dma.last_error(0)) +
          " (error interrupts on channel 0: " + std::to_string(b.dma.error_irqs(0)) + ")");
    if (b.dma.error_irqs(0) != 1 || b.dma.last_error(0) != dma_error::read_bus)
        return 13;

    // Recovery: the channel takes a correct transfer after the error.
    std::vector<uint8_t> src(len), dst(len);
    for (uint32_t i = 0; i < len; ++i)
        src[i] = static_cast<uint8_t>(i * 13 + 5);
    h.write_block(dram, src.data(), len);
    if (b.dma.start_1d(0, dram, dram + 0x10000, len, true) != dma_result::ok ||
        b.dma.wait(0, 10'000'000) != dma_result::ok)
        return 14;
    h.read_block(dram + 0x10000, dst.data(), len);
    if (dst != src)
        return 15;
    b.say("channel 0 recovered: a correct transfer completed and verified");
    return 0;
}

}  // namespace

extern const program dma_error_demo_program = {
    "dma_error_demo",
    "a DMA from an unmapped address: bus error, error interrupt, error code, recovery",
    {{"bytes", 4096, 1, 1 << 20, "bytes of the transfers"}},
    dma_error_demo};

}  // namespace nnvp::fw
