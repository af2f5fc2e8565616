// Parameters of the NN core's timing and energy model: array shape, local
// buffers, precision-scalable PEs, vector unit, per-operation energies. Plain
// data (no SystemC): host tools, the compiler and firmware-side predictors use
// it as well as the SystemC model. docs/nncore_timing.md derives every default.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "nn/cost/mapping.h"
#include "nn/ref/layer.h"

namespace nnvp::cost {

inline constexpr std::size_t num_precisions = 6;
// One entry per ref::precision, in enum order: fp32, fp16, int16, int8, int4, binary.
template <class T>
using per_precision = std::array<T, num_precisions>;
inline constexpr std::size_t index_of(ref::precision p) {
    return static_cast<std::size_t>(p);
}

struct core_params {
    // PE array (rows x cols processing elements).
    unsigned rows = 16;
    unsigned cols = 16;
    // Local buffers in KiB. The tiler gives each tile half of every buffer
    // (double buffering: the DMA fills one half while the array uses the other).
    unsigned weight_kb = 128;
    unsigned input_kb = 128;
    unsigned output_kb = 64;  // partial sums / outputs
    // MACs one PE performs per cycle at each precision. A precision-scalable
    // PE fuses narrow multipliers into wide ones (Bit Fusion, Sharma et al.,
    // ISCA 2018; survey: Camus et al., JETCAS 2019): with 32-bit operand links
    // a PE takes 32/bits operands per cycle, so fp32 1, fp16 2, int16 2,
    // int8 4, int4 8, binary 32 (XNOR lanes).
    per_precision<unsigned> macs_per_pe{1, 2, 2, 4, 8, 32};
    // Elements per cycle of the vector unit (pooling, add, mul, activation).
    unsigned vector_lanes = 16;
    // Extra vector-unit operations per element for a function the float
    // paths evaluate piecewise (sigmoid, tanh, exp, log, sqrt, rsqrt, erf,
    // gelu, silu, reciprocal: range reduction, segment index, table read,
    // multiply-add). Integer paths read their table in the one pass.
    unsigned vector_function_ops = 4;
    // Energy of one MAC (multiply + accumulate) in pJ at the nominal voltage,
    // 45 nm (Horowitz, ISSCC 2014): fp32 3.7 + 0.9; fp16 1.1 + fp32 add 0.9;
    // int16 mult 0.8 (multiplier energy ~ width^2: 4 x 0.2) + 64-bit add 0.2
    // (adder energy ~ width: 2 x 0.1; INT16 accumulates in 64 bits); int8
    // 0.2 + 32-bit add 0.1; int4 0.2/4 + 0.1; binary: XNOR 0.2/64 plus a
    // popcount tree and a 32-bit accumulate (2 x 0.1) shared by 32 lanes.
    per_precision<double> mac_pj{4.6, 2.0, 1.0, 0.3, 0.15, 0.2 / 64 + 0.2 / 32};
    // Energy of one vector-unit element operation (compare / add) in pJ: the
    // add of the operand width (fp32 0.9, fp16 0.4, 16-bit 0.05, 8-bit 0.03;
    // int4 and binary activations are handled as 8-bit). Element-wise mul
    // costs mac_pj instead (a multiply plus the rescale add).
    per_precision<double> vector_pj{0.9, 0.4, 0.05, 0.03, 0.03, 0.03};
    // Local SRAM energy per byte for an 8 KiB array: 5 pJ per 32-bit read
    // (Horowitz) / 4. Bigger arrays cost more per access: bit- and word-line
    // lengths grow with sqrt(capacity) (CACTI's trend), so a buffer of S KiB
    // costs sram_pj_per_byte_8kb * sqrt(S / 8) per byte (never less than the
    // 8 KiB figure).
    double sram_pj_per_byte_8kb = 1.25;
    // Explicit per-buffer energies per byte; 0 derives them by the rule above.
    double weight_pj_per_byte = 0.0;
    double input_pj_per_byte = 0.0;
    double output_pj_per_byte = 0.0;
    // PE-local register/scratchpad energy per byte accessed. Every MAC with
    // two non-zero operands reads its two operands and reads and writes its
    // accumulator there. 0.072 pJ/B: Aladdin's register, 0.009 pJ per bit
    // read (Shao et al., ISCA 2014; 40 nm, taken as the 45 nm figure) -- a
    // systolic PE's pipeline registers. Eyeriss-like PEs with SRAM
    // scratchpads set more (platform/configs/eyeriss.json).
    double spad_pj_per_byte = 0.072;
    // On-chip network: energy per byte delivered from a local buffer to the
    // PEs (or a partial sum / output back), one traversal of the array.
    // Chen, Emer, Sze (ISCA 2016, Table IV): an inter-PE transfer costs 2x a
    // 16-bit MAC per 16-bit word in arrays of a few hundred PEs, so
    // 2 x mac_pj[int16] (1.0) / 2 B = 1.0 pJ/B for the reference 256-PE array;
    // the wire length grows with the array's side: x sqrt(rows*cols / 256).
    double noc_pj_per_byte = 1.0;
    // Clock tree and control per PE per active compute cycle (vector unit:
    // per lane). A PE's two 32-bit operand pipeline registers latch every
    // cycle: 64 bits x Aladdin's 0.009 pJ/bit = 0.576, rounded to 0.6 pJ
    // with the PE's share of the control. Idle cycles are clock-gated.
    double clock_pj_per_pe_cycle = 0.6;
    // Leakage at 45 nm, 0.9 V, derived from area: Aladdin's 40 nm 32-bit
    // multiplier leaks 80 uW in 6350 um^2 (12.6 nW/um^2). A PE (a 32-bit
    // fused multiplier plus a 64-bit accumulator: two 32-bit adders, 2.4 uW
    // each) leaks 85 uW; an SRAM KiB (8192 bits of 0.346 um^2 6T cells,
    // Intel 45 nm, at 50 % array efficiency: 5670 um^2) 72 uW at the same
    // density. Both scale with technology_energy_factor().
    double leakage_uw_per_pe = 85.0;
    double leakage_uw_per_kb = 72.0;
    // Explicit whole-core leakage at the nominal voltage, in mW (the
    // platform config's leakage_mw); negative derives it from the PEs and
    // buffers above. The SystemC model integrates it over time.
    double leakage_mw = -1.0;
    // Process node and nominal supply of the core's domain: every energy
    // and leakage figure above is a 45 nm, 0.9 V value scaled by
    // technology_energy_factor(technology_nm, nominal_v) (technology.h).
    // The SystemC model then applies (V / nominal_v)^2 to the voltage of
    // the moment. nominal_v comes from the domain's v_nominal_mv.
    unsigned technology_nm = 45;
    double nominal_v = 0.9;
    // Hardware zero gating (Eyeriss): a zero input activation gates its MAC
    // and scratchpad accesses whatever MODE.sparsity says.
    bool zero_gating = false;
    // What dataflow::automatic minimises.
    objective auto_objective = objective::cycles;

