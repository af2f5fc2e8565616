// Timing and energy of one NN-core compute command (a layer, or one tile of
// it) on the PE array: SCALE-Sim v2's fold model (Samajdar et al., ISPASS
// 2020) extended by precision-scalable PEs, zero gating/skipping, a vector
// unit for the non-GEMM ops and per-access buffer energy. Pure C++, no
// SystemC: the SystemC model adds stalls, DMA, DVFS and leakage on top.
// docs/nncore_timing.md derives every formula.
#pragma once

#include <cstdint>

#include "nn/cost/core_params.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::cost {

// Element accesses of the local buffers for one GEMM under one mapping
// (counted in operand elements of the im2col GEMM view, as SCALE-Sim counts
// its SRAM demand).
struct operand_counts {
    uint64_t ifmap_reads = 0;   // input buffer
    uint64_t filter_reads = 0;  // weight buffer
    uint64_t psum_reads = 0;    // output buffer, partial sums read back to accumulate
    uint64_t psum_writes = 0;   // output buffer, partial sums of unfinished outputs
    uint64_t ofmap_writes = 0;  // output buffer, finished outputs
};

struct fold_timing {
    dataflow flow = dataflow::output_stationary;  // never automatic
    uint64_t sr = 0, sc = 0, t = 0;               // GEMM dims on array rows, columns, time
    uint64_t t_active = 0;                        // temporal steps not skipped (= t when dense)
    uint64_t t_packed = 0;                        // ceil(t_active / macs_per_pe)
    uint64_t row_folds = 0;                       // ceil(sr / rows)
    uint64_t col_folds = 0;                       // ceil(sc / cols)
    uint64_t folds = 0;
    uint64_t cycles_per_fold = 0;
    uint64_t compute_cycles = 0;  // folds * cycles_per_fold
    uint64_t macs = 0;            // P * K * M
    uint64_t executed_macs = 0;   // sr * sc * t_active
    double utilization = 0.0;     // executed / (cycles * rows * cols * macs_per_pe)
    operand_counts accesses;
};

// The fold model for a GEMM of P output pixels, window K and M filters.
// OS (sr, sc, t) = (P, M, K), WS = (K, M, P), IS = (K, P, M); folds =
// ceil(sr/rows) * ceil(sc/cols); cycles per fold OS = t' + rows + cols - 2,
// WS/IS = 2*rows + cols + t' - 2 with t' = ceil(t_active / macs_per_pe).
// `stream_density` (zero skipping) shrinks the temporal steps: t_active =
// ceil(t * stream_density). automatic picks the fewest cycles (ties: OS, WS,
// IS in that order). A zero dimension gives zero cycles and accesses;
// macs_per_pe 0 counts as 1.
fold_timing fold_model(uint64_t P, uint64_t K, uint64_t M, dataflow flow, const core_params& params,
                       unsigned macs_per_pe, double stream_density = 1.0);

struct sparsity {
    enum mode : uint8_t { none, gate, skip };
    mode kind = none;
    double weight_density = 1.0;      // fraction of non-zero weights, [0, 1]
    double activation_density = 1.0;  // fraction of non-zero input activations
};

// Local-buffer traffic in bytes, by buffer.
struct buffer_bytes {
    uint64_t input_read = 0;
    uint64_t weight_read = 0;
    uint64_t output_read = 0;   // partial sums read back
    uint64_t output_write = 0;  // partial sums and finished outputs
};

// Dynamic energy by level and action at the nominal voltage (the SystemC
// model scales by (V/Vnom)^2), docs/nncore_timing.md "Energy".
struct energy_split {
    double mac_j = 0.0;              // PE-array MACs with two non-zero operands
    double vector_j = 0.0;           // vector-unit element operations
    double spad_j = 0.0;             // PE-local registers / scratchpads
    double input_buffer_j = 0.0;     // local buffers, by name
    double weight_buffer_j = 0.0;
    double output_buffer_j = 0.0;
    double noc_j = 0.0;              // operand delivery buffer <-> PE array
    double clock_j = 0.0;            // clock tree and control, active cycles
    double buffer_j() const { return input_buffer_j + weight_buffer_j + output_buffer_j; }
    double total_j() const {
        return mac_j + vector_j + spad_j + buffer_j() + noc_j + clock_j;
    }
    energy_split& operator+=(const energy_split& o);
    energy_split scaled(double k) const;
};

