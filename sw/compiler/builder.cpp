#include "sw/compiler/builder.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "sw/compiler/arena_plan.h"
#include "arch/package/validator.h"
#include "nn/ref/ops.h"

namespace nnvp::compiler {

namespace {

uint64_t align_up(uint64_t v, uint64_t a = package::alignment) {
    return (v + a - 1) / a * a;
}

std::string op_name(const net_op& op) {
    if (!op.name.empty())
        return op.name;
    return op.type == op_type::layer ? op.layer.name : cpuops::to_string(op.cpu.k);
}

[[noreturn]] void fail_op(const network& net, std::size_t i, const std::string& what) {
    throw std::invalid_argument("network '" + net.name + "': op " + std::to_string(i) + " '" +
                                op_name(net.ops[i]) + "': " + what);
}

bool two_operands(const ref::layer& l) {
    return l.op == ref::op_kind::add || l.op == ref::op_kind::mul;
}

}  // namespace

// The operand tensor indices of op i (the sequential defaults resolved).
std::vector<int> operands(const network& net, std::size_t i) {
    const net_op& op = net.ops[i];
    if (!op.in.empty())
        return op.in;
    std::vector<int> in{static_cast<int>(i)};
    if (op.type == op_type::layer && op.in2 >= 0)
        in.push_back(op.in2);
    return in;
}

std::vector<tensor_desc> plan_tensors(const network& net) {
    const std::size_t n = net.ops.size();
    std::vector<tensor_desc> t(static_cast<std::size_t>(net.tensor_count()));
    std::vector<bool> known(t.size(), false);
    t[0] = {0, net.input_shape, net.input_type, net.input_q};
    known[0] = true;
    for (std::size_t j = 0; j < net.extra_inputs.size(); ++j) {
        const tensor_spec& s = net.extra_inputs[j];
        const auto k = static_cast<std::size_t>(net.extra_input_index(j));
        t[k] = {0, s.shape, s.type, s.q};
        known[k] = true;
    }
    for (std::size_t j = 0; j < net.constants.size(); ++j) {
        const constant& c = net.constants[j];
        const auto k = static_cast<std::size_t>(net.constant_index(j));
        t[k] = {0, c.value.shape(), c.value.type(), c.q};
        known[k] = true;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const net_op& op = net.ops[i];
        const std::vector<int> in = operands(net, i);
        for (std::size_t k = 0; k < in.size(); ++k)
            if (in[k] < 0 || in[k] >= static_cast<int>(t.size()) ||
                !known[static_cast<std::size_t>(in[k])])
                fail_op(net, i,
                        "operand " + std::to_string(k) + ": tensor " + std::to_string(in[k]) +
                            ": expected an input, a constant or an earlier op's output");
        tensor_desc out;
        if (op.type == op_type::layer) {
            const ref::layer& l = op.layer;
            const tensor_desc& a = t[static_cast<std::size_t>(in[0])];
            if (in.size() != (two_operands(l) ? 2u : 1u))
                fail_op(net, i, std::to_string(in.size()) + " operands: expected " +
                                    (two_operands(l) ? "2 (add / mul)" : "1"));
            if (a.type != ref::input_type(l))
                fail_op(net, i, std::string("input is ") + nn::to_string(a.type) +
                                    ": expected " + nn::to_string(ref::input_type(l)));
            try {
                out.shape = ref::output_shape(l, a.shape);
            } catch (const std::exception& e) {
                fail_op(net, i, e.what());
            }
            out.type = ref::output_type(l);
            out.q = l.out_q;
        } else {
            std::vector<cpuops::tensor_info> ins;
            for (int k : in) {
                const tensor_desc& d = t[static_cast<std::size_t>(k)];
                ins.push_back({d.shape, d.type, d.q});
            }
            try {
                const cpuops::tensor_info o = cpuops::infer(op.cpu, ins);
                out.shape = o.shape;
                out.type = o.type;
                out.q = o.q;
            } catch (const std::exception& e) {
                fail_op(net, i, e.what());
            }
        }
        t[i + 1] = out;
        known[i + 1] = true;
    }
    const int o = net.output_index();
    if (o < 0 || o >= static_cast<int>(t.size()))
        throw std::invalid_argument("network '" + net.name + "': output tensor " +
                                    std::to_string(o) + ": expected below " +
                                    std::to_string(t.size()));
    return t;
}

namespace {

// Where a DRAM move of a compiled core program points: an operand of the
// op (resolved once the arena is planned) or a constant blob.
enum class area : uint8_t { input, in2, output, constant };
struct move_ref {
    std::size_t command = 0;  // index in the step's command list
    area where = area::input;
    uint64_t offset = 0;  // bytes into the area (constant: package offset of the blob + this)
    // Channel slices: an output group's STORE writes channels [c0, c0 + cg)
    // of pixels of `c_total` channels; a grouped conv's input LOAD reads
    // such a slice of its input (cg == c_total: contiguous).
    uint32_t c0 = 0, cg = 0, c_total = 0, elem_bits = 0;
};

struct core_code {
    std::vector<nncore_cmd::command> commands;
    std::vector<move_ref> moves;
    unsigned programs = 0;
};

class package_builder {
public:
    package_builder(const network& net, const build_options& opt) : m_net(net), m_opt(opt) {}
    built_package run();

private:
    [[noreturn]] void fail(std::size_t i, const std::string& what) const { fail_op(m_net, i, what); }
    uint32_t add_constant(const uint8_t* data, std::size_t bytes);
    bool try_core(std::size_t i, core_code& code);
    bool compile_group(std::size_t i, const ref::layer& l, const nn::tensor* weights,
                       const nn::tensor* bias, uint32_t c0, uint32_t in_c0, core_code& code,
                       std::string& why);
    void cpu_layer(std::size_t i, package::step_record& s);
    void cpu_op(std::size_t i, package::step_record& s);
    std::vector<bool> free_concats() const;
    nn::tensor zeros(int index) const {
        const tensor_desc& d = m_out.tensors[static_cast<std::size_t>(index)];
        return nn::tensor(d.type, d.shape);
    }

