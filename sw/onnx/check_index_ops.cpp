// Translations of import_for_check for the indexing ONNX ops, the CPU ops
// slice, gather, select, expand and tile (nn/cpuops): Slice, Gather with
// constant indices, Where, Expand, Tile. Axes map through the layout; known
// inputs fold.
#include <algorithm>
#include <cmath>

#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

// A runtime result keeps the stored-value offset of the data it moves.
value moved(value r, const value& from) {
    if (!r.known)
        r.offset = from.offset;
    return r;
}

void slice(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    std::vector<int64_t> starts, ends, axes, steps;
    if (b.opset() < 10) {
        a.only({"axes", "ends", "starts"});
        starts = a.get_ints("starts", {});
        ends = a.get_ints("ends", {});
        axes = a.get_ints("axes", {});
    } else {
        a.only({});
        starts = known_ints(b, 1, "starts", true);
        ends = known_ints(b, 2, "ends", true);
        if (b.has_input(3))
            axes = known_ints(b, 3, "axes", true);
        if (b.has_input(4))
            steps = known_ints(b, 4, "steps", true);
    }
    if (axes.empty())
        for (std::size_t i = 0; i < starts.size(); ++i)
            axes.push_back(static_cast<int64_t>(i));
    if (steps.empty())
        steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size())
        b.fail("starts, ends, axes and steps: expected one value each per sliced axis");
    const layout lay = math_layout({&x});
    std::vector<int32_t> ints = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    std::vector<int64_t> dims = x.dims;
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (std::size_t k = 0; k < starts.size(); ++k) {
        const int ax = normalize_axis(b, axes[k], rank);
        if (seen[static_cast<std::size_t>(ax)])
            b.fail("axes: axis " + std::to_string(axes[k]) + " repeated");
        seen[static_cast<std::size_t>(ax)] = true;
        const int64_t d = x.dims[static_cast<std::size_t>(ax)], st = steps[k];
        if (st == 0)
            b.fail("steps: 0 is not a step");
        int64_t s = starts[k] < 0 ? starts[k] + d : starts[k];
        int64_t e = ends[k] < 0 ? ends[k] + d : ends[k];
        s = st > 0 ? std::clamp<int64_t>(s, 0, d) : std::clamp<int64_t>(s, 0, d - 1);
        e = st > 0 ? std::clamp<int64_t>(e, 0, d) : std::clamp<int64_t>(e, -1, d - 1);
        const int64_t count = st > 0 ? (e - s + st - 1) / st : (s - e - st - 1) / -st;
        if (count <= 0)
            b.fail("axis " + std::to_string(ax) + ": the slice is empty (not supported)");
        const int ours = our_axis(ax, rank, lay);
        ints[static_cast<std::size_t>(ours)] = static_cast<int32_t>(s);
        ints[static_cast<std::size_t>(4 + ours)] = static_cast<int32_t>(st);
        dims[static_cast<std::size_t>(ax)] = count;
    }
    nn::shape4 out;
    try {
        out = to_shape4(dims, lay, "output");
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    for (int k = 0; k < 4; ++k)
        ints[static_cast<std::size_t>(8 + k)] = out.at(k);
    b.set_output(moved(emit(b, {cpuops::kind::slice, ints, {}}, {&x}, lay, dims, x.elem_type), x));
}

