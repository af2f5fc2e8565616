// The package builder, one op at a time: a core op compiled into
// single-layer programs (split over output channels when its weights do not
// fit), a layer or CPU op encoded as a CPU step, and the concats that need
// no step at all.
#include <algorithm>
#include <stdexcept>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "arch/package/validator.h"
#include "nn/ref/ops.h"
#include "sw/compiler/activation_gemm.h"
#include "sw/compiler/package_builder.h"
#include "sw/compiler/program.h"

namespace nnvp::compiler::detail {

uint32_t package_builder::add_constant(const uint8_t* data, std::size_t bytes) {
    return static_cast<uint32_t>(m_constants_offset + m_constants.add(data, bytes));
}

uint32_t package_builder::add_constant(const nn::tensor& t) {
    return add_constant(t.has_values() ? t.bytes().data() : nullptr, t.byte_size());
}

int channel_grain(nn::dtype t) {
    const int bits = nn::bits_of(t);
    return bits >= 8 ? 1 : 8 / bits;
}

// A slice of output channels [c0, c0 + cg) of a conv2d / fully_connected layer.
ref::layer channel_slice(const ref::layer& l, int c0, int cg) {
    ref::layer s = l;
    s.out_channels = cg;
    auto cut = [&](auto& v) {
        if (static_cast<int>(v.size()) == l.out_channels)
            v = std::decay_t<decltype(v)>(v.begin() + c0, v.begin() + c0 + cg);
    };
    cut(s.w_scales);
    cut(s.out_mult);
    cut(s.bin_alpha);
    return s;
}

nn::tensor rows_slice(const nn::tensor& t, int r0, int rows) {
    nn::shape4 s = t.shape();
    const std::size_t per = t.byte_size() / static_cast<std::size_t>(s.n);
    s.n = rows;
    if (!t.has_values())
        return nn::tensor::without_values(t.type(), s);
    nn::tensor out(t.type(), s);
    std::copy(t.bytes().begin() + static_cast<long>(per * static_cast<std::size_t>(r0)),
              t.bytes().begin() + static_cast<long>(per * static_cast<std::size_t>(r0 + rows)),
              out.bytes().begin());
    return out;
}

nn::tensor channels_slice(const nn::tensor& t, int c0, int cg) {  // [1,1,1,C] bias
    if (!t.has_values())
        return nn::tensor::without_values(t.type(), {1, 1, 1, cg});
    nn::tensor out(t.type(), {1, 1, 1, cg});
    const std::size_t eb = nn::storage_bytes(t.type(), 1);
    std::copy(t.bytes().begin() + static_cast<long>(eb * static_cast<std::size_t>(c0)),
              t.bytes().begin() + static_cast<long>(eb * static_cast<std::size_t>(c0 + cg)),
              out.bytes().begin());
    return out;
}

namespace {

// Position-wise ops (no window, no reduction across positions).
bool position_wise(ref::op_kind op) {
    switch (op) {
    case ref::op_kind::conv2d:
    case ref::op_kind::fully_connected:
    case ref::op_kind::max_pool:
    case ref::op_kind::avg_pool:
    case ref::op_kind::global_avg_pool:
    case ref::op_kind::global_max_pool: return false;
    default: return true;
    }
}

// Folds the positions of a position-wise layer into rows of C (N*H*W x 1),
// its second operand alike when it spans the same positions; false when the
// second operand broadcasts over only some of them.
bool token_rows(ref::op_kind op, nn::shape4& shape, nn::tensor* second) {
    const nn::shape4 rows{1, shape.n * shape.h * shape.w, 1, shape.c};
    if (!position_wise(op) || rows.h == shape.h)
        return false;
    const nn::shape4 other = second ? second->shape() : nn::shape4{1, 1, 1, shape.c};
    const bool per_channel = other.n == 1 && other.h == 1 && other.w == 1;
    if (!per_channel && other.count() != shape.count())
        return false;
    shape = rows;
    if (!per_channel)
        *second = nn::tensor(second->type(), rows);
    return true;
}

}  // namespace

// Compiles one output-channel group of op i (the whole layer when cg == O)
// and appends its commands; false with `why` when single_layer_program cannot tile it.
// The single-layer program of `l` over op i's input (a slice of it for a
// grouped conv or a product's part); false with `why` when it cannot be tiled.
bool package_builder::layer_program(std::size_t i, const ref::layer& l,
                                    const nn::tensor* weights, const nn::tensor* bias,
                                    const gemm_part* part, bool channel_split,
                                    bool estimate_only, compiler::program& p,
                                    std::string& why) {
    const std::vector<int>& in = m_operands[i];
    const tensor_desc& whole_in = m_out.tensors[static_cast<std::size_t>(in[0])];
    // A grouped conv's slice reads only its groups' input channels.
    nn::shape4 in_shape = part ? part->in_shape : whole_in.shape;
    if (weights && l.op == ref::op_kind::conv2d)
        in_shape.c = weights->shape().c * l.geo.groups;
    const bool has_in2 = in.size() > 1 && !part;  // a product's operand 1 is its weights
    nn::tensor in2 = has_in2 ? zeros(in[1]) : nn::tensor();
    const nn::tensor* second = has_in2 ? &in2 : weights;
    compiler::program_options po;
    po.df = m_opt.df;
    po.align = package::alignment;
    po.weight_format = part ? cost::weight_format::dense : m_opt.weight_format;  // run-time weights
    po.core = m_opt.core;
    po.dram_bytes_per_cycle = m_opt.dram_bytes_per_cycle;
    po.dram_pj_per_byte = m_opt.dram_pj_per_byte;
    po.dram_burst_bytes = m_opt.dram_burst_bytes;
    po.dram_burst_cycles = m_opt.dram_burst_cycles;
    po.channel_split = channel_split;
    po.estimate_only = estimate_only;
    try {
        try {
            p = compiler::single_layer_program(l, nn::tensor(whole_in.type, in_shape), second, bias,
                                               m_opt.buffers, po);
        } catch (const std::invalid_argument&) {
            // The tiler splits rows (H): a position-wise layer over 1 x 1 x T x C
            // (a rank-3 [batch, tokens, hidden] tensor) or over heads' score
            // rows reads the same bytes as N*H*W rows of 1 x C instead.
            if (part || !token_rows(l.op, in_shape, has_in2 ? &in2 : nullptr))
                throw;
            p = compiler::single_layer_program(l, nn::tensor(whole_in.type, in_shape), second, bias,
                                               m_opt.buffers, po);
        }
    } catch (const std::invalid_argument& e) {
        why = e.what();
        return false;
    }
    return true;
}

bool package_builder::compile_group(std::size_t i, const ref::layer& l, const nn::tensor* weights,
                                    const nn::tensor* bias, uint32_t c0, uint32_t in_c0,
                                    core_code& code, std::string& why, const gemm_part* part,
                                    bool channel_split) {
    compiler::program p;
    if (!layer_program(i, l, weights, bias, part, channel_split, false, p, why))
        return false;
    const tensor_desc& whole_in = m_out.tensors[static_cast<std::size_t>(m_operands[i][0])];
    const int in_channels = weights && l.op == ref::op_kind::conv2d
                                ? weights->shape().c * l.geo.groups
                                : (part ? part->in_shape : whole_in.shape).c;
    const compiler::dram_layout& d = p.dram;
    const uint64_t base = d.end - p.image.size();
    // Operands without values (timing mode) stay without: nullptr.
    auto constant = [&](uint64_t addr, std::size_t bytes, const nn::tensor* from) -> uint64_t {
        const bool values = !from || from->has_values();
        return bytes ? add_constant(values ? p.image.data() + (addr - base) : nullptr, bytes) : 0;
    };
    struct region {
        uint64_t from, bytes;
        area where;
        uint64_t to;
    };
    const std::vector<region> regions = {
        {d.input, d.input_bytes, area::input, 0},
        {d.in2, d.in2_bytes, area::in2, 0},
        part ? region{d.weights, d.weight_bytes, area::weights_operand, 0}
             : region{d.weights, d.weight_bytes, area::constant,
                      constant(d.weights, d.weight_bytes, weights)},
        {d.bias, d.bias_bytes, area::constant, constant(d.bias, d.bias_bytes, bias)},
        {d.table, d.table_bytes, area::constant, constant(d.table, d.table_bytes, nullptr)},
        {d.output, d.output_bytes, area::output, 0}};
    const tensor_desc& out = m_out.tensors[i + 1];
    const uint32_t out_bits = static_cast<uint32_t>(nn::bits_of(out.type));
    for (const nncore_cmd::command& c :
         nncore_cmd::parse_stream(p.stream.data(), p.stream.size()).commands) {
        if (c.op == nncore_cmd::opcode::end)
            continue;
        if (const nncore_cmd::move_cmd* m = package::dram_move(c)) {
            const uint64_t extent =
                uint64_t{m->len} * (m->count1 ? m->count1 : 1) * (m->count2 ? m->count2 : 1);
            bool found = false;
            for (const region& r : regions)
                if (r.bytes && m->dram_addr >= r.from && m->dram_addr + extent <= r.from + r.bytes) {
                    move_ref mr;
                    mr.command = code.commands.size();
                    mr.where = r.where;
                    mr.offset = r.to + (m->dram_addr - r.from);
                    if (part)
                        mr.base_add = r.where == area::input             ? part->input
                                      : r.where == area::weights_operand ? part->weights
                                      : r.where == area::output          ? part->output
                                                                         : 0;
                    if (r.where == area::input) {
                        mr.c0 = in_c0;
                        mr.cg = static_cast<uint32_t>(in_channels);
                        mr.c_total = static_cast<uint32_t>(whole_in.shape.c);
                        mr.elem_bits = static_cast<uint32_t>(nn::bits_of(whole_in.type));
                    }
                    if (r.where == area::output) {
                        mr.c0 = c0;
                        const bool has_weights = l.op == ref::op_kind::conv2d ||
                                                 l.op == ref::op_kind::fully_connected;
                        mr.cg = static_cast<uint32_t>(has_weights ? l.out_channels : out.shape.c);
                        mr.c_total = static_cast<uint32_t>(out.shape.c);
                        mr.elem_bits = out_bits;
                    }
                    code.moves.push_back(mr);
                    found = true;
                    break;
                }
            if (!found)
                fail(i, "internal: a transfer of the single-layer program lies in no known area");
        }
        code.commands.push_back(c);
    }
    ++code.programs;
    code.mappings.push_back(std::move(p.mapping));
    return true;
}

// A product of activations: one fully connected program per product and
// group of output columns (the largest group whose weights fill ~90% of the
// weight buffer, shrunk until every part compiles), each reading its slices
// of A and Bᵀ in the arena and storing its slice of C.
bool package_builder::try_gemm(std::size_t i, core_code& code, std::string& why) {
    const net_op& op = m_net.ops[i];
    const std::vector<int>& in = m_operands[i];
    const tensor_desc& a = m_out.tensors[static_cast<std::size_t>(in[0])];
    const tensor_desc& bt = m_out.tensors[static_cast<std::size_t>(in[1])];
    const tensor_desc& c = m_out.tensors[i + 1];
    const gemm_dims d = activation_gemm_dims(op.layer, op.batch, a.shape, bt.shape);
    const auto k = static_cast<std::size_t>(d.k);
    const std::size_t a_row = nn::storage_bytes(a.type, k), b_row = nn::storage_bytes(bt.type, k),
                      c_row = nn::storage_bytes(c.type, static_cast<std::size_t>(d.n));
    const std::size_t budget = std::size_t{m_opt.buffers.weight_kb} * 1024u * 9 / 10;
    int cg = static_cast<int>(std::clamp<std::size_t>(budget / b_row, 1, static_cast<std::size_t>(d.n)));
    const uint64_t mark = m_constants.size();
    for (; cg >= 1; cg = cg == 1 ? 0 : std::max(1, cg * 3 / 4)) {
        code = {};
        m_constants.truncate(mark);
        bool ok = true;
        for (int b = 0; b < d.batch && ok; ++b)
            for (int c0 = 0; c0 < d.n && ok; c0 += cg) {
                const int n = std::min(cg, d.n - c0);
                const auto ub = static_cast<uint64_t>(b);
                const gemm_part part{{d.m, 1, 1, d.k},
                                     ub * static_cast<uint64_t>(d.m) * a_row,
                                     (ub * static_cast<uint64_t>(d.n) + static_cast<uint64_t>(c0)) * b_row,
                                     ub * static_cast<uint64_t>(d.m) * c_row};
                const nn::tensor w = nn::tensor::without_values(bt.type, {n, 1, 1, d.k});  // run-time operand
                ok = compile_group(i, channel_slice(op.layer, c0, n), &w, nullptr,
                                   static_cast<uint32_t>(c0), 0, code, why, &part);
            }
        if (ok)
            return true;
    }
    code = {};
    m_constants.truncate(mark);
    return false;
}

// Compiles op i for the core: the whole layer, else (conv2d / fully
// connected whose weights do not fit) groups of output channels. False when
// single_layer_program cannot compile it.
bool package_builder::try_core(std::size_t i, core_code& code, std::string& why) {
    const net_op& op = m_net.ops[i];
    if (op.weights_operand)
        return try_gemm(i, code, why);
    const ref::layer& l = op.layer;
    const nn::tensor* w = op.weights ? &*op.weights : nullptr;
    const nn::tensor* b = op.bias ? &*op.bias : nullptr;
    const uint64_t mark = m_constants.size();
    if (compile_group(i, l, w, b, 0, 0, code, why))
        return true;
    // Grouped convs split at group boundaries (each part reads its groups'
    // input channels); sub-byte tensors cannot be sliced by channel.
    const int groups = l.op == ref::op_kind::conv2d ? l.geo.groups : 1;
    const bool splittable =
        (l.op == ref::op_kind::conv2d || l.op == ref::op_kind::fully_connected) && w &&
        m_out.tensors[i + 1].shape.c % channel_grain(m_out.tensors[i + 1].type) == 0 &&
        (groups == 1 ||
         w->shape().c % channel_grain(m_out.tensors[static_cast<std::size_t>(m_operands[i][0])].type) == 0);
    const int grain = channel_grain(m_out.tensors[i + 1].type);  // channels per whole byte
    const int unit = groups > 1 ? l.out_channels / groups : 1;  // output channels per group
    const std::size_t per_oc_bits =
        w ? static_cast<std::size_t>(nn::bits_of(w->type())) * w->shape().count() /
                static_cast<std::size_t>(l.out_channels)
          : 0;
    if (!splittable || per_oc_bits % 8 != 0) {
        if (op.where == placement::core)
            fail(i, why);
        return false;
    }
    // Largest group whose weights fill at most ~90% of the weight buffer
    // (bias and tables take the rest); shrink until single_layer_program accepts it.
    const std::size_t budget = std::size_t{m_opt.buffers.weight_kb} * 1024u * 9 / 10;
    int cg = static_cast<int>(std::min<std::size_t>(
        static_cast<std::size_t>(l.out_channels) - 1, budget / (per_oc_bits / 8)));
    // Parts never straddle a group: whole groups when a group fits, else
    // slices of one group's output channels (each then a plain conv over
    // that group's input channels).
    if (groups > 1 && unit % grain != 0)  // a group boundary inside a byte
        cg = 0;
    else
        cg = groups > 1 && cg >= unit ? cg / unit * unit : cg / grain * grain;
    while (cg >= 1) {
        code = {};
        m_constants.truncate(mark);
        bool ok = true;
        for (int c0 = 0; c0 < l.out_channels && ok;) {
            const int group_end = cg >= unit ? l.out_channels : (c0 / unit + 1) * unit;
            const int n = std::min(cg, group_end - c0);
            const nn::tensor wg = rows_slice(*w, c0, n);
            const nn::tensor bg = b ? channels_slice(*b, c0, n) : nn::tensor();
            ref::layer part = channel_slice(l, c0, n);
            if (groups > 1)
                part.geo.groups = std::max(1, n / unit);
            const int in_c0 = groups > 1 ? c0 / unit * w->shape().c : 0;
            ok = compile_group(i, part, &wg, b ? &bg : nullptr, static_cast<uint32_t>(c0),
                               static_cast<uint32_t>(in_c0), code, why);
            c0 += n;
        }
        if (ok) {
            // The mapper may prefer fewer, wider groups in input-channel passes.
            const int split_cg = m_opt.channel_split == channel_split_policy::mapper && groups == 1
                                     ? prefer_channel_split(i, code)
                                     : 0;
            if (split_cg == 0)
                return true;
            m_constants.truncate(mark);
            code = {};
            if (!compile_channel_split(i, split_cg, code, why))
                fail(i, "internal: the chosen input-channel split does not compile: " + why);
            return true;
        }
        cg = groups > 1 && cg > unit ? std::max(cg * 3 / 4 / unit * unit, unit)
                                     : cg * 3 / 4 / grain * grain;
    }
    code = {};
    m_constants.truncate(mark);
    if (m_opt.channel_split != channel_split_policy::off && try_channel_split(i, code, why))
        return true;
    if (op.where == placement::core)
        fail(i, why);
    return false;
}

void package_builder::cpu_layer(std::size_t i, package::step_record& s) {
    const net_op& op = m_net.ops[i];
    const ref::layer& l = op.layer;
    const std::vector<int>& in = m_operands[i];
    const nn::shape4 in2 =
        in.size() > 1 ? m_out.tensors[static_cast<std::size_t>(in[1])].shape : nn::shape4{};
    nncore_cmd::encoded_layer e;
    nncore_cmd::decoded_layer d;
    try {
        e = nncore_cmd::encode_layer(l, m_out.tensors[static_cast<std::size_t>(in[0])].shape, {},
                                     m_opt.df, in2);
        d = nncore_cmd::decode(e.cmd, e.table.data(), e.table.size());
    } catch (const std::exception& ex) {
        fail(i, ex.what());
    }
    const nncore_cmd::compute_plan& p = d.plan;
    if (in.size() > 1 && m_out.tensors[static_cast<std::size_t>(in[1])].type != p.in2_type)
        fail(i, std::string("in2: expected a ") + nn::to_string(p.in2_type) + " tensor");
    auto blob = [&](const char* what, const std::optional<nn::tensor>& t, bool needed,
                    const nn::shape4& shape, nn::dtype type, uint32_t& off, uint32_t& bytes) {
        if (needed != t.has_value())
            fail(i, std::string(what) + (needed ? ": missing" : ": not expected"));
        if (!needed)
            return;
        if (t->type() != type || t->shape() != shape)
            fail(i, std::string(what) + ": expected " + nn::to_string(type) + " " +
                        nn::to_string(shape) + ", got " + nn::to_string(t->type()) + " " +
                        nn::to_string(t->shape()));
        off = add_constant(*t);
        bytes = static_cast<uint32_t>(t->byte_size());
    };
    blob("weights", op.weights, p.has_weights, p.w_shape, p.w_type, s.weights_offset,
         s.weights_bytes);
    blob("bias", op.bias, l.has_bias, {1, 1, 1, l.out_channels}, p.bias_type, s.bias_offset,
         s.bias_bytes);
    const std::size_t at = align_up(m_cpu_code.size());
    m_cpu_code.resize(at + nncore_cmd::command_bytes, 0);
    nncore_cmd::encode(e.cmd, m_cpu_code.data() + at);
    m_cpu_code.insert(m_cpu_code.end(), e.table.begin(), e.table.end());
    s.kind = static_cast<uint8_t>(package::step_kind::cpu_layer);
    s.code_offset = static_cast<uint32_t>(at);  // relative until the layout is known
    s.code_bytes = static_cast<uint32_t>(nncore_cmd::command_bytes + e.table.size());
}

void package_builder::emit_cpu_op(std::size_t i, package::step_record& s) {
    std::vector<uint16_t> in;
    for (int k : m_operands[i])
        in.push_back(static_cast<uint16_t>(k));
    const std::vector<uint8_t> code = cpuops::encode(m_net.ops[i].cpu, in);
    const std::size_t at = align_up(m_cpu_code.size());
    m_cpu_code.resize(at, 0);
    m_cpu_code.insert(m_cpu_code.end(), code.begin(), code.end());
    s.code_offset = static_cast<uint32_t>(at);
    s.code_bytes = static_cast<uint32_t>(code.size());
}

// Concats along channels whose every input is produced by a core step for
// this concat alone, in the concat's own type and scale: the producers can
// store straight into their channel slice, and the concat disappears.
std::vector<bool> package_builder::free_concats() const {
    const std::size_t n = m_net.ops.size();
    std::vector<int> readers(m_out.tensors.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
        for (int k : m_operands[i])
            ++readers[static_cast<std::size_t>(k)];
    std::vector<bool> free(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        const net_op& op = m_net.ops[i];
        if (op.type != op_type::cpu || op.cpu.k != cpuops::kind::concat || op.cpu.ints[0] != 3)
            continue;
        const tensor_desc& out = m_out.tensors[i + 1];
        bool ok = true;
        std::vector<bool> seen(m_out.tensors.size(), false);
        for (int k : m_operands[i]) {
            const auto t = static_cast<std::size_t>(k);
            const bool produced = t >= 1 && t <= n && !seen[t];
            seen[t] = true;
            ok = ok && produced && m_out.kinds[t - 1] == package::step_kind::core &&
                 readers[t] == 1 && m_out.tensors[t].shape.c % channel_grain(out.type) == 0 &&
                 !m_net.is_output(k) && m_out.tensors[t].type == out.type &&
                 (nn::is_float(out.type) || (m_out.tensors[t].q.scale == out.q.scale &&
                                             m_out.tensors[t].q.zero_point == out.q.zero_point));
        }
        free[i] = ok;
    }
    return free;
}

// Placement and compilation of every op: on the core when it may go there
// and compiles, else a CPU step.
void package_builder::place_steps() {
    const std::size_t n = m_net.ops.size();
    m_steps.assign(n, {});
    m_code.assign(n, {});
    m_out.core_programs.assign(n, 0);
    m_out.mappings.assign(n, {});
    m_out.cpu_reasons.assign(n, {});
    for (std::size_t i = 0; i < n; ++i) {
        const net_op& op = m_net.ops[i];
        package::step_record& s = m_steps[i];
        s.name = op_name(op);
        s.input = static_cast<uint16_t>(m_operands[i][0]);
        s.output = static_cast<uint16_t>(i + 1);
        std::string& why = m_out.cpu_reasons[i];
        if (op.type == op_type::cpu) {
            s.kind = static_cast<uint8_t>(package::step_kind::cpu_op);  // code: emit_streams
            why = "op unsupported: the NN core has no " + cpuops::describe(op.cpu) + " command";
        } else {
            if (m_operands[i].size() > 1)
                s.in2 = static_cast<uint16_t>(m_operands[i][1]);
            const bool core_ok =
                (m_opt.core_precisions >> static_cast<unsigned>(op.layer.prec)) & 1u;
            if (op.where == placement::core && !core_ok)
                fail(i, std::string("precision ") + ref::to_string(op.layer.prec) +
                            ": the core does not support it");
            if (op.where != placement::cpu && core_ok && try_core(i, m_code[i], why)) {
                s.kind = static_cast<uint8_t>(package::step_kind::core);
                m_out.core_programs[i] = m_code[i].programs;
                m_out.mappings[i] = m_code[i].mappings;
                why.clear();
            } else if (op.weights_operand) {  // its weights exist only at run time
                fail(i, "a product of two activations runs on the NN core only: " +
                            (core_ok ? why : std::string("its precision is not the core's")));
            } else {
                cpu_layer(i, s);
                if (op.where == placement::cpu)
                    why = "placed on the CPU by the network";
                else if (!core_ok)
                    why = std::string("precision ") + ref::to_string(op.layer.prec) +
                          ": the core does not support it";
                else
                    why = "shape does not fit the core: " + why;
            }
        }
        m_out.kinds.push_back(static_cast<package::step_kind>(s.kind));
    }
}

}  // namespace nnvp::compiler::detail