struct layer_cost {
    dataflow flow = dataflow::output_stationary;  // the one used (never automatic)
    bool vector_unit = false;                    // pooling / eltwise / activation: no PE-array work
    ref::precision prec = ref::precision::fp32;  // costed precision (see docs)
    uint64_t groups = 1;                         // GEMMs run one after another (conv groups)
    uint64_t P = 0, K = 0, M = 0;                // GEMM view of one group
    uint64_t folds = 0;                          // over all groups
    uint64_t cycles_per_fold = 0;
    uint64_t compute_cycles = 0;
    uint64_t macs = 0;               // dense MACs (all groups)
    uint64_t zero_skipped_macs = 0;  // MACs whose cycles zero skipping removed
    uint64_t gated_macs = 0;         // MACs executed with a zero operand (no energy)
    uint64_t vector_ops = 0;         // vector-unit element operations
    // PE-cycles with the clock running: each fold clocks only the PEs the
    // GEMM maps onto (unused PEs are clock-gated, as in Eyeriss), so
    // groups * sr * sc * cycles_per_fold; vector unit: cycles * lanes.
    uint64_t clocked_pe_cycles = 0;
    buffer_bytes bytes;
    energy_split energy;
    double utilization = 0.0;  // (macs - skipped) / (cycles * rows * cols * macs_per_pe)
};

// Cost of layer `l` on an input of shape `in` (NHWC). conv2d: one GEMM per
// group, P = N*Eh*Ew, K = R*S*C/groups, M = O/groups; fully_connected: P = N,
// K = H*W*C, M = O; pooling, add, mul and activation run on the vector unit:
// cycles = ceil(vector_ops / vector_lanes). automatic evaluates OS, WS and IS
// and keeps the least compute_cycles (objective::cycles; ties: less energy,
// then OS, WS, IS) or the least energy (objective::energy; ties: fewer
// cycles, then OS, WS, IS). Densities are clamped to [0, 1]. Throws
// std::invalid_argument for a malformed layer (as ref::output_shape does).
layer_cost of_layer(const ref::layer& l, nn::shape4 in, dataflow flow, const core_params& params,
                const sparsity& sp = {});
layer_cost of_layer(const ref::layer& l, nn::shape4 in, dataflow flow, const core_params& params,
                const sparsity& sp, objective obj);

// The precision the PE array runs a layer at: binary layers with int8
// activations multiply int8 by +-1, costed as int8.
ref::precision costed_precision(const ref::layer& l);

struct compression_params {
    unsigned index_bytes = 2;    // CSR column index per non-zero
    unsigned pointer_bytes = 4;  // CSR row pointer
};

// Bytes of a rows x row_len weight matrix of value_bits-bit values with
// `density` non-zeros (nnz = ceil(rows * row_len * density)):
//   dense:  ceil(rows * row_len * bits / 8)
//   bitmap: ceil(rows * row_len / 8) + ceil(nnz * bits / 8)
//   csr:    ceil(nnz * bits / 8) + nnz * index_bytes + (rows + 1) * pointer_bytes
//   automatic: the least of the three
uint64_t compressed_weight_bytes(uint64_t rows, uint64_t row_len, unsigned value_bits,
                                 double density, weight_format fmt,
                                 const compression_params& cp = {});
// The weight tensor of a conv2d / fully_connected layer (rows = O filters of
// row_len = R*S*C/groups, resp. H*W*C); 0 for layers without weights.
uint64_t weight_dram_bytes(const ref::layer& l, nn::shape4 in, double density, weight_format fmt,
                           const compression_params& cp = {});

}  // namespace nnvp::cost