// Split: one slice along `axis` per output, sizes from the `split` attribute
// (opset < 13) or input (13+), else num_outputs (18+) or equal parts.
void split(check_builder& b) {
    const attributes a = b.attrs();
    a.only({"axis", "split", "num_outputs"});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", 0), rank);
    const int64_t d = x.dims[static_cast<std::size_t>(axis)];
    const int outputs = b.node().output_size();
    std::vector<int64_t> sizes = b.opset() < 13 ? a.get_ints("split", {})
                                 : b.has_input(1) ? known_ints(b, 1, "split")
                                                  : std::vector<int64_t>{};
    if (sizes.empty()) {
        const int64_t parts = a.get_int("num_outputs", outputs);
        if (parts != outputs)
            b.fail("num_outputs " + std::to_string(parts) + ": the node has " +
                   std::to_string(outputs) + " outputs");
        const int64_t each = (d + parts - 1) / parts;
        if (b.opset() < 18 && d % parts != 0)
            b.fail("axis " + std::to_string(axis) + " (" + std::to_string(d) +
                   ") does not split into " + std::to_string(parts) + " equal parts");
        for (int64_t left = d; left > 0; left -= each)
            sizes.push_back(std::min(each, left));
    }
    int64_t total = 0;
    for (int64_t n : sizes) {
        if (n < 1)
            b.fail("split: a part of size " + std::to_string(n) + " (empty parts are not supported)");
        total += n;
    }
    if (static_cast<int>(sizes.size()) != outputs || total != d)
        b.fail("split: " + std::to_string(sizes.size()) + " parts of " + std::to_string(total) +
               " in all, expected " + std::to_string(outputs) + " parts of " + std::to_string(d));
    const layout lay = math_layout({&x});
    const int ours = our_axis(axis, rank, lay);
    int64_t start = 0;
    for (int k = 0; k < outputs; start += sizes[static_cast<std::size_t>(k)], ++k) {
        if (!b.wants_output(k))
            continue;
        std::vector<int64_t> dims = x.dims;
        dims[static_cast<std::size_t>(axis)] = sizes[static_cast<std::size_t>(k)];
        std::vector<int32_t> ints = {0, 0, 0, 0, 1, 1, 1, 1};
        ints[static_cast<std::size_t>(ours)] = static_cast<int32_t>(start);
        const nn::shape4 out = to_shape4(dims, lay, "output " + std::to_string(k));
        for (int i = 0; i < 4; ++i)
            ints.push_back(out.at(i));
        b.set_output(k, moved(emit(b, {cpuops::kind::slice, ints, {}}, {&x}, lay, dims,
                                   x.elem_type, std::to_string(k)),
                              x));
    }
}

// The shape ONNX gives Gather's output: data[:axis] + indices.shape +
// data[axis+1:], from the gathered `r` (data with the axis' length replaced
// by the index count: the same bytes in plain layout).
void shape_gathered(check_builder& b, value r, const value& x, int axis,
                    const std::vector<int64_t>& index_dims) {
    std::vector<int64_t> dims(x.dims.begin(), x.dims.begin() + axis);
    dims.insert(dims.end(), index_dims.begin(), index_dims.end());
    dims.insert(dims.end(), x.dims.begin() + axis + 1, x.dims.end());
    if (dims == r.dims) {
        b.set_output(std::move(r));
        return;
    }
    if (r.known) {
        try {
            r.known->data = r.known->data.reshaped(to_shape4(dims, layout::plain, "output"));
        } catch (const std::invalid_argument& e) {
            b.fail(e.what());
        }
        r.known->dims = r.dims = dims;
        b.set_output(std::move(r));
        return;
    }
    b.set_output(reshape_to(b, r, dims, "shape"));
}

// Indices known only at run time (token ids into an embedding table): the
// CPU gather reading them from its second input.
void gather_at_run_time(check_builder& b, const value& x, int axis) {
    const value& ind = b.input(1);  // x may be known (an embedding table: a constant)
    const int rank = static_cast<int>(x.dims.size());
    const layout lay = math_layout({&x, &ind});
    int64_t count = 1;
    for (int64_t d : ind.dims)
        count *= d;
    std::vector<int64_t> flat = x.dims;
    flat[static_cast<std::size_t>(axis)] = count;
    const tref r = b.add_cpu({cpuops::kind::gather, {our_axis(axis, rank, lay)}, {}},
                             {b.runtime(x, lay), b.runtime(ind, layout::plain)});
    shape_gathered(b, moved(runtime_value(b, r, lay, flat, x.elem_type), x), x, axis, ind.dims);
}

