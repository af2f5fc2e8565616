// The tiler of single-layer programs (row_tiler.h).
#include "sw/compiler/row_tiler.h"

#include <algorithm>

#include "nn/ref/ops.h"
#include "nn/tensor/tensor_pack.h"

namespace nnvp::compiler::detail {

using nn::dtype;
using nn::shape4;
using ref::op_kind;

shape4 in2_tile_shape(const plan_input& p, int images, int rows) {
    shape4 s = p.in2;
    if (s.n != 1)
        s.n = images;
    if (s.h != 1)
        s.h = rows;
    return s;
}

namespace {

bool row_tiled(op_kind k) {
    return k != op_kind::fully_connected && k != op_kind::global_avg_pool &&
           k != op_kind::global_max_pool;
}

std::size_t bytes_of(dtype t, std::size_t count) {
    return nn::storage_bytes(t, count);
}

// Input rows (and the edge padding) output rows [r0, r0 + rt) of a windowed op read.
void input_window(const plan_input& p, tile_plan& t) {
    const ref::geometry& g = p.l.geo;
    if (!row_tiled(p.l.op)) {  // fully connected, global pools: whole images
        t.in_row0 = 0;
        t.in_rows = p.in.h;
        return;
    }
    if (t.out_row0 == 0 && t.out_rows == p.out.h) {  // whole images: the layer's padding
        t.in_row0 = 0;
        t.in_rows = p.in.h;
        t.pad_top = g.pad_top;
        t.pad_bottom = g.pad_bottom;
        return;
    }
    if (!windowed(p.l.op)) {  // element-wise: row for row
        t.in_row0 = t.out_row0;
        t.in_rows = t.out_rows;
        return;
    }
    const int64_t first = int64_t{t.out_row0} * g.stride_h - g.pad_top;
    const int64_t last = int64_t{t.out_row0 + t.out_rows - 1} * g.stride_h - g.pad_top +
                         int64_t{g.kernel_h - 1} * g.dilation_h + 1;  // exclusive
    const int64_t lo = std::max<int64_t>(0, first);
    const int64_t hi = std::min<int64_t>(p.in.h, last);
    t.in_row0 = static_cast<int>(lo);
    t.in_rows = static_cast<int>(hi - lo);
    t.pad_top = static_cast<int>(lo - first);
    t.pad_bottom = static_cast<int>(last - hi);
}

void size_tile(const plan_input& p, tile_plan& t) {
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    t.in_bytes =
        bytes_of(p.in_t, std::size_t(t.images) * std::size_t(std::max(t.in_rows, 0)) * in_row);
    t.out_bytes = bytes_of(p.out_t, std::size_t(t.images) * std::size_t(t.out_rows) * out_row);
    t.in2_bytes =
        p.has_in2 ? bytes_of(p.in2_t, in2_tile_shape(p, t.images, t.out_rows).count()) : 0;
}

bool fits(const tile_plan& t, std::size_t in_slot, std::size_t out_slot, uint64_t align) {
    return align_to(t.in_bytes, align) + t.in2_bytes <= in_slot && t.out_bytes <= out_slot;
}

}  // namespace

std::vector<tile_plan> plan_tiles(const plan_input& p, std::size_t in_slot, std::size_t out_slot,
                                  uint64_t align) {
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    const bool rows_ok = row_tiled(p.l.op) && byte_aligned(p.in_t, in_row) &&
                         byte_aligned(p.out_t, out_row) &&
                         (!p.has_in2 || p.in2.h == 1 ||
                          byte_aligned(p.in2_t, std::size_t(p.in2.w) * std::size_t(p.in2.c)));
    const bool images_ok =
        byte_aligned(p.in_t, in_row * std::size_t(p.in.h)) &&
        byte_aligned(p.out_t, out_row * std::size_t(p.out.h)) &&
        (!p.has_in2 || p.in2.n == 1 || byte_aligned(p.in2_t, p.in2.count() / std::size_t(p.in2.n)));
    std::vector<tile_plan> tiles;
    auto make = [&](int n0, int images, int r0, int rows) {
        tile_plan t;
        t.n0 = n0;
        t.images = images;
        t.out_row0 = r0;
        t.out_rows = rows;
        input_window(p, t);
        size_tile(p, t);
        return t;
    };
    // Size the tiles for an interior tile (full halo), so that they come
    // out equal; edge tiles then read fewer rows.
    auto interior = [&](int rows) {
        tile_plan t;
        t.out_rows = rows;
        t.in_rows = rows;
        if (windowed(p.l.op)) {
            const ref::geometry& g = p.l.geo;
            t.in_rows = static_cast<int>(std::min<int64_t>(
                p.in.h,
                int64_t{rows - 1} * g.stride_h + int64_t{g.kernel_h - 1} * g.dilation_h + 1));
        }
        size_tile(p, t);
        return t;
    };
    if (rows_ok) {
        int rt = p.out.h;
        while (rt > 0 && !fits(interior(rt), in_slot, out_slot, align))
            --rt;
        bool ok = rt > 0;
        for (int n = 0; ok && n < p.in.n; ++n)
            for (int r0 = 0; ok && r0 < p.out.h;) {
                // Interior tiles may read more input rows than the first one.
                tile_plan t = make(n, 1, r0, std::min(rt, p.out.h - r0));
                while (!fits(t, in_slot, out_slot, align) && t.out_rows > 1)
                    t = make(n, 1, r0, t.out_rows - 1);
                ok = fits(t, in_slot, out_slot, align);
                if (ok && t.in_rows <= 0)
                    fail_layer(p.l, "geo",
                         "output rows " + std::to_string(t.out_row0) + ".." +
                             std::to_string(t.out_row0 + t.out_rows - 1) +
                             " read no input row (padding wider than the "
                             "kernel's reach); enlarge the buffers");
                tiles.push_back(t);
                r0 += t.out_rows;
            }
        if (ok)
            return tiles;
        tiles.clear();
    }
    const int step = images_ok ? 1 : p.in.n;
    int nb = p.in.n / step * step;
    while (nb >= step && !fits(make(0, nb, 0, p.out.h), in_slot, out_slot, align))
        nb -= step;
    if (nb < step) {
        const tile_plan t = rows_ok ? interior(1) : make(0, step, 0, p.out.h);
        fail_layer(p.l, "buffers",
             "the smallest tile needs " + std::to_string(t.in_bytes + t.in2_bytes) +
                 " input bytes and " + std::to_string(t.out_bytes) +
                 " output bytes; the double-buffered slots hold " + std::to_string(in_slot) +
                 " and " + std::to_string(out_slot) + " bytes (input_kb/2, output_kb/2)");
    }
    for (int n0 = 0; n0 < p.in.n; n0 += nb)
        tiles.push_back(make(n0, std::min(nb, p.in.n - n0), 0, p.out.h));
    return tiles;
}

}  // namespace nnvp::compiler::detail
