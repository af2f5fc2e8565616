// Programs over input-channel passes (channel_split.h).
#include "sw/compiler/channel_split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "nn/cost/layer_cost.h"
#include "nn/ref/ops.h"
#include "sw/compiler/mapper.h"
#include "sw/compiler/tiler.h"

namespace nnvp::compiler::detail {

using namespace nncore_cmd;
using nn::dtype;
using nn::shape4;
using ref::op_kind;

namespace {

constexpr int max_group_sizes = 24;  // candidates per layer (compile time)
constexpr int max_passes = 1024;     // per tile: more would be mostly pass overhead

// The layer as its passes see it: fully connected as N rows of K channels.
struct split_layer {
    explicit split_layer(const ref::layer& layer) : l(layer) {}
    const ref::layer& l;
    bool fc = false;
    shape4 in, out;  // fc: in [N,1,1,K]
    int C = 0;       // channels split (fc: K)
    int taps = 1;    // kernel_h * kernel_w
    std::size_t in_eb = 1, w_eb = 1, out_eb = 1, acc_eb = 4;  // bytes per element
};

// One input-channel group size and how its passes run.
struct split_plan {
    int kg = 0, passes = 0;
    std::vector<tile_plan> tiles;  // in_bytes: one pass's input
    bool resident = false;         // every pass's weights stay in the weight buffer
    uint32_t acc = 0, out_slot[2] = {0, 0}, w_slot[2] = {0, 0};
    tiling_candidate estimate;
};

int pass_channels(const split_layer& s, int kg, int g) {
    return std::min(kg, s.C - g * kg);
}

std::size_t pass_weight_bytes(const split_layer& s, int kg, int g) {
    return std::size_t(s.l.out_channels) * std::size_t(s.taps) *
           std::size_t(pass_channels(s, kg, g)) * s.w_eb;
}

shape4 pass_input(const split_layer& s, const tile_plan& t, int kc) {
    return s.fc ? shape4{t.images, 1, 1, kc} : shape4{1, t.in_rows, s.in.w, kc};
}

// Pass g of `passes` on tile t: edge padding of the tile, partial flags; a
// pass that writes raw sums has no bias or activation (the last one has).
ref::layer pass_layer(const split_layer& s, const tile_plan& t, int g, int passes) {
    ref::layer lp = ref::input_channel_pass(s.l, g, passes);
    if (!s.fc) {
        lp.geo.pad_top = t.pad_top;
        lp.geo.pad_bottom = t.pad_bottom;
    }
    return lp;
}

// The tiles of one group size: the most output rows (fully connected: the
// most images) whose pass input fits an input slot and whose accumulators
// and two output slots fit the output buffer.
std::vector<tile_plan> split_tiles(const split_layer& s, int kg, const local_layout& loc,
                                   uint64_t A) {
    const shape4 in{s.in.n, s.in.h, s.in.w, kg};
    const plan_input p{s.l, in, {}, s.out, ref::input_type(s.l), ref::input_type(s.l),
                       ref::output_type(s.l), false};
    const uint64_t region = uint64_t{loc.out_slot_bytes} * 2;
    const double share = double(s.out_eb) / double(2 * s.out_eb + s.acc_eb);
    const slots sl{loc.in_slot_bytes,
                   static_cast<std::size_t>(double(region > 3 * A ? region - 3 * A : 0) * share), A};
    for (const tile_shape& sh : fitting_shapes(p, sl))
        if (sh.cols == 0 || sh.cols == s.out.w)
            return tiles_of(p, sh, sl);
    return {};
}

// Weight and output buffers of a plan; false when they do not fit.
bool lay_out_plan(const split_layer& s, const local_layout& loc, uint64_t w_free, uint64_t A,
                  split_plan& sp) {
    uint64_t all = 0, largest = 0;
    for (int g = 0; g < sp.passes; ++g) {
        all = align_to(all + pass_weight_bytes(s, sp.kg, g), A);
        largest = std::max<uint64_t>(largest, pass_weight_bytes(s, sp.kg, g));
    }
    const uint64_t w_at = uint64_t{loc.weight_region} + loc.weight_region_bytes - w_free;
    sp.resident = all <= w_free;
    if (!sp.resident && 2 * align_to(largest, A) > w_free)
        return false;
    sp.w_slot[0] = static_cast<uint32_t>(w_at);
    sp.w_slot[1] = static_cast<uint32_t>(w_at + align_to(largest, A));
    uint64_t outputs = 0;
    for (const tile_plan& t : sp.tiles)
        outputs = std::max<uint64_t>(outputs, t.out_bytes / s.out_eb);
    const uint64_t acc = align_to(outputs * s.acc_eb, A), out = align_to(outputs * s.out_eb, A);
    if (acc + 2 * out > uint64_t{loc.out_slot_bytes} * 2)
        return false;
    sp.acc = loc.output_region;
    sp.out_slot[0] = static_cast<uint32_t>(loc.output_region + acc);
    sp.out_slot[1] = static_cast<uint32_t>(loc.output_region + acc + out);
    return true;
}

// One step's estimate: fold-model cost, DRAM time and bytes.
struct step_cost {
    uint64_t compute = 0, transfer = 0, moved = 0;
    double energy_j = 0.0;
};

step_cost cost_step(const split_layer& s, const split_plan& sp, const tile_plan& t, int g,
                    bool weights, const program_options& opt) {
    step_cost c;
    const int kc = pass_channels(s, sp.kg, g);
    const uint64_t pixels = s.fc ? uint64_t(t.images) : uint64_t(t.in_rows) * uint64_t(s.in.w);
    c.moved = pixels * uint64_t(kc) * s.in_eb;
    c.transfer = transfer_cycles(pixels, uint64_t(kc) * s.in_eb, opt);
    if (weights) {
        c.moved += pass_weight_bytes(s, sp.kg, g);
        c.transfer += transfer_cycles(1, pass_weight_bytes(s, sp.kg, g), opt);
    }
    if (g + 1 == sp.passes) {
        c.moved += t.out_bytes;
        c.transfer += transfer_cycles(1, t.out_bytes, opt);
    }
    const cost::layer_cost lc =
        cost::of_layer(pass_layer(s, t, g, sp.passes), pass_input(s, t, kc), opt.df, *opt.core);
    c.compute = lc.compute_cycles;
    c.energy_j = lc.energy.total_j() + double(c.moved) * opt.dram_pj_per_byte * 1e-12;
    return c;
}

// A tile's passes: the first, the last and (the same cost each) the ones
// between, summed as mapper.h sums tiles.
tiling_candidate tile_passes(const split_layer& s, const split_plan& sp, const tile_plan& t,
                             bool weights, const program_options& opt) {
    tiling_candidate c;
    auto add = [&](const step_cost& sc, uint64_t times) {
        c.compute_cycles += sc.compute * times;
        c.est_cycles += std::max(sc.compute, sc.transfer) * times;
        c.dram_bytes += sc.moved * times;
        c.energy_j += sc.energy_j * double(times);
    };
    add(cost_step(s, sp, t, 0, weights, opt), 1);
    if (sp.passes > 2)
        add(cost_step(s, sp, t, 1, weights, opt), uint64_t(sp.passes - 2));
    add(cost_step(s, sp, t, sp.passes - 1, weights, opt), 1);
    return c;
}

// Sum over tiles and passes of max(compute, DRAM time), as mapper.h; tiles
// of the same shape are costed once.
tiling_candidate estimate_plan(const split_layer& s, const split_plan& sp,
                               const program_options& opt) {
    tiling_candidate c;
    c.images = sp.tiles.front().images;
    c.rows = s.fc ? 0 : sp.tiles.front().out_rows;
    c.cols = s.fc ? 0 : s.out.w;
    c.tiles = sp.tiles.size();
    c.in_channels = sp.kg;
    c.passes = sp.passes;
    std::map<std::tuple<int, int, int, int, int, bool>, tiling_candidate> memo;
    for (std::size_t i = 0; i < sp.tiles.size(); ++i) {
        const tile_plan& t = sp.tiles[i];
        const bool weights = !sp.resident || i == 0;
        const auto key =
            std::make_tuple(t.images, t.in_rows, t.out_rows, t.pad_top, t.pad_bottom, weights);
        auto it = memo.find(key);
        if (it == memo.end())
            it = memo.emplace(key, tile_passes(s, sp, t, weights, opt)).first;
        c.compute_cycles += it->second.compute_cycles;
        c.est_cycles += it->second.est_cycles;
        c.dram_bytes += it->second.dram_bytes;
        c.energy_j += it->second.energy_j;
    }
    return c;
}

// Group sizes to try: ceil(C / G) for pass counts G from 2 to max_passes
// (at most C), spaced geometrically, largest group first.
std::vector<int> group_sizes(int C) {
    std::vector<int> sizes;
    const int last = std::min(C, max_passes);
    if (last < 2)
        return sizes;
    const double ratio = std::pow(double(last) / 2.0, 1.0 / double(max_group_sizes - 1));
    for (int k = 0; k < max_group_sizes; ++k) {
        const int G = k + 1 == max_group_sizes ? last
                                               : std::max(2, int(std::lround(2.0 * std::pow(ratio, k))));
        const int kg = (C + G - 1) / G;
        if (sizes.empty() || kg < sizes.back())
            sizes.push_back(kg);
    }
    return sizes;
}

}  // namespace

bool channel_splittable(const ref::layer& l, const program_options& opt) {
    const bool op_ok = l.op == op_kind::fully_connected ||
                       (l.op == op_kind::conv2d && l.geo.groups == 1);
    return op_ok && (l.prec == ref::precision::int8 || l.prec == ref::precision::int16) &&
           opt.weight_format == cost::weight_format::dense;
}

namespace {

// The program's stream over the chosen plan.
std::vector<uint8_t> write_split_stream(const split_layer& s, const program& prog,
                                        const split_plan& sp, const program_options& opt) {
    const dram_layout& d = prog.dram;
    const local_layout& loc = prog.local;
    stream_writer w;
    if (d.bias_bytes)
        w.load(contiguous(d.bias, loc.bias, static_cast<uint32_t>(d.bias_bytes)), tag_const);
    if (d.table_bytes)
        w.load(contiguous(d.table, loc.table, static_cast<uint32_t>(d.table_bytes)), tag_const);
    std::vector<uint64_t> w_dram(std::size_t(sp.passes)), w_local(std::size_t(sp.passes));
    for (int g = 0, at = 0; g < sp.passes; ++g) {
        w_dram[std::size_t(g)] = d.weights + uint64_t(at);
        w_local[std::size_t(g)] = sp.w_slot[0] + uint64_t(at);
        at = static_cast<int>(at + pass_weight_bytes(s, sp.kg, g));
    }
    if (sp.resident)
        w.load(contiguous(d.weights, sp.w_slot[0], static_cast<uint32_t>(d.weight_bytes)), tag_const);
    const std::size_t steps = sp.tiles.size() * std::size_t(sp.passes);
    auto load_step = [&](std::size_t step) {
        const tile_plan& t = sp.tiles[step / std::size_t(sp.passes)];
        const int g = static_cast<int>(step % std::size_t(sp.passes)), slot = int(step % 2);
        const auto len = static_cast<uint32_t>(std::size_t(pass_channels(s, sp.kg, g)) * s.in_eb);
        const uint64_t pixel = s.fc ? uint64_t(t.n0)
                                    : (uint64_t(t.n0) * uint64_t(s.in.h) + uint64_t(t.in_row0)) *
                                          uint64_t(s.in.w);
        move_cmd m = contiguous(d.input + (pixel * uint64_t(s.C) + uint64_t(g) * uint64_t(sp.kg)) * s.in_eb,
                                loc.in_slot[slot], len);
        m.count1 = static_cast<uint32_t>(s.fc ? t.images : t.in_rows * s.in.w);
        m.dram_stride1 = static_cast<uint32_t>(std::size_t(s.C) * s.in_eb);
        m.local_stride1 = len;
        w.load(m, tag_in[slot]);
        if (!sp.resident)
            w.load(contiguous(w_dram[std::size_t(g)], sp.w_slot[slot],
                              static_cast<uint32_t>(pass_weight_bytes(s, sp.kg, g))),
                   tag_w[slot]);
    };
    load_step(0);
    for (std::size_t step = 0; step < steps; ++step) {
        const std::size_t i = step / std::size_t(sp.passes);
        const int g = static_cast<int>(step % std::size_t(sp.passes)), slot = int(step % 2);
        const int o = static_cast<int>(i % 2);
        const bool last = g + 1 == sp.passes;
        if (step + 1 < steps)
            load_step(step + 1);
        uint32_t mask = 1u << tag_in[slot];
        if (!sp.resident)
            mask |= 1u << tag_w[slot];
        if (step == 0)
            mask |= 1u << tag_const;
        if (last)
            mask |= 1u << tag_out[o];
        w.barrier(static_cast<uint16_t>(mask));
        const tile_plan& t = sp.tiles[i];
        operand_offsets off;
        off.in = loc.in_slot[slot];
        off.in2 = sp.acc;
        off.out = last ? sp.out_slot[o] : sp.acc;
        off.weights = static_cast<uint32_t>(sp.resident ? w_local[std::size_t(g)] : sp.w_slot[slot]);
        off.bias = loc.bias;
        off.table = loc.table;
        w.compute(encode_layer(pass_layer(s, t, g, sp.passes),
                               pass_input(s, t, pass_channels(s, sp.kg, g)), off, opt.df)
                      .cmd);
        if (last) {
            const uint64_t first = s.fc ? uint64_t(t.n0)
                                        : (uint64_t(t.n0) * uint64_t(s.out.h) + uint64_t(t.out_row0)) *
                                              uint64_t(s.out.w);
            w.store(contiguous(d.output + first * uint64_t(s.out.c) * s.out_eb, sp.out_slot[o],
                               static_cast<uint32_t>(t.out_bytes)),
                    tag_out[o]);
        }
    }
    w.barrier(0xffff);
    w.end();
    return w.bytes();
}

// The weights pass by pass: [pass][O][taps][kg] (empty without values).
std::vector<uint8_t> pass_major(const split_layer& s, const nn::tensor& weights, int kg, int passes) {
    if (!weights.has_values())
        return {};
    std::vector<uint8_t> out;
    out.reserve(weights.byte_size());
    const uint8_t* src = weights.bytes().data();
    const std::size_t row = std::size_t(s.C) * s.w_eb;
    for (int g = 0; g < passes; ++g) {
        const std::size_t len = std::size_t(pass_channels(s, kg, g)) * s.w_eb;
        for (std::size_t r = 0; r < std::size_t(s.l.out_channels) * std::size_t(s.taps); ++r) {
            const uint8_t* at = src + r * row + std::size_t(g) * std::size_t(kg) * s.w_eb;
            out.insert(out.end(), at, at + len);
        }
    }
    return out;
}

}  // namespace

program channel_split_program(const ref::layer& l, const nn::tensor& input,
                              const nn::tensor& weights, const nn::tensor* bias,
                              const buffer_sizes& buffers, const program_options& opt) {
    const uint64_t A = opt.align;
    const shape4 is = input.shape();
    split_layer s{l};
    s.fc = l.op == op_kind::fully_connected;
    s.in = s.fc ? shape4{is.n, 1, 1, is.h * is.w * is.c} : is;
    s.out = ref::output_shape(l, is);
    s.C = s.in.c;
    s.taps = s.fc ? 1 : l.geo.kernel_h * l.geo.kernel_w;
    s.in_eb = nn::storage_bytes(ref::input_type(l), 1);
    s.w_eb = nn::storage_bytes(ref::weight_type(l), 1);
    s.out_eb = nn::storage_bytes(ref::output_type(l), 1);
    s.acc_eb = nn::storage_bytes(ref::accumulator_type(l), 1);
    const encoded_layer whole = encode_layer(l, is, {}, opt.df);

    program prog;
    prog.layer_name = l.name;
    prog.out_shape = s.out;
    prog.out_type = ref::output_type(l);
    prog.local = lay_out_local(l, buffers, A);
    local_layout& loc = prog.local;  // output slots: after the accumulators (lay_out_plan)
    loc.bias = loc.weight_region;
    loc.table = static_cast<uint32_t>(align_to(loc.bias + (bias ? bias->byte_size() : 0), A));
    const uint64_t w_used = align_to(loc.table + whole.table.size(), A) - loc.weight_region;
    const uint64_t w_free = loc.weight_region_bytes > w_used ? loc.weight_region_bytes - w_used : 0;

    split_plan best;
    const cost::objective obj = opt.core ? opt.core->auto_objective : cost::objective::cycles;
    prog.mapping.objective = opt.core ? cost::to_string(obj) : "largest";
    for (int kg : group_sizes(s.C)) {
        split_plan sp;
        sp.kg = kg;
        sp.passes = (s.C + kg - 1) / kg;
        sp.tiles = split_tiles(s, kg, loc, A);
        if (sp.tiles.empty() || !lay_out_plan(s, loc, w_free, A, sp))
            continue;
        if (!opt.core) {
            sp.estimate = {sp.tiles.front().images, s.fc ? 0 : sp.tiles.front().out_rows,
                           s.fc ? 0 : s.out.w, sp.tiles.size(), 0, 0, 0, 0.0, kg, sp.passes};
            prog.mapping.candidates.push_back(sp.estimate);
            best = std::move(sp);
            break;
        }
        sp.estimate = estimate_plan(s, sp, opt);
        prog.mapping.candidates.push_back(sp.estimate);
        if (best.passes == 0 || better(sp.estimate, best.estimate, obj)) {
            prog.mapping.chosen = prog.mapping.candidates.size() - 1;
            best = std::move(sp);
        }
    }
    if (best.passes == 0)
        fail_layer(l, "buffers",
                   "no split over the input channels fits: even one channel per pass needs more "
                   "than the input slot of " + std::to_string(loc.in_slot_bytes) +
                       " bytes, or its weights and accumulators more than the weight and output "
                       "buffers");
    if (opt.estimate_only)
        return prog;
    prog.tiles = best.tiles;
    loc.weights = best.w_slot[0];
    loc.out_slot[0] = best.out_slot[0];
    loc.out_slot[1] = best.out_slot[1];

    dram_layout& d = prog.dram;
    d.input_bytes = input.byte_size();
    d.weight_bytes = d.weight_dense_bytes = weights.byte_size();
    d.bias_bytes = bias ? bias->byte_size() : 0;
    d.table_bytes = whole.table.size();
    d.output_bytes = nn::storage_bytes(prog.out_type, s.out.count());
    dram_placer place = place_operands(d, opt.dram_base, A);
    prog.stream = write_split_stream(s, prog, best, opt);
    place(d.stream, prog.stream.size());
    d.stream_bytes = prog.stream.size();
    d.end = place.at;

    prog.image.assign(d.end - opt.dram_base, 0);
    auto copy = [&](uint64_t addr, const std::vector<uint8_t>& src) {
        std::copy(src.begin(), src.end(), prog.image.begin() + static_cast<long>(addr - opt.dram_base));
    };
    if (input.has_values())
        copy(d.input, input.bytes());
    copy(d.weights, pass_major(s, weights, best.kg, best.passes));
    if (bias && bias->has_values())
        copy(d.bias, bias->bytes());
    if (d.table_bytes)
        copy(d.table, whole.table);
    copy(d.stream, prog.stream);
    return prog;
}

}  // namespace nnvp::compiler::detail
