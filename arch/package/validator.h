// Package validation (arch/package/package_format.h): what the firmware does
// before it runs anything from a package, and what a host tool can do with a
// file. Every problem gets an error code and a message naming the section,
// step or tensor and what was expected; nothing throws, asserts or reads out
// of bounds, whatever the bytes.
//
// Checks, in this order (the first failure is reported):
//   header     size >= 80 (truncated), magic (bad_magic), version
//              (bad_version), header_size / section_count / counts
//              (bad_header), total_size == the bytes given (bad_size),
//              header checksum (header_checksum), load_address == where the
//              package lies, 64-byte aligned (load_address)
//   sections   kinds in order (bad_section), 64-byte aligned, after the
//              section table, inside the package, not overlapping
//              (section_bounds), record sections a whole number of records
//              (bad_section), FNV-1a of each, then of the whole body with
//              the padding between sections (checksum)
//   memory     package inside DRAM, arena inside DRAM or the on-chip SRAM,
//              arena not overlapping the package
//              (address_outside_dram)
//   tensors    dtype and dims (bad_tensor), inside the arena
//              (address_outside_dram), input/output indices (bad_header)
//   steps      kind (bad_step_kind); operands, code and blob ranges inside
//              their sections, shapes and types consistent (bad_step); core
//              streams parse (bad_stream: magic, version, sizes, checksum)
//              and every LOAD / LOAD_COMPRESSED reads the constants section
//              or the arena and every STORE writes the arena
//              (address_outside_dram).
// Compute commands inside a core stream are NOT validated here: the NN core
// validates them and reports an error interrupt (the runtime reports it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/nncore/command.h"
#include "arch/package/package_format.h"

namespace nnvp::package {

enum class package_error : uint8_t {
    ok = 0,
    truncated,  // fewer bytes than a header
    bad_magic,
    bad_version,
    bad_header,  // header_size, section_count, counts, tensor indices
    bad_size,    // total_size against the bytes given or a limit
    header_checksum,
    load_address,    // not where it was built for, or misaligned
    section_bounds,  // misaligned, outside the package or overlapping
    bad_section,     // kind out of order, not a whole number of records
    checksum,        // a section's FNV-1a does not match
    bad_tensor,      // dtype or dims
    bad_step_kind,
    bad_step,              // operands, code, blobs, shapes or types inconsistent
    bad_stream,            // a core step's command stream does not parse
    address_outside_dram,  // package, arena, tensor or transfer outside its area
};
const char* to_string(package_error e);

struct memory_window {
    uint64_t base = 0;
    uint64_t size = 0;
    // [addr, addr + bytes) lies inside (no overflow).
    bool contains(uint64_t addr, uint64_t bytes) const {
        return addr >= base && addr - base <= size && bytes <= size - (addr - base);
    }
};

struct package_view {
    header hdr;
    std::array<section_entry, section_count> sections{};
    std::vector<tensor_record> tensors;
    std::vector<step_record> steps;

    const section_entry& section(section_kind k) const {
        return sections[static_cast<std::size_t>(k) - 1];
    }
};

// The network's outputs in order: hdr.output_tensor, then every tensor
// flagged tensor_flag_output in index order.
std::vector<uint16_t> network_outputs(const package_view& v);

struct validation {
    package_error error = package_error::ok;
    std::string message;  // empty when ok
    bool ok() const { return error == package_error::ok; }
};

// The DRAM block a data-movement command (LOAD, STORE, LOAD_COMPRESSED)
// moves, or nullptr for any other command.
const nncore_cmd::move_cmd* dram_move(const nncore_cmd::command& c);
nncore_cmd::move_cmd* dram_move(nncore_cmd::command& c);

// The header alone (magic, version, header_size, section_count, step and
// tensor counts): what a loader checks before it trusts total_size. `out`
// receives the decoded header when at least 80 bytes are given.
validation check_header(const uint8_t* data, std::size_t size, header* out = nullptr);

// The whole package: `data` holds `size` bytes read from `load_address`;
// `dram` and `sram` are the DRAM and on-chip SRAM windows of the memory map
// (the arena may lie in either; size 0: no SRAM). `view` receives the
// decoded tables when the package is valid.
validation validate(const uint8_t* data, std::size_t size, uint64_t load_address,
                    const memory_window& dram, package_view* view = nullptr,
                    const memory_window& sram = {});

}  // namespace nnvp::package
