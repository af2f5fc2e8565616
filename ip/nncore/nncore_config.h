// Configuration of the NN core model, read from the platform config's
// "nncore" object. No SystemC here (the platform and tools parse it too).
#pragma once

#include <cstdint>

#include "ip/common/config_reader.h"
#include "nn/cost/core_params.h"

namespace nnvp {

struct nncore_config {
    // Array, buffers, MACs per PE per precision, energies, leakage: the
    // timing model's parameters (nn/cost/core_params.h).
    cost::core_params core;
    // Local memory port (the "buffer" socket): first-data latency and bytes
    // per cycle, in nncore clock cycles. 64 B/cycle is a 512-bit SRAM port.
    unsigned buffer_latency_cycles = 2;
    unsigned buffer_bytes_per_cycle = 64;
    // Longest stream (commands) the core accepts: bounds runaway streams.
    uint32_t max_commands = 1u << 20;
    // Commands fetched per bus read (16 x 128 B = 2 KiB bursts).
    uint32_t cmd_fetch_burst = 16;
    // nncore cycles a register access takes.
    unsigned register_access_cycles = 1;
    // Worker threads of the functional kernels inside one layer.
    unsigned kernel_threads = 1;
    // Weight decompressor (LOAD_COMPRESSED): dense elements it writes per
    // nncore cycle, and its logic energy per dense byte written (on top of
    // the local-buffer accesses). 0.03 pJ is an 8-bit add (Horowitz, ISSCC
    // 2014): the per-element prefix count that places a value. A 45 nm,
    // 0.9 V figure, scaled like the core's (core_params::energy_scale()).
    unsigned decompress_elements_per_cycle = 16;
    double decompress_pj_per_byte = 0.03;

    // Bytes of the local memory: input_kb + weight_kb + output_kb KiB.
    uint64_t local_bytes() const {
        return (uint64_t{core.input_kb} + core.weight_kb + core.output_kb) * 1024;
    }
};

// Reads the NN core's timing keys of `node`, every one optional (defaults
// above), and rejects unknown keys:
//   rows, cols (1..1024), weight_kb, input_kb, output_kb (1..1048576),
//   macs_per_pe {fp32, fp16, int16, int8, int4, binary} (1..64 each),
//   vector_lanes (1..4096), vector_function_ops (0..64), mac_pj {...},
//   vector_pj {...} (0..1e6 each),
//   sram_pj_per_byte_8kb, weight_pj_per_byte, input_pj_per_byte,
//   output_pj_per_byte, spad_pj_per_byte, noc_pj_per_byte,
//   clock_pj_per_pe_cycle, leakage_uw_per_pe, leakage_uw_per_kb,
//   leakage_mw (0..1e6; when present it overrides the derived leakage),
//   technology_nm (130, 90, 65, 45, 32, 20, 16, 14, 10, 7), zero_gating (bool),
//   auto_objective ("cycles"|"energy"|"edp"). nominal_v is not a key: the
//   platform sets it from the nncore domain's v_nominal_mv.
cost::core_params parse_core_params(const config_node& node);

// Reads every key of `node` (all optional, defaults above): the core_params
// keys (rows, cols, weight_kb, input_kb, output_kb, macs_per_pe, vector_lanes,
// vector_function_ops,
// mac_pj, vector_pj, sram_pj_per_byte_8kb, weight/input/output_pj_per_byte,
// spad/noc_pj_per_byte, clock_pj_per_pe_cycle, leakage_uw_per_pe/kb,
// leakage_mw, technology_nm, zero_gating, auto_objective) at the same level, plus buffer_latency_cycles
// (0..1000), buffer_bytes_per_cycle (1..4096), max_commands (1..2^24),
// cmd_fetch_burst (1..256), register_access_cycles (0..1000),
// kernel_threads (1..64), decompress_elements_per_cycle (1..65536),
// decompress_pj_per_byte (0..1e6). Unknown keys are rejected.
nncore_config parse_nncore_config(const config_node& node);

}  // namespace nnvp