    const network& m_net;
    const build_options& m_opt;
    built_package m_out;
    std::vector<std::vector<int>> m_operands;
    uint64_t m_constants_offset = 0;  // package offset of the constants section
    std::vector<uint8_t> m_constants, m_streams, m_cpu_code;
};

uint32_t package_builder::add_constant(const uint8_t* data, std::size_t bytes) {
    const std::size_t at = align_up(m_constants.size());
    m_constants.resize(at + bytes, 0);
    std::copy(data, data + bytes, m_constants.begin() + static_cast<long>(at));
    return static_cast<uint32_t>(m_constants_offset + at);
}

// Channels that make whole bytes: a channel slice of a tensor of this type
// must start and span multiples of it (int4: 2, binary: 8).
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
    const std::size_t per = t.bytes().size() / static_cast<std::size_t>(s.n);
    s.n = rows;
    nn::tensor out(t.type(), s);
    std::copy(t.bytes().begin() + static_cast<long>(per * static_cast<std::size_t>(r0)),
              t.bytes().begin() + static_cast<long>(per * static_cast<std::size_t>(r0 + rows)),
              out.bytes().begin());
    return out;
}

nn::tensor channels_slice(const nn::tensor& t, int c0, int cg) {  // [1,1,1,C] bias
    nn::tensor out(t.type(), {1, 1, 1, cg});
    const std::size_t eb = nn::storage_bytes(t.type(), 1);
    std::copy(t.bytes().begin() + static_cast<long>(eb * static_cast<std::size_t>(c0)),
              t.bytes().begin() + static_cast<long>(eb * static_cast<std::size_t>(c0 + cg)),
              out.bytes().begin());
    return out;
}

// Compiles one output-channel group of op i (the whole layer when cg == O)
// and appends its commands; false with `why` when single_layer_program cannot tile it.
bool package_builder::compile_group(std::size_t i, const ref::layer& l, const nn::tensor* weights,
                                    const nn::tensor* bias, uint32_t c0, uint32_t in_c0,
                                    core_code& code, std::string& why) {
    const std::vector<int>& in = m_operands[i];
    const tensor_desc& whole_in = m_out.tensors[static_cast<std::size_t>(in[0])];
    // A grouped conv's slice reads only its groups' input channels.
    nn::shape4 in_shape = whole_in.shape;
    if (weights && l.op == ref::op_kind::conv2d)
        in_shape.c = weights->shape().c * l.geo.groups;
    const nn::tensor input(whole_in.type, in_shape);
    const nn::tensor in2 = in.size() > 1 ? zeros(in[1]) : nn::tensor();
    const nn::tensor* second = in.size() > 1 ? &in2 : weights;
    compiler::program_options po;
    po.df = m_opt.df;
    po.align = package::alignment;
    po.weight_format = m_opt.weight_format;
    compiler::program p;
    try {
        p = compiler::single_layer_program(l, input, second, bias, m_opt.buffers, po);
    } catch (const std::invalid_argument& e) {
        why = e.what();
        return false;
    }
    const compiler::dram_layout& d = p.dram;
    const uint64_t base = d.end - p.image.size();
    auto constant = [&](uint64_t addr, std::size_t bytes) -> uint64_t {
        return bytes ? add_constant(p.image.data() + (addr - base), bytes) : 0;
    };
    struct region {
        uint64_t from, bytes;
        area where;
        uint64_t to;
    };
    const std::vector<region> regions = {
        {d.input, d.input_bytes, area::input, 0},
        {d.in2, d.in2_bytes, area::in2, 0},
        {d.weights, d.weight_bytes, area::constant, constant(d.weights, d.weight_bytes)},
        {d.bias, d.bias_bytes, area::constant, constant(d.bias, d.bias_bytes)},
        {d.table, d.table_bytes, area::constant, constant(d.table, d.table_bytes)},
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
                    if (r.where == area::input) {
                        mr.c0 = in_c0;
                        mr.cg = static_cast<uint32_t>(in_shape.c);
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
    return true;
}

// Compiles op i for the core: the whole layer, else (conv2d / fully
// connected whose weights do not fit) groups of output channels. False when
// single_layer_program cannot compile it.
bool package_builder::try_core(std::size_t i, core_code& code) {
    const net_op& op = m_net.ops[i];
    const ref::layer& l = op.layer;
    const nn::tensor* w = op.weights ? &*op.weights : nullptr;
    const nn::tensor* b = op.bias ? &*op.bias : nullptr;
    std::string why;
    const std::size_t mark = m_constants.size();
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
        m_constants.resize(mark);
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
        if (ok)
            return true;
        cg = groups > 1 && cg > unit ? std::max(cg * 3 / 4 / unit * unit, unit)
                                     : cg * 3 / 4 / grain * grain;
    }
    code = {};
    m_constants.resize(mark);
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
        off = add_constant(t->bytes().data(), t->bytes().size());
        bytes = static_cast<uint32_t>(t->bytes().size());
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

void package_builder::cpu_op(std::size_t i, package::step_record& s) {
    std::vector<uint16_t> in;
    for (int k : m_operands[i])
        in.push_back(static_cast<uint16_t>(k));
    const std::vector<uint8_t> code = cpuops::encode(m_net.ops[i].cpu, in);
    const std::size_t at = align_up(m_cpu_code.size());
    m_cpu_code.resize(at, 0);
    m_cpu_code.insert(m_cpu_code.end(), code.begin(), code.end());
    s.kind = static_cast<uint8_t>(package::step_kind::cpu_op);
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
            ok = ok && produced && m_out.kinds[t - 1] == package::step_kind::core && readers[t] == 1 &&
                 m_out.tensors[t].shape.c % channel_grain(out.type) == 0 &&
                 k != m_net.output_index() && m_out.tensors[t].type == out.type &&
                 (nn::is_float(out.type) || (m_out.tensors[t].q.scale == out.q.scale &&
                                              m_out.tensors[t].q.zero_point == out.q.zero_point));
        }
        free[i] = ok;
    }
    return free;
}

built_package package_builder::run() {
    if (m_opt.load_address % package::alignment || m_opt.arena_base % package::alignment ||
        m_opt.overflow_arena_base % package::alignment)
        throw std::invalid_argument("network '" + m_net.name +
                                    "': load_address and arena_base: expected 64-byte aligned");
    if (m_net.ops.empty() || static_cast<std::size_t>(m_net.tensor_count()) >= package::no_tensor)
        throw std::invalid_argument("network '" + m_net.name +
                                    "': expected 1 or more ops and below 65535 tensors");
    m_out.tensors = plan_tensors(m_net);
    const std::size_t n = m_net.ops.size();
    for (std::size_t i = 0; i < n; ++i)
        m_operands.push_back(operands(m_net, i));
    const std::size_t tcount = m_out.tensors.size();
    const uint64_t steps_bound = package::first_section_offset;
    const uint64_t tensors_off = align_up(steps_bound + n * package::step_record_bytes);
    m_constants_offset = align_up(tensors_off + tcount * package::tensor_record_bytes);
    for (const constant& c : m_net.constants)
        m_out.tensors[static_cast<std::size_t>(m_net.constant_index(&c - m_net.constants.data()))]
            .address = m_opt.load_address + add_constant(c.value.bytes().data(), c.value.bytes().size());

    // Placement and compilation.
    std::vector<package::step_record> steps(n);
    std::vector<core_code> code(n);
    m_out.core_programs.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const net_op& op = m_net.ops[i];
        package::step_record& s = steps[i];
        s.name = op_name(op);
        s.input = static_cast<uint16_t>(m_operands[i][0]);
        s.output = static_cast<uint16_t>(i + 1);
        if (op.type == op_type::cpu) {
            cpu_op(i, s);
        } else {
            if (m_operands[i].size() > 1)
                s.in2 = static_cast<uint16_t>(m_operands[i][1]);
            const bool core_ok =
                (m_opt.core_precisions >> static_cast<unsigned>(op.layer.prec)) & 1u;
            if (op.where == placement::core && !core_ok)
                fail(i, std::string("precision ") + ref::to_string(op.layer.prec) +
                            ": the core does not support it");
            if (op.where != placement::cpu && core_ok && try_core(i, code[i])) {
                s.kind = static_cast<uint8_t>(package::step_kind::core);
                m_out.core_programs[i] = code[i].programs;
            } else {
                cpu_layer(i, s);
            }
        }
        m_out.kinds.push_back(static_cast<package::step_kind>(s.kind));
    }

