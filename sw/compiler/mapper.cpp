// The mapper of single-layer programs (mapper.h).
#include "sw/compiler/mapper.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "nn/cost/layer_cost.h"

namespace nnvp::compiler::detail {

namespace {

// One tile's fold-model cost; tiles of one tiling mostly share a shape.
class tile_coster {
public:
    tile_coster(const plan_input& p, const program_options& opt) : m_p(p), m_opt(opt) {}

    const cost::layer_cost& of(const tile_plan& t) {
        const auto key = std::make_tuple(t.images, t.in_rows, t.in_cols, t.pad_top, t.pad_bottom,
                                         t.pad_left, t.pad_right);
        auto it = m_memo.find(key);
        if (it == m_memo.end())
            it = m_memo
                     .emplace(key, cost::of_layer(tile_layer(m_p, t), tile_input_shape(m_p, t),
                                                  m_opt.df, *m_opt.core))
                     .first;
        return it->second;
    }

private:
    const plan_input& m_p;
    const program_options& m_opt;
    std::map<std::tuple<int, int, int, int, int, int, int>, cost::layer_cost> m_memo;
};

// A tile's moves: contiguous when it spans whole rows, else one row per block row.
uint64_t tile_transfer(const plan_input& p, const tile_plan& t, const program_options& opt) {
    auto block = [&](std::size_t bytes, int rows, bool whole) {
        return whole || rows <= 0 ? transfer_cycles(1, bytes, opt)
                                  : transfer_cycles(uint64_t(rows), bytes / std::size_t(rows), opt);
    };
    return block(t.in_bytes, t.in_rows * t.images, t.in_cols == p.in.w) +
           block(t.in2_bytes, 1, true) +
           block(t.out_bytes, t.out_rows * t.images, t.out_cols == p.out.w);
}

tiling_candidate estimate(const plan_input& p, const tile_shape& sh,
                          const std::vector<tile_plan>& tiles, tile_coster& coster,
                          const program_options& opt) {
    tiling_candidate c{sh.images, sh.rows, sh.cols, tiles.size(), 0, 0, 0, 0.0};
    for (const tile_plan& t : tiles) {
        const cost::layer_cost& lc = coster.of(t);
        const uint64_t moved = t.in_bytes + t.in2_bytes + t.out_bytes;
        const uint64_t transfer = tile_transfer(p, t, opt);
        c.compute_cycles += lc.compute_cycles;
        c.est_cycles += std::max(lc.compute_cycles, transfer);
        c.dram_bytes += moved;
        c.energy_j += lc.energy.total_j() + double(moved) * opt.dram_pj_per_byte * 1e-12;
    }
    return c;
}

}  // namespace

double objective_value(double energy_j, double cycles, cost::objective obj) {
    return obj == cost::objective::energy ? energy_j
           : obj == cost::objective::edp  ? energy_j * cycles
                                          : cycles;
}

bool better(const tiling_candidate& a, const tiling_candidate& b, cost::objective obj) {
    const double va = objective_value(a.energy_j, double(a.est_cycles), obj);
    const double vb = objective_value(b.energy_j, double(b.est_cycles), obj);
    if (va != vb)
        return va < vb;
    if (obj != cost::objective::cycles && a.est_cycles != b.est_cycles)
        return a.est_cycles < b.est_cycles;
    return a.dram_bytes < b.dram_bytes;
}

uint64_t transfer_cycles(uint64_t rows, uint64_t row_bytes, const program_options& opt) {
    if (opt.dram_bytes_per_cycle <= 0 || rows * row_bytes == 0)
        return 0;
    const auto streaming =
        static_cast<uint64_t>(std::ceil(double(rows * row_bytes) / opt.dram_bytes_per_cycle));
    const uint64_t burst = std::max<uint32_t>(opt.dram_burst_bytes, 1);
    const uint64_t bursts = rows * ((row_bytes + burst - 1) / burst);
    return std::max(streaming, static_cast<uint64_t>(std::ceil(double(bursts) * opt.dram_burst_cycles)));
}

std::vector<tile_plan> map_layer(const plan_input& p, const slots& s, const program_options& opt,
                                 mapping_choice& choice) {
    const std::vector<tile_shape> shapes = fitting_shapes(p, s);
    if (shapes.empty())
        fail_no_fit(p, s);
    choice = {};
    if (!opt.core) {
        choice.objective = "largest";
        const std::vector<tile_plan> tiles = tiles_of(p, shapes.front(), s);
        choice.candidates.push_back({shapes.front().images, shapes.front().rows,
                                     shapes.front().cols, tiles.size(), 0, 0, 0, 0.0});
        return tiles;
    }
    const cost::objective obj = opt.core->auto_objective;
    choice.objective = cost::to_string(obj);
    tile_coster coster(p, opt);
    std::vector<tile_plan> best;
    for (const tile_shape& sh : shapes) {
        std::vector<tile_plan> tiles = tiles_of(p, sh, s);
        choice.candidates.push_back(estimate(p, sh, tiles, coster, opt));
        if (best.empty() || better(choice.candidates.back(), choice.candidates[choice.chosen], obj)) {
            choice.chosen = choice.candidates.size() - 1;
            best = std::move(tiles);
        }
    }
    return best;
}

}  // namespace nnvp::compiler::detail