    unsigned macs_for(ref::precision p) const { return macs_per_pe[index_of(p)]; }
    // Energies at technology_nm and nominal_v (the figures above x energy_scale()).
    double energy_scale() const;
    double mac_energy_pj(ref::precision p) const { return mac_pj[index_of(p)] * energy_scale(); }
    double vector_energy_pj(ref::precision p) const {
        return vector_pj[index_of(p)] * energy_scale();
    }
    double spad_energy_pj_per_byte() const { return spad_pj_per_byte * energy_scale(); }
    double noc_energy_pj_per_byte() const;
    double clock_energy_pj_per_pe_cycle() const { return clock_pj_per_pe_cycle * energy_scale(); }
    // Effective per-byte energies of the three buffers (explicit or derived).
    double weight_buffer_pj_per_byte() const;
    double input_buffer_pj_per_byte() const;
    double output_buffer_pj_per_byte() const;
    // The core's leakage at the nominal voltage: leakage_mw when set, else
    // (rows*cols*leakage_uw_per_pe + KiB*leakage_uw_per_kb) x energy_scale().
    double core_leakage_mw() const;
    // Half of each buffer in bytes: what one tile may use.
    uint64_t weight_tile_budget() const { return uint64_t{weight_kb} * 1024 / 2; }
    uint64_t input_tile_budget() const { return uint64_t{input_kb} * 1024 / 2; }
    uint64_t output_tile_budget() const { return uint64_t{output_kb} * 1024 / 2; }
};

// sram_pj_per_byte_8kb * max(1, sqrt(kb / 8)).
double sram_pj_per_byte(double kb, double pj_per_byte_8kb);

}  // namespace nnvp::cost