    // Free concats: producers write into the concat's buffer, no step.
    const std::vector<bool> free = free_concats();
    std::vector<int> view_of(tcount, -1);    // tensor -> the concat output it is a slice of
    std::vector<uint32_t> view_c0(tcount, 0);
    for (std::size_t i = 0; i < n; ++i) {
        if (!free[i])
            continue;
        uint32_t c = 0;
        for (int k : m_operands[i]) {
            view_of[static_cast<std::size_t>(k)] = static_cast<int>(i + 1);
            view_c0[static_cast<std::size_t>(k)] = c;
            c += static_cast<uint32_t>(m_out.tensors[static_cast<std::size_t>(k)].shape.c);
        }
    }

    // Arena: live ranges over step indices, then first-fit placement.
    std::vector<arena_request> req;
    std::vector<int> first(tcount, -1), last(tcount, -1);
    const int end_of_run = static_cast<int>(n);
    auto pin = [&](std::size_t t) { first[t] = 0, last[t] = end_of_run; };
    pin(0);
    for (std::size_t j = 0; j < m_net.extra_inputs.size(); ++j)
        pin(static_cast<std::size_t>(m_net.extra_input_index(j)));
    for (std::size_t i = 0; i < n; ++i) {
        auto root = [&](std::size_t t) { return view_of[t] >= 0 ? static_cast<std::size_t>(view_of[t]) : t; };
        const std::size_t o = root(i + 1);
        if (first[o] < 0 || static_cast<int>(i) < first[o])
            first[o] = static_cast<int>(i);
        last[o] = std::max(last[o], static_cast<int>(i));
        for (int k : m_operands[i]) {
            const std::size_t t = root(static_cast<std::size_t>(k));
            last[t] = std::max(last[t], static_cast<int>(i));
        }
    }
    pin(static_cast<std::size_t>(m_net.output_index()));
    if (view_of[static_cast<std::size_t>(m_net.output_index())] >= 0)
        pin(static_cast<std::size_t>(view_of[static_cast<std::size_t>(m_net.output_index())]));
    std::vector<std::size_t> arena_tensors;
    for (std::size_t t = 0; t < tcount; ++t) {
        const bool is_constant = t >= static_cast<std::size_t>(m_net.constant_index(0));
        if (is_constant || view_of[t] >= 0 || first[t] < 0)
            continue;
        const tensor_desc& d = m_out.tensors[t];
        req.push_back({nn::storage_bytes(d.type, d.shape.count()), first[t],
                       m_opt.reuse_arena ? last[t] : end_of_run});
        arena_tensors.push_back(t);
    }
    // Offsets first; the base once the arena's size is known.
    const arena_plan plan = plan_arena(req, package::alignment);
    for (std::size_t k = 0; k < arena_tensors.size(); ++k)
        m_out.tensors[arena_tensors[k]].address = plan.offsets[k];
    m_out.arena_size = std::max<uint64_t>(plan.size, package::alignment);
    for (std::size_t t = 0; t < tcount; ++t) {
        if (view_of[t] < 0)
            continue;
        const tensor_desc& whole = m_out.tensors[static_cast<std::size_t>(view_of[t])];
        m_out.tensors[t].address =
            whole.address + view_c0[t] * static_cast<uint64_t>(nn::bits_of(whole.type)) / 8;
    }
    // Tensors no step reads or writes (an unused input) still need a home.
    for (std::size_t t = 0; t < tcount; ++t)
        if (first[t] < 0 && view_of[t] < 0 && t < static_cast<std::size_t>(m_net.constant_index(0))) {
            m_out.tensors[t].address = align_up(m_out.arena_size);
            m_out.arena_size = align_up(m_out.arena_size) +
                               align_up(nn::storage_bytes(m_out.tensors[t].type,
                                                          m_out.tensors[t].shape.count()));
        }
    m_out.arena_base = m_opt.arena_capacity && m_out.arena_size > m_opt.arena_capacity
                           ? m_opt.overflow_arena_base
                           : m_opt.arena_base;
    for (std::size_t t = 0; t < static_cast<std::size_t>(m_net.constant_index(0)); ++t)
        m_out.tensors[t].address += m_out.arena_base;

