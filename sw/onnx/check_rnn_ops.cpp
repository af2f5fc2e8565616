// Translations of import_for_check for the recurrent layers LSTM, GRU and
// RNN (forward direction), unrolled over the sequence: the input projection
// of every step in one fully connected layer on the NN core, per step the
// recurrent projection on the core (h R^T) and the gates as CPU steps
// (slices, sigmoid / tanh, element-wise arithmetic), the outputs Y, Y_h (and
// Y_c) as ONNX defines them.
#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

using cpuops::binary_fn;
using cpuops::unary_fn;
using onnx::TensorProto;

struct rnn_shape {
    int64_t seq = 0, batch = 0, input = 0, hidden = 0;
    bool batch_first = false;  // layout 1: X [batch, seq, input], Y [batch, seq, 1, H]
};

// The block rows [r0, r0 + rows) x columns [c0, c0 + cols) of a 2-D value.
value block(check_builder& b, const value& v, int64_t r0, int64_t rows, int64_t c0, int64_t cols,
            const std::string& name) {
    const auto i = [](int64_t x) { return static_cast<int32_t>(x); };
    const std::vector<int32_t> ints = {0, 0, i(r0), i(c0), 1, 1, 1, 1, 1, 1, i(rows), i(cols)};
    return emit(b, {cpuops::kind::slice, ints, {}}, {&v}, layout::plain, {rows, cols}, kFloat,
                name);
}

value columns(check_builder& b, const value& v, int64_t start, int64_t count,
              const std::string& name) {
    return block(b, v, 0, v.dims[0], start, count, name);
}

value rows_of(check_builder& b, const value& v, int64_t start, int64_t count,
              const std::string& name) {
    return block(b, v, start, count, 0, v.dims[1], name);
}

value apply(check_builder& b, unary_fn f, const value& v, const std::string& name) {
    return emit(b, {cpuops::kind::unary, {static_cast<int32_t>(f)}, {}}, {&v}, layout::plain,
                v.dims, kFloat, name);
}

// Values [from, from + n) of a known tensor.
std::vector<float> part(const onnx_tensor& t, int64_t from, int64_t n) {
    std::vector<float> v;
    for (int64_t i = 0; i < n; ++i)
        v.push_back(static_cast<float>(t.value(static_cast<std::size_t>(from + i))));
    return v;
}

// The matrix rows [gate * H, (gate + count) * H) of W [1, G*H, K] as fully
// connected weights [count*H, 1, 1, K].
nn::tensor weights(const onnx_tensor& w, int64_t first_row, int64_t rows) {
    const int64_t k = w.dims[2];
    nn::tensor t(nn::dtype::fp32, {static_cast<int>(rows), 1, 1, static_cast<int>(k)});
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < k; ++c)
            t.set_float(
                static_cast<std::size_t>(r * k + c),
                static_cast<float>(w.value(static_cast<std::size_t>((first_row + r) * k + c))));
    return t;
}

nn::tensor bias_tensor(const std::vector<float>& v) {
    nn::tensor t(nn::dtype::fp32, {1, 1, 1, static_cast<int>(v.size())});
    for (std::size_t i = 0; i < v.size(); ++i)
        t.set_float(i, v[i]);
    return t;
}

// Checks what every recurrent op shares and reads its shapes; `gates` is
// 4 (LSTM), 3 (GRU) or 1 (RNN).
rnn_shape common(check_builder& b, const attributes& a, int gates) {
    if (a.get_string("direction", "forward") != "forward")
        b.fail("direction: only forward is supported");
    if (a.has("activations") || a.has("activation_alpha") || a.has("activation_beta"))
        b.fail("activations: only the default functions are supported");
    if (a.has("clip"))
        b.fail("clip: not supported");
    const bool batch_first = a.get_int("layout", 0) != 0;
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    if (x.dims.size() != 3)
        b.fail("X: expected [seq_length, batch_size, input_size] (layout 1: batch first)");
    rnn_shape s{batch_first ? x.dims[1] : x.dims[0], batch_first ? x.dims[0] : x.dims[1], x.dims[2],
                a.get_int("hidden_size", 0), batch_first};
    const onnx_tensor& w = b.known_input(1, "W");
    const onnx_tensor& r = b.known_input(2, "R");
    if (s.hidden < 1 || w.dims != std::vector<int64_t>{1, gates * s.hidden, s.input} ||
        r.dims != std::vector<int64_t>{1, gates * s.hidden, s.hidden})
        b.fail("hidden_size, W and R: expected W [1, " + std::to_string(gates) + "*H, " +
               std::to_string(s.input) + "] and R [1, " + std::to_string(gates) + "*H, H]");
    if (b.has_input(4)) {
        const onnx_tensor& lens = b.known_input(4, "sequence_lens");
        for (std::size_t i = 0; i < lens.count(); ++i)
            if (lens.int_value(i) != s.seq)
                b.fail("sequence_lens: every sequence must have the full length " +
                       std::to_string(s.seq));
    }
    return s;
}

