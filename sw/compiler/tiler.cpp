// The tiler of single-layer programs (tiler.h).
#include "sw/compiler/tiler.h"

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

ref::layer tile_layer(const plan_input& p, const tile_plan& t) {
    ref::layer lt = p.l;
    if (windowed(p.l.op)) {
        lt.geo.pad_top = t.pad_top;
        lt.geo.pad_bottom = t.pad_bottom;
        lt.geo.pad_left = t.pad_left;
        lt.geo.pad_right = t.pad_right;
    }
    return lt;
}

shape4 tile_input_shape(const plan_input& p, const tile_plan& t) {
    return {t.images, t.in_rows, t.in_cols, p.in.c};
}

namespace {

bool row_tiled(op_kind k) {
    return k != op_kind::fully_connected && k != op_kind::global_avg_pool &&
           k != op_kind::global_max_pool;
}

std::size_t bytes_of(dtype t, std::size_t count) {
    return nn::storage_bytes(t, count);
}

// One axis of a windowed op: the input span outputs [o0, o0 + n) read,
// and the padding the tile computes with at its two edges.
struct span {
    int in0 = 0, count = 0, pad_lo = 0, pad_hi = 0;
};

span axis_window(int o0, int n, int in_len, int stride, int kernel, int dilation, int pad_lo) {
    const int64_t first = int64_t{o0} * stride - pad_lo;
    const int64_t last =
        int64_t{o0 + n - 1} * stride - pad_lo + int64_t{kernel - 1} * dilation + 1;  // exclusive
    const int64_t lo = std::max<int64_t>(0, first);
    const int64_t hi = std::min<int64_t>(in_len, last);
    return {static_cast<int>(lo), static_cast<int>(hi - lo), static_cast<int>(lo - first),
            static_cast<int>(last - hi)};
}

// A whole axis reads all of it with the layer's own padding.
span tile_axis(bool whole, int in_len, int o0, int n, int stride, int kernel, int dilation,
               int pad_lo, int pad_hi) {
    if (whole)
        return {0, in_len, pad_lo, pad_hi};
    return axis_window(o0, n, in_len, stride, kernel, dilation, pad_lo);
}

// Input rows and columns (and the edge padding) a tile's outputs read.
void input_window(const plan_input& p, tile_plan& t) {
    const ref::geometry& g = p.l.geo;
    t.in_row0 = 0;
    t.in_rows = p.in.h;
    t.in_col0 = 0;
    t.in_cols = p.in.w;
    if (!row_tiled(p.l.op))  // fully connected, global pools: whole images
        return;
    const bool whole_rows = t.out_row0 == 0 && t.out_rows == p.out.h;
    const bool whole_cols = t.out_col0 == 0 && t.out_cols == p.out.w;
    if (!windowed(p.l.op)) {  // element-wise: row for row
        t.in_row0 = t.out_row0;
        t.in_rows = t.out_rows;
        return;
    }
    const span r = tile_axis(whole_rows, p.in.h, t.out_row0, t.out_rows, g.stride_h, g.kernel_h,
                             g.dilation_h, g.pad_top, g.pad_bottom);
    const span c = tile_axis(whole_cols, p.in.w, t.out_col0, t.out_cols, g.stride_w, g.kernel_w,
                             g.dilation_w, g.pad_left, g.pad_right);
    t.in_row0 = r.in0;
    t.in_rows = r.count;
    t.pad_top = r.pad_lo;
    t.pad_bottom = r.pad_hi;
    t.in_col0 = c.in0;
    t.in_cols = c.count;
    t.pad_left = c.pad_lo;
    t.pad_right = c.pad_hi;
}

void size_tile(const plan_input& p, tile_plan& t) {
    const auto images = std::size_t(t.images);
    t.in_bytes = bytes_of(p.in_t, images * std::size_t(std::max(t.in_rows, 0)) *
                                      std::size_t(std::max(t.in_cols, 0)) * std::size_t(p.in.c));
    t.out_bytes = bytes_of(p.out_t, images * std::size_t(t.out_rows) * std::size_t(t.out_cols) *
                                        std::size_t(p.out.c));
    t.in2_bytes =
        p.has_in2 ? bytes_of(p.in2_t, in2_tile_shape(p, t.images, t.out_rows).count()) : 0;
}

bool fits(const tile_plan& t, const slots& s) {
    return align_to(t.in_bytes, s.align) + t.in2_bytes <= s.in && t.out_bytes <= s.out;
}

tile_plan make(const plan_input& p, int n0, int images, int r0, int rows, int c0, int cols) {
    tile_plan t;
    t.n0 = n0;
    t.images = images;
    t.out_row0 = r0;
    t.out_rows = rows;
    t.out_col0 = c0;
    t.out_cols = cols;
    input_window(p, t);
    size_tile(p, t);
    return t;
}

// An interior tile of rows x cols (full halo on every side), so that the
// tiles come out equal; edge tiles then read less.
tile_plan interior(const plan_input& p, int rows, int cols) {
    tile_plan t;
    t.out_rows = rows;
    t.out_cols = cols;
    t.in_rows = rows;
    t.in_cols = cols == p.out.w ? p.in.w : cols;
    if (windowed(p.l.op)) {
        const ref::geometry& g = p.l.geo;
        auto reach = [](int n, int stride, int kernel, int dilation, int len) {
            return static_cast<int>(std::min<int64_t>(
                len, int64_t{n - 1} * stride + int64_t{kernel - 1} * dilation + 1));
        };
        t.in_rows = reach(rows, g.stride_h, g.kernel_h, g.dilation_h, p.in.h);
        if (cols != p.out.w)
            t.in_cols = reach(cols, g.stride_w, g.kernel_w, g.dilation_w, p.in.w);
    }
    size_tile(p, t);
    return t;
}

// The most output rows of `cols` columns whose interior tile fits (0: none).
int most_rows(const plan_input& p, int cols, const slots& s) {
    int rt = p.out.h;
    while (rt > 0 && !fits(interior(p, rt, cols), s))
        --rt;
    return rt;
}

bool rows_allowed(const plan_input& p) {
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    return row_tiled(p.l.op) && byte_aligned(p.in_t, in_row) && byte_aligned(p.out_t, out_row) &&
           (!p.has_in2 || p.in2.h == 1 ||
            byte_aligned(p.in2_t, std::size_t(p.in2.w) * std::size_t(p.in2.c)));
}

// Column blocks: a windowed op whose pixels start on a byte (each block row
// is one strided move).
bool cols_allowed(const plan_input& p) {
    return rows_allowed(p) && windowed(p.l.op) && !p.has_in2 &&
           byte_aligned(p.in_t, std::size_t(p.in.c)) && byte_aligned(p.out_t, std::size_t(p.out.c));
}

bool images_allowed(const plan_input& p) {
    const std::size_t in_row = std::size_t(p.in.w) * std::size_t(p.in.c);
    const std::size_t out_row = std::size_t(p.out.w) * std::size_t(p.out.c);
    return byte_aligned(p.in_t, in_row * std::size_t(p.in.h)) &&
           byte_aligned(p.out_t, out_row * std::size_t(p.out.h)) &&
           (!p.has_in2 || p.in2.n == 1 ||
            byte_aligned(p.in2_t, p.in2.count() / std::size_t(p.in2.n)));
}

// At most this many column widths are tried per layer (compile time).
constexpr int max_column_widths = 16;

}  // namespace

