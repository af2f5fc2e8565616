// A firmware library with two programs, built with nnvp_add_firmware as a
// user's would be: one that reads a DMA register and reports its argument,
// one that ends with the exit code it is given.
#include "arch/regs/dma_regs.h"
#include "firmware/programs/firmware_library.h"

#include <string>

namespace {

using namespace nnvp::fw;

int echo(hal& h, const program_args& args) {
    uint32_t id = 0;
    if (h.read32(h.map().at("dma").base + nnvp::dma_regs::ID.offset, id) != bus_status::ok)
        return 1;
    h.log("echo: value=" + std::to_string(args.get("value")) +
          (id == nnvp::dma_regs::id_value ? ", DMA ID read" : ", unexpected DMA ID"));
    return id == nnvp::dma_regs::id_value ? 0 : 2;
}

int exit_with(hal& h, const program_args& args) {
    h.log("exit_with: returning " + std::to_string(args.get("code")));
    return static_cast<int>(args.get("code"));
}

const program programs[] = {
    {"echo",
     "logs its argument after reading the DMA ID register",
     {{"value", 7, 0, 100, "the value to log"}},
     echo},
    {"exit_with",
     "returns its argument as the exit code",
     {{"code", 0, 0, 255, "exit code"}},
     exit_with},
};

}  // namespace

NNVP_FIRMWARE_ENTRY const firmware_manifest* nnvp_firmware() {
    return manifest_of(programs);
}