    // Relocate the core programs and emit their streams.
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < n; ++i) {
        if (free[i])
            continue;
        kept.push_back(i);
        if (steps[i].kind != static_cast<uint8_t>(package::step_kind::core))
            continue;
        core_code& cc = code[i];
        const std::vector<int>& in = m_operands[i];
        const std::size_t out_t = view_of[i + 1] >= 0 ? static_cast<std::size_t>(view_of[i + 1]) : i + 1;
        const tensor_desc& out = m_out.tensors[out_t];
        const uint32_t c_base = view_of[i + 1] >= 0 ? view_c0[i + 1] : 0;
        for (const move_ref& mr : cc.moves) {
            nncore_cmd::move_cmd& m = *package::dram_move(cc.commands[mr.command]);
            switch (mr.where) {
                case area::input: {
                    const uint64_t at = m_out.tensors[static_cast<std::size_t>(in[0])].address;
                    if (mr.cg == mr.c_total) {
                        m.dram_addr = at + mr.offset;
                        break;
                    }
                    // A grouped conv part: each pixel's slice of cg channels, c_total apart.
                    const uint32_t px = mr.cg * mr.elem_bits / 8;
                    if (m.count1 > 1 || m.count2 > 1 || m.len % px != 0 || mr.offset % px != 0)
                        fail(i, "internal: an input load of a channel slice is not whole pixels");
                    m.dram_addr = at + ((mr.offset / px) * mr.c_total + mr.c0) * mr.elem_bits / 8;
                    m.count1 = m.len / px;
                    m.dram_stride1 = mr.c_total * mr.elem_bits / 8;
                    m.local_stride1 = px;
                    m.len = px;
                    break;
                }
                case area::in2:
                    m.dram_addr = m_out.tensors[static_cast<std::size_t>(in[1])].address + mr.offset;
                    break;
                case area::constant:
                    m.dram_addr = m_opt.load_address + mr.offset;
                    break;
                case area::output: {
                    const uint32_t c_total = static_cast<uint32_t>(out.shape.c);
                    const uint32_t c0 = c_base + mr.c0;
                    if (mr.cg == c_total) {
                        m.dram_addr = out.address + mr.offset;
                        break;
                    }
                    // The group's pixels are cg channels each; in the output they
                    // are c_total apart: a 2D store, one row per pixel.
                    const uint32_t px = mr.cg * mr.elem_bits / 8;
                    const uint64_t pixel0 = mr.offset / px;
                    if (m.count1 > 1 || m.count2 > 1 || m.len % px != 0 || mr.offset % px != 0)
                        fail(i, "internal: a store of an output-channel group is not whole pixels");
                    m.dram_addr = out.address + (pixel0 * c_total + c0) * mr.elem_bits / 8;
                    m.count1 = m.len / px;
                    m.dram_stride1 = c_total * mr.elem_bits / 8;
                    m.local_stride1 = px;
                    m.len = px;
                    break;
                }
            }
        }
        nncore_cmd::stream_writer w;
        for (const nncore_cmd::command& c : cc.commands)
            w.append(c);
        w.end();
        const std::vector<uint8_t> stream = w.bytes();
        const std::size_t at = align_up(m_streams.size());
        m_streams.resize(at, 0);
        m_streams.insert(m_streams.end(), stream.begin(), stream.end());
        steps[i].code_offset = static_cast<uint32_t>(at);  // relative until the layout is known
        steps[i].code_bytes = static_cast<uint32_t>(stream.size());
    }

    const std::size_t ns = kept.size();
    const uint64_t streams_off = align_up(m_constants_offset + m_constants.size());
    const uint64_t cpu_off = align_up(streams_off + m_streams.size());
    const uint64_t total = cpu_off + m_cpu_code.size();
    if (total > UINT32_MAX)
        throw std::invalid_argument("network '" + m_net.name + "': package of " +
                                    std::to_string(total) + " bytes: expected below 4 GiB");
    std::vector<uint8_t>& img = m_out.image;
    img.assign(total, 0);
    for (std::size_t k = 0; k < ns; ++k) {
        package::step_record& s = steps[kept[k]];
        if (s.kind == static_cast<uint8_t>(package::step_kind::core))
            s.code_offset += static_cast<uint32_t>(streams_off);
        else
            s.code_offset += static_cast<uint32_t>(cpu_off);
        package::encode(s, img.data() + steps_bound + k * package::step_record_bytes);
    }
    for (std::size_t t = 0; t < tcount; ++t) {
        const tensor_desc& d = m_out.tensors[t];
        package::tensor_record r;
        r.address = d.address;
        r.shape = d.shape;
        r.type = static_cast<uint8_t>(d.type);
        r.scale = d.q.scale;
        r.zero_point = d.q.zero_point;
        const bool input = t == 0 || (t >= static_cast<std::size_t>(m_net.extra_input_index(0)) &&
                                      t < static_cast<std::size_t>(m_net.constant_index(0)));
        r.role = input ? package::tensor_role::input
                 : t >= static_cast<std::size_t>(m_net.constant_index(0)) ? package::tensor_role::constant
                 : view_of[t] >= 0 ? package::tensor_role::view
                                   : package::tensor_role::activation;
        package::encode(r, img.data() + tensors_off + t * package::tensor_record_bytes);
    }
    std::copy(m_constants.begin(), m_constants.end(),
              img.begin() + static_cast<long>(m_constants_offset));
    std::copy(m_streams.begin(), m_streams.end(), img.begin() + static_cast<long>(streams_off));
    std::copy(m_cpu_code.begin(), m_cpu_code.end(), img.begin() + static_cast<long>(cpu_off));

    const uint64_t offs[package::section_count] = {steps_bound, tensors_off, m_constants_offset, streams_off,
                                          cpu_off};
    const uint64_t sizes[package::section_count] = {ns * package::step_record_bytes, tcount * package::tensor_record_bytes,
                                           m_constants.size(), m_streams.size(), m_cpu_code.size()};
    for (std::size_t k = 0; k < package::section_count; ++k)
        package::encode(package::section_entry{static_cast<uint32_t>(k + 1), static_cast<uint32_t>(offs[k]),
                             static_cast<uint32_t>(sizes[k]), 0},
               img.data() + package::header_bytes + k * package::section_entry_bytes);
    package::header h;
    h.total_size = static_cast<uint32_t>(total);
    h.load_address = m_opt.load_address;
    h.arena_base = m_out.arena_base;
    h.arena_size = m_out.arena_size;
    h.step_count = static_cast<uint16_t>(ns);
    h.tensor_count = static_cast<uint16_t>(tcount);
    h.input_tensor = 0;
    h.output_tensor = static_cast<uint16_t>(m_net.output_index());
    h.name = m_net.name;
    package::encode(h, img.data());
    package::seal(img);
    for (std::size_t i = 0; i < n; ++i)
        if (free[i])
            m_out.kinds[i] = package::step_kind::none;
    return std::move(m_out);
}

}  // namespace

net_op layer_op(const ref::layer& l, std::optional<nn::tensor> weights,
                std::optional<nn::tensor> bias, placement where) {
    net_op op;
    op.type = op_type::layer;
    op.name = l.name;
    op.layer = l;
    op.weights = std::move(weights);
    op.bias = std::move(bias);
    op.where = where;
    return op;
}

net_op cpu_op(const cpuops::op& o, std::vector<int> in, const std::string& name) {
    net_op op;
    op.type = op_type::cpu;
    op.name = name;
    op.cpu = o;
    op.in = std::move(in);
    return op;
}

net_op softmax_op(const std::string& name) {
    return cpu_op({cpuops::kind::softmax, {}, {}}, {}, name);
}

net_op reshape_op(const nn::shape4& shape, const std::string& name) {
    return cpu_op({cpuops::kind::reshape, {shape.n, shape.h, shape.w, shape.c}, {}}, {}, name);
}

built_package build(const network& net, const build_options& opt) {
    return package_builder(net, opt).run();
}

}  // namespace nnvp::compiler