std::vector<tile_plan> tiles_of(const plan_input& p, const tile_shape& shape, const slots& s) {
    std::vector<tile_plan> tiles;
    if (shape.cols == 0) {  // groups of whole images
        for (int n0 = 0; n0 < p.in.n; n0 += shape.images) {
            tiles.push_back(make(p, n0, std::min(shape.images, p.in.n - n0), 0, p.out.h, 0, p.out.w));
            if (!fits(tiles.back(), s))
                return {};
        }
        return tiles;
    }
    for (int n = 0; n < p.in.n; ++n)
        for (int r0 = 0; r0 < p.out.h;) {
            int rows = std::min(shape.rows, p.out.h - r0);
            for (int c0 = 0; c0 < p.out.w; c0 += shape.cols) {
                const int cols = std::min(shape.cols, p.out.w - c0);
                // A whole-height tile reads every input row, which may be
                // more than an interior tile's reach: fewer rows then.
                tile_plan t = make(p, n, 1, r0, rows, c0, cols);
                while (!fits(t, s) && t.out_rows > 1)
                    t = make(p, n, 1, r0, t.out_rows - 1, c0, cols);
                if (!fits(t, s))
                    return {};
                if (t.in_rows <= 0 || t.in_cols <= 0)
                    fail_layer(p.l, "geo",
                               "output rows " + std::to_string(t.out_row0) + ".." +
                                   std::to_string(t.out_row0 + t.out_rows - 1) +
                                   " read no input (padding wider than the kernel's reach); "
                                   "enlarge the buffers");
                rows = t.out_rows;  // the whole band of columns shares its rows
                tiles.push_back(t);
            }
            // Re-cut the band when a later column block needed fewer rows.
            for (auto it = tiles.end() - (p.out.w + shape.cols - 1) / shape.cols; it != tiles.end();
                 ++it)
                if (it->out_rows != rows)
                    *it = make(p, n, 1, r0, rows, it->out_col0, it->out_cols);
            r0 += rows;
        }
    return tiles;
}

