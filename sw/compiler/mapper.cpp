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

tiling_candidate estimate(const tile_shape& sh, const std::vector<tile_plan>& tiles,
                          tile_coster& coster, const program_options& opt) {
    tiling_candidate c{sh.images, sh.rows, sh.cols, tiles.size(), 0, 0, 0, 0.0};
    for (const tile_plan& t : tiles) {
        const cost::layer_cost& lc = coster.of(t);
        const uint64_t moved = t.in_bytes + t.in2_bytes + t.out_bytes;
        const uint64_t transfer =
            opt.dram_bytes_per_cycle > 0
                ? static_cast<uint64_t>(std::ceil(double(moved) / opt.dram_bytes_per_cycle))
                : 0;
        c.compute_cycles += lc.compute_cycles;
        c.est_cycles += std::max(lc.compute_cycles, transfer);
        c.dram_bytes += moved;
        c.energy_j += lc.energy.total_j() + double(moved) * opt.dram_pj_per_byte * 1e-12;
    }
    return c;
}

bool better(const tiling_candidate& a, const tiling_candidate& b, cost::objective obj) {
    if (obj == cost::objective::energy) {
        if (a.energy_j != b.energy_j)
            return a.energy_j < b.energy_j;
        return a.est_cycles < b.est_cycles;
    }
    if (a.est_cycles != b.est_cycles)
        return a.est_cycles < b.est_cycles;
    return a.dram_bytes < b.dram_bytes;
}

}  // namespace

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
        choice.candidates.push_back(estimate(sh, tiles, coster, opt));
        if (best.empty() || better(choice.candidates.back(), choice.candidates[choice.chosen], obj)) {
            choice.chosen = choice.candidates.size() - 1;
            best = std::move(tiles);
        }
    }
    return best;
}

}  // namespace nnvp::compiler::detail