// X as [seq, batch, input] (a transpose for layout 1).
value sequence_first(check_builder& b, const rnn_shape& s) {
    const value& x = b.input(0);
    if (!s.batch_first)
        return x;
    const tref r = b.add_cpu({cpuops::kind::transpose, {0, 2, 1, 3}, {}},
                             {b.runtime(x, layout::plain)}, "seq_first");
    return runtime_value(b, r, layout::plain, {s.seq, s.batch, s.input}, kFloat);
}

// The biases of gates [first, first + n) from B [1, 2*G*H] = [Wb, Rb]: Wb,
// Rb or their sum (zeros without B).
enum class bias_part { w, r, both };
std::vector<float> biases(check_builder& b, int gates, const rnn_shape& s, int64_t first, int64_t n,
                          bias_part part) {
    std::vector<float> v(static_cast<std::size_t>(n * s.hidden), 0.0f);
    if (!b.has_input(3))
        return v;
    const onnx_tensor& bt = b.known_input(3, "B");
    if (bt.count() != static_cast<std::size_t>(2 * gates * s.hidden))
        b.fail("B: expected [1, " + std::to_string(2 * gates) + "*H]");
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto at = static_cast<std::size_t>(first * s.hidden + static_cast<int64_t>(i));
        const auto r_at = at + static_cast<std::size_t>(gates * s.hidden);
        if (part != bias_part::r)
            v[i] += static_cast<float>(bt.value(at));
        if (part != bias_part::w)
            v[i] += static_cast<float>(bt.value(r_at));
    }
    return v;
}

// X W^T + bias for every step at once ([seq * batch, rows]): one fully
// connected layer on the NN core.
value input_projection(check_builder& b, const rnn_shape& s, int64_t rows,
                       const std::vector<float>& bias) {
    return fully_connected(b, sequence_first(b, s), s.seq * s.batch,
                           weights(b.known_input(1, "W"), 0, rows), bias_tensor(bias),
                           {s.seq * s.batch, rows}, "x_proj");
}

// h R[first, first + rows)^T ([batch, rows]) on the NN core.
value recurrent_projection(check_builder& b, const rnn_shape& s, const value& h, int64_t first,
                           int64_t rows, const std::string& name) {
    return fully_connected(b, h, s.batch, weights(b.known_input(2, "R"), first, rows), std::nullopt,
                           {s.batch, rows}, name);
}

// Step t's pre-activations of every gate: its rows of the input projection,
// plus h R^T once there is a state.
value step_gates(check_builder& b, const rnn_shape& s, const value& xw,
                 const std::optional<value>& h, int64_t t, const std::string& st) {
    const value g = rows_of(b, xw, t * s.batch, s.batch, st + "x");
    if (!h)
        return g;
    return binary_value(b, binary_fn::add, g,
                        recurrent_projection(b, s, *h, 0, xw.dims[1], st + "h_proj"), st + "gates");
}

// The initial state input `i` as [batch, H], or none.
std::optional<value> initial(check_builder& b, int i, const rnn_shape& s, const std::string& name) {
    if (!b.has_input(i))
        return std::nullopt;
    b.need_type(i, {kFloat});
    const value& v = b.input(i);
    const std::vector<int64_t> want = s.batch_first ? std::vector<int64_t>{s.batch, 1, s.hidden}
                                                    : std::vector<int64_t>{1, s.batch, s.hidden};
    if (v.dims != want)
        b.fail(name +
               ": expected [1, batch_size, hidden_size] ([batch_size, 1, hidden_size] "
               "batch first)");
    return reshape_to(b, v, {s.batch, s.hidden}, name);
}

