// A bring-up routine as a user writes it against the nnvp SDK: copy a buffer
// in DRAM with one DMA channel, sleep until its completion interrupt (routed
// through the interrupt controller), and check every byte. HAL and drivers
// only, no SystemC: the same source could run on the real chip.
#include "firmware/drivers/dma/dma_driver.h"
#include "firmware/drivers/intc/intc_driver.h"
#include "firmware/programs/firmware_library.h"

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace nnvp::fw;

int dma_copy(hal& h, const program_args& args) {
    const nnvp::region* dram = h.map().find("dram");
    const nnvp::region* dma_block = h.map().find("dma");
    const nnvp::region* intc_block = h.map().find("intc");
    if (!dram || !dma_block || !intc_block || dma_block->irq <= 0) {
        h.log("dma_copy: the memory map has no dram, dma (with an irq) or intc");
        return 1;
    }
    intc_driver intc(h, intc_block->base);
    dma_driver dma(h, dma_block->base);
    if (intc.init() != intc_status::ok || dma.init() != dma_result::ok) {
        h.log("dma_copy: the interrupt controller or the DMA engine does not answer");
        return 2;
    }
    // The DMA's line through the interrupt controller to the CPU: on an
    // interrupt the controller's dispatcher calls the DMA driver's handler.
    const auto line = static_cast<unsigned>(dma_block->irq);
    if (intc.attach(line, [&dma] { dma.on_irq(); }) != intc_status::ok ||
        intc.enable(line) != intc_status::ok) {
        h.log("dma_copy: cannot route the DMA interrupt");
        return 3;
    }
    intc.install();

    const auto bytes = static_cast<uint32_t>(args.get("bytes"));
    const auto channel = static_cast<unsigned>(args.get("channel"));
    const uint64_t src = dram->base;
    const uint64_t dst = dram->base + 0x100000;
    std::vector<uint8_t> pattern(bytes), copy(bytes);
    for (uint32_t i = 0; i < bytes; ++i)
        pattern[i] = static_cast<uint8_t>(i * 7 + 3);
    if (h.write_block(src, pattern.data(), bytes) != bus_status::ok)
        return 4;

    const uint64_t start_ns = h.now_ns();
    dma_result r = dma.start_1d(channel, src, dst, bytes, true);
    if (r == dma_result::ok)
        r = dma.wait(channel, 10'000'000);  // sleeps in WFI; 10 ms bound
    if (r != dma_result::ok) {
        h.log(std::string("dma_copy: the copy failed: ") + to_string(r) + " (" +
              to_string(dma.last_error(channel)) + ")");
        return 5;
    }
    const uint64_t took_ns = h.now_ns() - start_ns;
    if (h.read_block(dst, copy.data(), bytes) != bus_status::ok || copy != pattern) {
        h.log("dma_copy: the copy differs from the source");
        return 6;
    }
    if (dma.done_irqs(channel) != 1) {
        // wait() found the channel done when its bound ran out: no interrupt came.
        h.log("dma_copy: copied, but " + std::to_string(dma.done_irqs(channel)) +
              " completion interrupts in " + std::to_string(took_ns) +
              " ns (expected 1): is the DMA's line enabled at the interrupt controller?");
        return 7;
    }
    h.log("dma_copy: " + std::to_string(bytes) + " bytes on channel " + std::to_string(channel) +
          " in " + std::to_string(took_ns) + " ns, 1 done interrupt, every byte verified");
    return 0;
}

// The library's programs, declared as nnvp's built-in ones are.
const program programs[] = {
    {"dma_copy",
     "copies a DRAM buffer with one DMA channel, waits for its interrupt, checks every byte",
     {{"bytes", 4096, 1, 1 << 20, "bytes to copy"}, {"channel", 0, 0, 3, "DMA channel"}},
     dma_copy},
};

}  // namespace

NNVP_FIRMWARE_ENTRY const nnvp::fw::firmware_manifest* nnvp_firmware() {
    return nnvp::fw::manifest_of(programs);
}
