// A firmware library: a shared library, built against the installed SDK
// (find_package(nnvp), nnvp_add_firmware), that `nnvp run` loads with
// firmware.library or --firmware. It declares its programs with the same
// struct as the built-in ones, through one C entry point:
//
//   static const nnvp::fw::program my_programs[] = {
//       {"my_driver", "what it does", {{"bytes", 4096, 1, 65536, "bytes to copy"}}, my_entry}};
//   NNVP_FIRMWARE_ENTRY const nnvp::fw::firmware_manifest* nnvp_firmware() {
//       return nnvp::fw::manifest_of(my_programs);
//   }
//
// program, hal and program_args cross the library boundary as C++ types, so
// nnvp accepts only a library built against its own SDK (same version, same
// layout); anything else is refused with a message before any program runs.
#pragma once

#include "firmware/programs/program.h"

#include <cstddef>
#include <cstdint>

namespace nnvp::fw {

// Bumped whenever program, program_args, arg_spec, hal or the manifest
// change layout or meaning.
inline constexpr uint32_t firmware_abi_version = 1;
inline constexpr const char* firmware_entry_symbol = "nnvp_firmware";

// The version of the nnvp SDK this code was built against (the project's
// version, compiled into the SDK's library).
const char* sdk_version();

struct firmware_manifest {
    uint32_t abi_version;     // first, so any version of nnvp can read it
    uint32_t program_size;    // sizeof(program): catches a different C++ standard library
    const char* sdk_version;  // sdk_version() of the SDK the library linked
    const program* programs;
    std::size_t count;
};

using firmware_entry_fn = const firmware_manifest* (*)();

// The manifest of a library's program table; call it from the entry point.
template <std::size_t N>
const firmware_manifest* manifest_of(const program (&table)[N]) {
    static const firmware_manifest manifest{firmware_abi_version, sizeof(program), sdk_version(),
                                            table, N};
    return &manifest;
}

}  // namespace nnvp::fw

// The entry point's linkage: a C name nnvp finds with dlsym, exported even
// when the library hides its other symbols.
#define NNVP_FIRMWARE_ENTRY extern "C" __attribute__((visibility("default")))