// Y [seq, 1, batch, H] from the per-step states, and Y_h / Y_c [1, batch, H].
void set_outputs(check_builder& b, const rnn_shape& s, const std::vector<value>& hs,
                 const std::optional<value>& c) {
    if (b.wants_output(0)) {
        std::vector<tref> parts;
        for (std::size_t t = 0; t < hs.size(); ++t)
            parts.push_back(
                reshape_to(b, hs[t], {1, 1, s.batch, s.hidden}, "y" + std::to_string(t)).r);
        tref y = hs.size() == 1 ? parts[0] : b.add_cpu({cpuops::kind::concat, {0}, {}}, parts, "Y");
        std::vector<int64_t> dims = {s.seq, 1, s.batch, s.hidden};
        if (s.batch_first) {  // [seq, 1, batch, H] -> [batch, seq, 1, H]
            y = b.add_cpu({cpuops::kind::transpose, {2, 0, 1, 3}, {}}, {y}, "Y_batch_first");
            dims = {s.batch, s.seq, 1, s.hidden};
        }
        b.set_output(0, runtime_value(b, y, layout::plain, dims, kFloat));
    }
    // Y_h, Y_c: [1, batch, H], batch first [batch, 1, H] (the same bytes).
    const std::vector<int64_t> state = s.batch_first ? std::vector<int64_t>{s.batch, 1, s.hidden}
                                                     : std::vector<int64_t>{1, s.batch, s.hidden};
    if (b.wants_output(1))
        b.set_output(1, reshape_to(b, hs.back(), state, "Y_h"));
    if (c && b.wants_output(2))
        b.set_output(2, reshape_to(b, *c, state, "Y_c"));
}

void lstm(check_builder& b) {
    const attributes a = b.attrs();
    a.only({"activation_alpha", "activation_beta", "activations", "clip", "direction",
            "hidden_size", "input_forget", "layout"});
    if (a.get_int("input_forget", 0) != 0)
        b.fail("input_forget: not supported");
    const rnn_shape s = common(b, a, 4);
    const int64_t h4 = 4 * s.hidden, hh = s.hidden;
    const value xw = input_projection(b, s, h4, biases(b, 4, s, 0, 4, bias_part::both));
    std::optional<value> h = initial(b, 5, s, "initial_h"), c = initial(b, 6, s, "initial_c");
    // Peepholes P [1, 3*H] = [Pi, Po, Pf]: constants once, read by every step.
    std::vector<value> peep;
    if (b.has_input(7)) {
        const onnx_tensor& p = b.known_input(7, "P");
        if (p.count() != static_cast<std::size_t>(3 * hh))
            b.fail("P: expected [1, 3*H]");
        for (int k = 0; k < 3; ++k)
            peep.push_back(float_constant(b, {hh}, part(p, k * hh, hh), "p" + std::to_string(k)));
    }
    // gate + state * peephole
    const auto peeped = [&](const value& gate, const value& state, int k, const std::string& name) {
        return binary_value(b, binary_fn::add, gate,
                            binary_value(b, binary_fn::mul, state,
                                         peep[static_cast<std::size_t>(k)], name + "_peep"),
                            name);
    };
    std::vector<value> hs;
    for (int64_t t = 0; t < s.seq; ++t) {
        const std::string st = "t" + std::to_string(t) + "/";
        const value g = step_gates(b, s, xw, h, t, st);
        value i = columns(b, g, 0, hh, st + "i"), o = columns(b, g, hh, hh, st + "o");
        value f = columns(b, g, 2 * hh, hh, st + "f"), cc = columns(b, g, 3 * hh, hh, st + "c");
        if (!peep.empty() && c) {  // on the previous cell
            i = peeped(i, *c, 0, st + "i_p");
            f = peeped(f, *c, 2, st + "f_p");
        }
        i = apply(b, unary_fn::sigmoid, i, st + "sig_i");
        cc = apply(b, unary_fn::tanh, cc, st + "tanh_c");
        value cn = binary_value(b, binary_fn::mul, i, cc, st + "ic");
        if (c) {
            f = apply(b, unary_fn::sigmoid, f, st + "sig_f");
            cn = binary_value(b, binary_fn::add, cn,
                              binary_value(b, binary_fn::mul, f, *c, st + "fc"), st + "cell");
        }
        if (!peep.empty())  // on the new cell
            o = peeped(o, cn, 1, st + "o_p");
        o = apply(b, unary_fn::sigmoid, o, st + "sig_o");
        h = binary_value(b, binary_fn::mul, o, apply(b, unary_fn::tanh, cn, st + "tanh_cell"),
                         st + "h");
        c = cn;
        hs.push_back(*h);
    }
    set_outputs(b, s, hs, c);
}

