// SCALE-Sim v2's fold model (Samajdar et al., "A systematic methodology for
// characterizing scalability of DNN accelerators using SCALE-Sim", ISPASS
// 2020). A GEMM of P output pixels, window K and M filters is mapped onto a
// rows x cols array with one dimension on the rows (sr), one on the columns
// (sc) and one in time (t). Each fold (a rows x cols piece of sr x sc) costs
// fill + stream + drain cycles; a partly used fold costs as much as a full one.
#include "nn/cost/count_math.h"
#include "nn/cost/layer_cost.h"

namespace nnvp::cost {

using detail::ceil_div;

namespace {

fold_timing map_one(uint64_t P, uint64_t K, uint64_t M, dataflow flow, const core_params& params,
                    unsigned macs_per_pe, double stream_density) {
    fold_timing f;
    f.flow = flow;
    if (P == 0 || K == 0 || M == 0)
        return f;
    const uint64_t rows = params.rows;
    const uint64_t cols = params.cols;
    const uint64_t m = macs_per_pe == 0 ? 1 : macs_per_pe;
    switch (flow) {
        case dataflow::weight_stationary:
            f.sr = K;
            f.sc = M;
            f.t = P;
            break;
        case dataflow::input_stationary:
            f.sr = K;
            f.sc = P;
            f.t = M;
            break;
        default:
            f.sr = P;
            f.sc = M;
            f.t = K;
            break;  // output stationary
    }
    f.macs = P * K * M;
    // Zero skipping removes whole temporal steps (docs/nncore_timing.md).
    f.t_active = detail::scaled_count(f.t, stream_density);
    // A precision-scalable PE consumes m consecutive elements of the temporal
    // stream per cycle (its m fused MAC lanes), so the stream shortens to
    // ceil(t / m); m = 1 is SCALE-Sim to the cycle.
    f.t_packed = ceil_div(f.t_active, m);
    f.row_folds = ceil_div(f.sr, rows);
    f.col_folds = ceil_div(f.sc, cols);
    f.folds = f.row_folds * f.col_folds;
    // OS: operands skew in from two edges (rows - 1 + cols - 1 fill/drain).
    // WS / IS: the stationary operand is loaded first (the extra `rows`).
    f.cycles_per_fold = flow == dataflow::output_stationary ? f.t_packed + rows + cols - 2
                                                            : 2 * rows + cols + f.t_packed - 2;
    f.compute_cycles = f.folds * f.cycles_per_fold;
    f.executed_macs = f.sr * f.sc * f.t_active;
    if (f.compute_cycles > 0)
        f.utilization = static_cast<double>(f.executed_macs) /
                        (static_cast<double>(f.compute_cycles) * static_cast<double>(rows * cols) *
                         static_cast<double>(m));

    // Buffer accesses. A streamed operand is read once per fold of the other
    // array dimension; the stationary operand once in all; outputs that need
    // more than one row fold of the reduction (WS, IS: K on the rows) leave
    // partial sums in the output buffer, written and read back once per extra
    // fold. OS accumulates inside the PEs and writes each output once.
    operand_counts& a = f.accesses;
    const uint64_t outputs = P * M;
    switch (flow) {
        case dataflow::output_stationary:
            a.ifmap_reads = P * f.t_active * f.col_folds;
            a.filter_reads = M * f.t_active * f.row_folds;
            break;
        case dataflow::weight_stationary:
            a.filter_reads = K * M;
            a.ifmap_reads = K * f.t_active * f.col_folds;
            break;
        default:  // input stationary
            a.ifmap_reads = K * P;
            a.filter_reads = K * f.t_active * f.col_folds;
            break;
    }
    if (flow != dataflow::output_stationary) {
        a.psum_writes = outputs * (f.row_folds - 1);
        a.psum_reads = outputs * (f.row_folds - 1);
    }
    a.ofmap_writes = outputs;
    return f;
}

}  // namespace

fold_timing fold_model(uint64_t P, uint64_t K, uint64_t M, dataflow flow, const core_params& params,
                       unsigned macs_per_pe, double stream_density) {
    if (flow != dataflow::automatic)
        return map_one(P, K, M, flow, params, macs_per_pe, stream_density);
    fold_timing best;
    bool first = true;
    for (dataflow d :
         {dataflow::output_stationary, dataflow::weight_stationary, dataflow::input_stationary}) {
        const fold_timing f = map_one(P, K, M, d, params, macs_per_pe, stream_density);
        if (first || f.compute_cycles < best.compute_cycles)
            best = f;
        first = false;
    }
    return best;
}

}  // namespace nnvp::cost