void gather(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", 0), rank);
    b.need_type(1, {TensorProto::INT64, TensorProto::INT32});
    if (!b.input(1).known)
        return gather_at_run_time(b, x, axis);
    const onnx_tensor& ind = b.known_input(1, "indices");
    if (ind.count() == 0)
        b.fail("indices: empty (not supported)");
    const int64_t d = x.dims[static_cast<std::size_t>(axis)];
    std::vector<int32_t> ints;
    for (std::size_t k = 0; k < ind.count(); ++k) {
        const int64_t i = ind.int_value(k);
        if (i < -d || i >= d)
            b.fail("indices: " + std::to_string(i) + " outside " + std::to_string(-d) + ".." +
                   std::to_string(d - 1));
        ints.push_back(static_cast<int32_t>(i < 0 ? i + d : i));
    }
    // Gather the flattened indices along the axis, then shape as ONNX does:
    // data[:axis] + indices.shape + data[axis+1:].
    const layout lay = math_layout({&x});
    ints.insert(ints.begin(), our_axis(axis, rank, lay));
    std::vector<int64_t> flat = x.dims;
    flat[static_cast<std::size_t>(axis)] = static_cast<int64_t>(ind.count());
    shape_gathered(b, moved(emit(b, {cpuops::kind::gather, ints, {}}, {&x}, lay, flat, x.elem_type), x),
                   x, axis, ind.dims);
}

void where(check_builder& b) {
    b.single_output();
    b.attrs().only({});
    b.need_type(0, {TensorProto::BOOL});
    const value &c = b.input(0), &x = b.input(1), &y = b.input(2);
    if (x.elem_type != y.elem_type)
        b.fail("X and Y: expected one element type");
    const std::vector<int64_t> cx = broadcast_dims(c.dims, x.dims);
    const std::vector<int64_t> out = broadcast_dims(cx, y.dims);
    const bool scalars = c.dims.empty() && x.dims.empty() && y.dims.empty();
    if (!scalars && (out.empty() || (cx.empty() && !(c.dims.empty() && x.dims.empty()))))
        b.fail("input shapes do not broadcast");
    const layout lay = math_layout({&x, &y, &c});
    b.set_output(
        moved(emit(b, {cpuops::kind::select, {}, {}}, {&c, &x, &y}, lay, out, x.elem_type), x));
}

void expand(check_builder& b) {
    b.single_output();
    b.attrs().only({});
    const value& x = b.input(0);
    const std::vector<int64_t> shape = known_ints(b, 1, "shape", true);
    const std::vector<int64_t> out = broadcast_dims(x.dims, shape);
    if (out.empty() && !(x.dims.empty() && shape.empty()))
        b.fail("shape: does not broadcast with the input's");
    const layout lay = math_layout({&x});
    nn::shape4 s;
    try {
        s = to_shape4(out, lay, "output");
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    b.set_output(moved(
        emit(b, {cpuops::kind::expand, {s.n, s.h, s.w, s.c}, {}}, {&x}, lay, out, x.elem_type), x));
}

void tile(check_builder& b) {
    b.single_output();
    b.attrs().only({});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const std::vector<int64_t> reps = known_ints(b, 1, "repeats", true);
    if (static_cast<int>(reps.size()) != rank)
        b.fail("repeats: " + std::to_string(reps.size()) + " values, expected " +
               std::to_string(rank));
    const layout lay = math_layout({&x});
    std::vector<int32_t> ints = {1, 1, 1, 1};
    std::vector<int64_t> out = x.dims;
    for (int i = 0; i < rank; ++i) {
        const int64_t r = reps[static_cast<std::size_t>(i)];
        if (r < 1 || r > 1 << 20)
            b.fail("repeats: " + std::to_string(r) +
                   ": expected 1..2^20 (0 empties: not supported)");
        if (r != 1)  // folded axes of a rank-5/6 tensor only when not repeated
            ints[static_cast<std::size_t>(our_axis(i, rank, lay))] = static_cast<int32_t>(r);
        out[static_cast<std::size_t>(i)] *= r;
    }
    b.set_output(moved(emit(b, {cpuops::kind::tile, ints, {}}, {&x}, lay, out, x.elem_type), x));
}

// A known FLOAT input as values.
std::vector<double> known_floats(check_builder& b, int i, const std::string& what) {
    const onnx_tensor& t = b.known_input(i, what);
    if (t.elem_type != TensorProto::FLOAT || t.dims.size() > 1)
        b.fail(what + ": expected a 1-D FLOAT tensor");
    std::vector<double> v;
    for (std::size_t k = 0; k < t.count(); ++k)
        v.push_back(t.value(k));
    return v;
}

int32_t option(check_builder& b, const std::string& what, const std::string& got,
               const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == got)
            return static_cast<int32_t>(i);
    std::string list;
    for (const std::string& n : names)
        list += (list.empty() ? "" : ", ") + n;
    b.fail(what + " '" + got + "': expected one of " + list);
}