std::vector<tile_shape> fitting_shapes(const plan_input& p, const slots& s) {
    std::vector<tile_shape> shapes;
    auto add = [&](const tile_shape& sh) {
        if (!tiles_of(p, sh, s).empty())
            shapes.push_back(sh);
    };
    if (rows_allowed(p)) {
        const int rt = most_rows(p, p.out.w, s);
        if (rt > 0)
            add({1, rt, p.out.w});
        // Narrower blocks: each the most rows that fit; no narrower than a
        // block already tall enough for the whole image.
        int tried = 0, last = p.out.w;
        for (int k = 2; cols_allowed(p) && rt < p.out.h && k <= p.out.w &&
                        tried < max_column_widths;
             ++k) {
            const int ct = (p.out.w + k - 1) / k;
            if (ct == last)
                continue;
            last = ct;
            ++tried;
            const int rows = most_rows(p, ct, s);
            if (rows > 0)
                add({1, rows, ct});
            if (rows == p.out.h)
                break;
        }
        if (!shapes.empty())
            return shapes;
    }
    const int step = images_allowed(p) ? 1 : p.in.n;
    int nb = p.in.n / step * step;
    while (nb >= step && tiles_of(p, {nb, p.out.h, 0}, s).empty())
        nb -= step;
    if (nb >= step)
        shapes.push_back({nb, p.out.h, 0});
    return shapes;
}

void fail_no_fit(const plan_input& p, const slots& s) {
    const tile_plan t = rows_allowed(p) ? interior(p, 1, cols_allowed(p) ? 1 : p.out.w)
                                        : make(p, 0, images_allowed(p) ? 1 : p.in.n, 0, p.out.h,
                                               0, p.out.w);
    fail_layer(p.l, "buffers",
               "the smallest tile needs " + std::to_string(t.in_bytes + t.in2_bytes) +
                   " input bytes and " + std::to_string(t.out_bytes) +
                   " output bytes; the double-buffered slots hold " + std::to_string(s.in) +
                   " and " + std::to_string(s.out) + " bytes (input_kb/2, output_kb/2)");
}

}  // namespace nnvp::compiler::detail
