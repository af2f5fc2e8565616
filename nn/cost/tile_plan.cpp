// Buffer-fitting tiler (see tile_plan.h for the strategy).
#include "nn/cost/tile_plan.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "nn/cost/count_math.h"
#include "nn/cost/layer_view.h"
#include "nn/cost/layer_cost.h"

namespace nnvp::nncore {

using detail::ceil_div;
using detail::layer_view;
using detail::packed_bytes;

namespace {

// Bounds the plan's size: a configuration that needs more tiles than this is
// reported as an error rather than allocating without limit.
constexpr uint64_t max_tiles = uint64_t{1} << 20;

struct planner {
    const layer_view& v;
    const core_params& params;
    uint64_t wb, ib, ob;

    // Output channels of a tile, rounded to whole groups when it spans more
    // than one group (a tile never holds part of two groups).
    uint64_t normalize(uint64_t cnt) const {
        cnt = std::max<uint64_t>(1, std::min(cnt, v.O));
        return cnt >= v.opg ? cnt / v.opg * v.opg : cnt;
    }
    uint64_t in_channels(uint64_t cnt) const { return cnt >= v.opg ? cnt / v.opg * v.cpg : v.cpg; }
    uint64_t weight_bytes(uint64_t cnt) const { return packed_bytes(cnt * v.gemm_k(), v.w_bits); }
    uint64_t input_bytes(uint64_t rows, uint64_t cols, uint64_t ic) const {
        return v.inputs * packed_bytes(rows * cols * ic, v.in_bits);
    }
    bool fits(uint64_t hc, uint64_t wc, uint64_t cnt) const {
        const uint64_t rows = std::min(v.H, v.in_rows_for(hc));
        const uint64_t cols = std::min(v.W, v.in_cols_for(wc));
        return input_bytes(rows, cols, in_channels(cnt)) <= ib &&
               packed_bytes(hc * wc * cnt, v.acc_bits) <= ob;
    }
    // Largest x in [1, hi] with pred(x), given pred(1) (pred is monotone).
    template <class Pred>
    static uint64_t largest(uint64_t hi, Pred pred) {
        uint64_t lo = 1;
        while (lo < hi) {
            const uint64_t mid = lo + (hi - lo + 1) / 2;
            if (pred(mid))
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }
    // Output-channel ranges of `cnt` channels (whole groups, or within a group).
    std::vector<std::pair<uint64_t, uint64_t>> channel_ranges(uint64_t cnt) const {
        std::vector<std::pair<uint64_t, uint64_t>> r;
        if (cnt >= v.opg) {
            for (uint64_t o = 0; o < v.O; o += cnt)
                r.emplace_back(o, std::min(cnt, v.O - o));
        } else {
            for (uint64_t g = 0; g < v.groups; ++g)
                for (uint64_t o = 0; o < v.opg; o += cnt)
                    r.emplace_back(g * v.opg + o, std::min(cnt, v.opg - o));
        }
        return r;
    }
};

// Input range [first, first + count) read by `n` outputs from `o0`, clamped to
// the real input (padding is not stored).
std::pair<uint64_t, uint64_t> input_range(uint64_t o0, uint64_t n, uint64_t stride, uint64_t pad,
                                          uint64_t span, uint64_t size) {
    const int64_t lo = static_cast<int64_t>(o0 * stride) - static_cast<int64_t>(pad);
    const int64_t hi = lo + static_cast<int64_t>((n - 1) * stride + span);
    const int64_t a = std::max<int64_t>(0, lo);
    const int64_t b = std::min<int64_t>(static_cast<int64_t>(size), hi);
    return {static_cast<uint64_t>(a), static_cast<uint64_t>(std::max<int64_t>(b - a, 0))};
}

}  // namespace

tile_plan plan_tiles(const ref::layer& l, sw::shape4 in, const core_params& params, dataflow flow) {
    tile_plan plan;
    plan.weight_budget = params.weight_tile_budget();
    plan.input_budget = params.input_tile_budget();
    plan.output_budget = params.output_tile_budget();
    layer_view v;
    try {
        v = detail::view_of(l, in);
        plan.flow = flow == dataflow::automatic ? cost(l, in, flow, params).flow : flow;
    } catch (const std::invalid_argument& e) {
        plan.error = e.what();
        return plan;
    }
    const planner pl{v, params, plan.weight_budget, plan.input_budget, plan.output_budget};

    // Channels: as many filters as fit, then shrink until one pixel fits.
    uint64_t cnt = v.O;
    if (v.w_bits > 0)
        cnt = pl.largest(v.O + 1, [&](uint64_t c) { return pl.weight_bytes(c - 1) <= pl.wb; }) - 1;
    cnt = cnt == 0 ? 0 : pl.normalize(cnt);
    while (cnt > 1 && !pl.fits(1, 1, cnt))
        cnt = pl.normalize(cnt / 2);
    if (cnt == 0 || !pl.fits(1, 1, cnt)) {
        plan.error = "layer '" + l.name + "' (" + ref::to_string(l.op) +
                     "): one output pixel of one channel needs " +
                     std::to_string(pl.input_bytes(std::min(v.H, v.R), std::min(v.W, v.S),
                                                   pl.in_channels(1))) +
                     " input bytes, " + std::to_string(pl.weight_bytes(1)) + " weight bytes and " +
                     std::to_string(packed_bytes(1, v.acc_bits)) +
                     " output bytes; a tile may use " + std::to_string(pl.ib) + ", " +
                     std::to_string(pl.wb) + " and " + std::to_string(pl.ob) +
                     " (half of each buffer)";
        return plan;
    }
    // Spatial extent: full rows when one fits, else runs of columns.
    uint64_t hc = 1;
    uint64_t wc = v.Ew;
    if (pl.fits(1, v.Ew, cnt))
        hc = pl.largest(v.Eh, [&](uint64_t h) { return pl.fits(h, v.Ew, cnt); });
    else
        wc = pl.largest(v.Ew, [&](uint64_t w) { return pl.fits(1, w, cnt); });

    const auto ranges = pl.channel_ranges(cnt);
    const uint64_t count = ranges.size() * v.N * ceil_div(v.Eh, hc) * ceil_div(v.Ew, wc);
    if (count > max_tiles) {
        plan.error = "layer '" + l.name + "': " + std::to_string(count) +
                     " tiles exceed the planner's limit of " + std::to_string(max_tiles);
        return plan;
    }
    plan.tiles.reserve(count);
    for (const auto& [oc0, occ] : ranges) {
        bool first_of_range = true;
        for (uint64_t n = 0; n < v.N; ++n) {
            for (uint64_t oh = 0; oh < v.Eh; oh += hc) {
                for (uint64_t ow = 0; ow < v.Ew; ow += wc) {
                    tile t;
                    t.n = n;
                    t.oh0 = oh;
                    t.oh_count = std::min(hc, v.Eh - oh);
                    t.ow0 = ow;
                    t.ow_count = std::min(wc, v.Ew - ow);
                    t.oc0 = oc0;
                    t.oc_count = occ;
                    const auto [ih0, ihc] = input_range(oh, t.oh_count, v.stride_h, v.pad_top,
                                                        (v.R - 1) * v.dilation_h + 1, v.H);
                    const auto [iw0, iwc] = input_range(ow, t.ow_count, v.stride_w, v.pad_left,
                                                        (v.S - 1) * v.dilation_w + 1, v.W);
                    t.ih0 = ih0;
                    t.ih_count = ihc;
                    t.iw0 = iw0;
                    t.iw_count = iwc;
                    t.ic0 = oc0 / v.opg * v.cpg;
                    t.ic_count = pl.in_channels(occ);
                    t.input_bytes = pl.input_bytes(ihc, iwc, t.ic_count);
                    t.weight_bytes = pl.weight_bytes(occ);
                    const uint64_t pixels = t.oh_count * t.ow_count;
                    t.psum_bytes = packed_bytes(pixels * occ, v.acc_bits);
                    t.output_bytes = packed_bytes(pixels * occ, v.out_bits);
                    t.macs = v.on_array ? pixels * v.gemm_k() * occ : 0;
                    t.compute_cycles = detail::cost_view(detail::tile_view(v, t), plan.flow, params,
                                                         {}, params.auto_objective)
                                           .compute_cycles;
                    t.weights_reused = !first_of_range && v.w_bits > 0;
                    first_of_range = false;
                    plan.compute_cycles += t.compute_cycles;
                    plan.tiles.push_back(t);
                }
            }
        }
    }
    return plan;
}

}  // namespace nnvp::nncore