void gru(check_builder& b) {
    const attributes a = b.attrs();
    a.only({"activation_alpha", "activation_beta", "activations", "clip", "direction",
            "hidden_size", "layout", "linear_before_reset"});
    const rnn_shape s = common(b, a, 3);
    const int64_t hh = s.hidden;
    const bool before = a.get_int("linear_before_reset", 0) != 0;
    // x W^T + Wb for z, r, h; + Rb for z and r (h's Rb sits inside the reset).
    std::vector<float> xb = biases(b, 3, s, 0, 2, bias_part::both);
    const std::vector<float> wbh = biases(b, 3, s, 2, 1, bias_part::w);
    xb.insert(xb.end(), wbh.begin(), wbh.end());
    const value xw = input_projection(b, s, 3 * hh, xb);
    const value rbh = float_constant(b, {hh}, biases(b, 3, s, 2, 1, bias_part::r), "rbh");
    std::optional<value> h = initial(b, 5, s, "initial_h");
    std::vector<value> hs;
    for (int64_t t = 0; t < s.seq; ++t) {
        const std::string st = "t" + std::to_string(t) + "/";
        const value g = rows_of(b, xw, t * s.batch, s.batch, st + "x");
        value z = columns(b, g, 0, hh, st + "z"), rg = columns(b, g, hh, hh, st + "r");
        const value xh = columns(b, g, 2 * hh, hh, st + "xh");
        if (h) {
            const value hr = recurrent_projection(b, s, *h, 0, 2 * hh, st + "h_zr");
            z = binary_value(b, binary_fn::add, z, columns(b, hr, 0, hh, st + "hz"), st + "z_h");
            rg = binary_value(b, binary_fn::add, rg, columns(b, hr, hh, hh, st + "hr"), st + "r_h");
        }
        z = apply(b, unary_fn::sigmoid, z, st + "sig_z");
        rg = apply(b, unary_fn::sigmoid, rg, st + "sig_r");
        value cand = xh;  // x Wh^T + Wbh
        if (before) {     // + r * (h Rh^T + Rbh)
            value hh_rec = rbh;
            if (h)
                hh_rec = binary_value(b, binary_fn::add,
                                      recurrent_projection(b, s, *h, 2 * hh, hh, st + "h_h"), rbh,
                                      st + "h_h_b");
            cand = binary_value(b, binary_fn::add, cand,
                                binary_value(b, binary_fn::mul, rg, hh_rec, st + "reset"),
                                st + "cand");
        } else {  // + (r * h) Rh^T + Rbh
            cand = binary_value(b, binary_fn::add, cand, rbh, st + "xh_b");
            if (h)
                cand = binary_value(
                    b, binary_fn::add, cand,
                    recurrent_projection(b, s, binary_value(b, binary_fn::mul, rg, *h, st + "rh"),
                                         2 * hh, hh, st + "rh_h"),
                    st + "cand");
        }
        cand = apply(b, unary_fn::tanh, cand, st + "tanh");
        // h' = (1 - z) cand + z h = cand - z (cand - h)
        const value diff = h ? binary_value(b, binary_fn::sub, cand, *h, st + "diff") : cand;
        h = binary_value(b, binary_fn::sub, cand,
                         binary_value(b, binary_fn::mul, z, diff, st + "zd"), st + "h");
        hs.push_back(*h);
    }
    set_outputs(b, s, hs, std::nullopt);
}

void rnn(check_builder& b) {
    const attributes a = b.attrs();
    a.only({"activation_alpha", "activation_beta", "activations", "clip", "direction",
            "hidden_size", "layout"});
    const rnn_shape s = common(b, a, 1);
    const value xw = input_projection(b, s, s.hidden, biases(b, 1, s, 0, 1, bias_part::both));
    std::optional<value> h = initial(b, 5, s, "initial_h");
    std::vector<value> hs;
    for (int64_t t = 0; t < s.seq; ++t) {
        const std::string st = "t" + std::to_string(t) + "/";
        h = apply(b, unary_fn::tanh, step_gates(b, s, xw, h, t, st), st + "h");
        hs.push_back(*h);
    }
    set_outputs(b, s, hs, std::nullopt);
}

}  // namespace

const translation_table& rnn_translations() {
    static const translation_table t = {{"LSTM", lstm}, {"GRU", gru}, {"RNN", rnn}};
    return t;
}

}  // namespace nnvp::onnx_import::detail