// Resize (scales or sizes) and Upsample (scales): nearest or linear, on the CPU.
void resize(check_builder& b, bool upsample) {
    b.single_output();
    const attributes a = b.attrs();
    if (upsample)
        a.only({"mode"});
    else
        a.only({"coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
                "extrapolation_value", "mode", "nearest_mode"});
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int32_t mode =
        option(b, "mode", a.get_string("mode", "nearest"), {"nearest", "linear", "cubic"});
    const int32_t coord = upsample
                              ? 1
                              : option(b, "coordinate_transformation_mode",
                                       a.get_string("coordinate_transformation_mode", "half_pixel"),
                                       {"half_pixel", "asymmetric", "align_corners",
                                        "pytorch_half_pixel", "tf_half_pixel_for_nn"});
    const int32_t round =
        upsample ? 2
                 : option(b, "nearest_mode", a.get_string("nearest_mode", "round_prefer_floor"),
                          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"});
    const int32_t exclude_outside = a.get_int("exclude_outside", 0) != 0 ? 1 : 0;
    // Upsample and opset-10 Resize: input 1 is the scales; then roi, scales, sizes.
    const int scales_at = upsample || b.opset() < 11 ? 1 : 2;
    std::vector<double> scales;
    std::vector<int64_t> out = x.dims;
    if (b.has_input(scales_at) && b.known_input(scales_at, "scales").count() > 0) {
        scales = known_floats(b, scales_at, "scales");
        if (static_cast<int>(scales.size()) != rank)
            b.fail("scales: expected " + std::to_string(rank) + " values");
        for (int i = 0; i < rank; ++i)
            out[static_cast<std::size_t>(i)] = static_cast<int64_t>(
                std::floor(static_cast<double>(x.dims[static_cast<std::size_t>(i)]) *
                           scales[static_cast<std::size_t>(i)]));
    } else if (!upsample && b.has_input(3)) {
        out = known_ints(b, 3, "sizes", true);
        if (static_cast<int>(out.size()) != rank)
            b.fail("sizes: expected " + std::to_string(rank) + " values");
        for (int i = 0; i < rank; ++i)
            scales.push_back(static_cast<double>(out[static_cast<std::size_t>(i)]) /
                             static_cast<double>(x.dims[static_cast<std::size_t>(i)]));
    } else {
        b.fail("scales or sizes: expected one of them");
    }
    const layout lay = math_layout({&x});
    std::vector<float> sc(4, 1.0f);
    for (int i = 0; i < rank; ++i)
        if (scales[static_cast<std::size_t>(i)] != 1.0)
            sc[static_cast<std::size_t>(our_axis(i, rank, lay))] =
                static_cast<float>(scales[static_cast<std::size_t>(i)]);
    nn::shape4 s;
    try {
        s = to_shape4(out, lay, "output");
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    sc.push_back(a.get_float("cubic_coeff_a", -0.75f));
    b.set_output(emit(b,
                      {cpuops::kind::resize,
                       {mode, coord, round, s.n, s.h, s.w, s.c, exclude_outside},
                       sc},
                      {&x}, lay, out, kFloat));
}

}  // namespace

const translation_table& index_translations() {
    static const translation_table t = {
        {"Slice", slice},
        {"Split", split},
        {"Gather", gather},
        {"Where", where},
        {"Expand", expand},
        {"Tile", tile},
        {"Resize", [](check_builder& b) { resize(b, false); }},
        {"Upsample", [](check_builder& b) { resize(b, true); }},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
