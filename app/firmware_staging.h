// What the host puts in DRAM before some firmware programs boot, as a boot
// loader or a test harness would: the NN-core demos run a command stream or a
// package the host compiled (sw/compiler) and check their results against
// golden data the host computed with the reference executor, so the firmware
// itself links neither. The program learns where everything lies from
// arguments the host adds (declared by the program, like nn_network's).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "firmware/programs/program.h"
#include "platform/platform_config.h"
#include "platform/soc.h"

namespace nnvp {

struct staged_block {
    uint64_t address = 0;
    std::vector<uint8_t> bytes;
};

struct firmware_staging {
    std::vector<staged_block> blocks;      // into DRAM before boot
    std::map<std::string, int64_t> args;   // the addresses and figures the program reads
};

// The staging `program` needs for its resolved `args` on `cfg`, or nothing
// for programs that need none. Throws config_error (naming the argument) when
// the host cannot compile what the arguments ask for.
std::optional<firmware_staging> stage_firmware(const fw::program& program,
                                               const fw::program_args& args,
                                               const platform_config& cfg);

// The program's arguments with the staging's added (checked by the program).
fw::program_args with_staging(const fw::program& program, const fw::program_args& args,
                              const firmware_staging& s);

// Copies the staged blocks into the chip's DRAM.
void preload(const firmware_staging& s, soc& chip);

// One stager per program (stage_layer_demo.cpp, stage_package_demo.cpp).
firmware_staging stage_layer_demo(const fw::program_args& args, const platform_config& cfg);
firmware_staging stage_package_demo(const fw::program_args& args, const platform_config& cfg);

}  // namespace nnvp
