// What a CPU-fallback step costs on the firmware CPU, in CPU cycles. The
// runtime computes the op on the host (nn/kernels) and annotates the cycles
// with hal.consume_cycles(); the HAL turns them into time through the CPU's
// clock domain, so a DVFS change of the CPU changes fallback time.
//
// The defaults are ASSUMPTIONS for a small single-issue in-order core with a
// single-precision FPU and no SIMD (Cortex-M4F / RV32IMF class), from
// instruction counts of the inner loops, not from measurements:
//   MAC fp32    4    cycles  two loads + fmadd (3-cycle dependent accumulate)
//   MAC fp16    8            + two half->single conversions (no half FPU)
//   MAC int16   2            packed loads, multiply-accumulate, unrolled
//   MAC int8    2            the same (no 4-way SIMD)
//   MAC int4    3            + nibble unpacking
//   MAC binary  0.5          XNOR + popcount of 32 weights in ~16 cycles
//   element     3            per output element of an epilogue (bias,
//                            requantize: multiply, shift, clamp), per pool
//                            tap, per element-wise add / mul / activation
//   softmax    40            per element: max pass, expf polynomial (~30),
//                            sum, one reciprocal multiply
//   copy        0.125        per byte: 8 bytes a cycle (64-bit loads/stores)
//   checksum    2            per package byte validated (FNV-1a: xor, multiply)
//   step      200            per CPU step: dispatch, decoding, set-up
// Fractions are kept as 1/1000 cycle ("millicycles") so the arithmetic is
// exact: cycles = step + ceil((macs * mac + elements * element) / 1000).
// Every number is overridable (firmware program arguments).
#pragma once

#include "nn/cpuops/cpu_op.h"

#include <array>
#include <cstdint>

#include "arch/nncore/layer_codec.h"

namespace nnvp::fw {

struct cpu_cost_model {
    // By ref::precision: fp32, fp16, int16, int8, int4, binary.
    std::array<uint32_t, 6> mac_millicycles = {4000, 8000, 2000, 2000, 3000, 500};
    uint32_t element_millicycles = 3000;
    uint32_t softmax_millicycles = 40000;
    uint32_t copy_millicycles = 125;
    uint32_t checksum_millicycles = 2000;
    uint32_t step_cycles = 200;
};

// The work of a compute op on the CPU.
struct cpu_work {
    uint64_t macs = 0;      // conv2d / fully_connected
    uint64_t elements = 0;  // epilogue outputs, pool taps, element-wise outputs
    uint64_t transcendental = 0;  // float-path function evaluations (exp, erf, ...)
};
cpu_work layer_work(const nncore_cmd::decoded_layer& d);

uint64_t layer_cycles(const cpu_cost_model& m, const nncore_cmd::decoded_layer& d);
uint64_t softmax_cycles(const cpu_cost_model& m, uint64_t elements);
uint64_t copy_cycles(const cpu_cost_model& m, uint64_t bytes);
// A nn/cpuops op: elements at element_millicycles, exp/pow at
// softmax_millicycles, copied bytes at copy_millicycles.
uint64_t cpu_op_cycles(const cpu_cost_model& m, const cpuops::work& w);
// Validation of a package (no per-step overhead).
uint64_t checksum_cycles(const cpu_cost_model& m, uint64_t bytes);

}  // namespace nnvp::fw
