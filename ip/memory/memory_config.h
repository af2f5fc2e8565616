// Configuration of a memory (DRAM controller or on-chip SRAM): one model, two
// sets of defaults. No SystemC here, so parsers can be tested without a kernel.
#pragma once

#include "ip/common/config_reader.h"
#include "ip/memory/dram_banks.h"

#include <cstdint>

namespace nnvp {

enum class memory_kind { dram, sram };

// All cycles are cycles of the memory's own clock domain.
struct memory_config {
    uint64_t size_bytes = 1ull << 30;
    unsigned latency_cycles = 40;    // first-data latency of every access
    unsigned bytes_per_cycle = 16;   // peak bandwidth: bytes per cycle of the domain
    double read_pj_per_byte = 160.0;
    double write_pj_per_byte = 160.0;
    double leakage_mw = 20.0;        // at the domain's nominal voltage
    bool dmi = true;                 // grant direct memory pointers
    dram_bank_config banks;          // off: latency + bandwidth only

    // DRAM: 640 pJ per 32-bit read (DESIGN.md, Horowitz ISSCC 2014) = 160 pJ/byte.
    // Horowitz gives no write figure; a DRAM write moves the same bits across the
    // same I/O and array, so we take write = read (an assumption, overridable).
    // 16 B/cycle and 40 cycles at the DRAM controller clock are typical LPDDR4
    // controller figures (e.g. 800 MHz: 12.8 GB/s, 50 ns). Leakage 20 mW stands
    // for background/refresh power of a LPDDR device (an assumption).
    static memory_config dram();
    // SRAM (global buffer): 5 pJ per 32-bit read of an 8 KB SRAM (DESIGN.md) =
    // 1.25 pJ/byte, write taken equal to read (assumption). 512 KiB, 2 cycles,
    // 32 B/cycle, 2 mW leakage are assumptions for a 45 nm global buffer.
    static memory_config sram();
};

// Reads a memory block's JSON object. Keys (all optional): "kind" ("dram" or
// "sram": selects the defaults above; default `default_kind`), "size_bytes",
// "latency_cycles", "bytes_per_cycle", "read_pj_per_byte", "write_pj_per_byte",
// "leakage_mw", "dmi", "banks" (an object turns the bank model on: "count",
// "row_bytes", "t_rcd_ns", "t_rp_ns", "t_cl_ns", "t_wtr_ns", "t_rtw_ns",
// "t_rfc_ns", "t_refi_ns", "activate_pj"; defaults dram_bank_config's).
// Unknown keys are rejected.
memory_config parse_memory_config(const config_node& node,
                                  memory_kind default_kind = memory_kind::dram);

}  // namespace nnvp
