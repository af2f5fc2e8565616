#include "sw/package/builder.h"

#include <stdexcept>

#include "sw/cmdgen/layer_codec.h"
#include "sw/cmdgen/stream.h"
#include "sw/package/validator.h"
#include "sw/ref/ops.h"

namespace nnvp::package {

namespace {

uint64_t align_up(uint64_t v, uint64_t a = alignment) {
    return (v + a - 1) / a * a;
}

std::string op_name(const net_op& op) {
    if (!op.name.empty())
        return op.name;
    switch (op.type) {
        case op_type::layer:
            return op.layer.name;
        case op_type::softmax:
            return "softmax";
        case op_type::reshape:
            return "reshape";
    }
    return "op";
}

// A region of cmdgen's scratch image and where its bytes really lie.
struct region {
    uint64_t from = 0;
    uint64_t bytes = 0;
    uint64_t to = 0;
};

class package_builder {
public:
    package_builder(const network& net, const build_options& opt) : m_net(net), m_opt(opt) {}
    built_package run();

private:
    [[noreturn]] void fail(std::size_t i, const std::string& what) const {
        throw std::invalid_argument("network '" + m_net.name + "': op " + std::to_string(i) + " '" +
                                    op_name(m_net.ops[i]) + "': " + what);
    }
    void plan_tensors();
    uint32_t add_constant(const uint8_t* data, std::size_t bytes);
    bool try_core(std::size_t i, step_record& s);
    void cpu_layer(std::size_t i, step_record& s);
    sw::tensor zeros(int index) const {
        return sw::tensor(m_out.tensors[index].type, m_out.tensors[index].shape);
    }

    const network& m_net;
    const build_options& m_opt;
    built_package m_out;
    uint64_t m_constants_offset = 0;  // package offset of the constants section
    std::vector<uint8_t> m_constants, m_streams, m_cpu_code;
};

void package_builder::plan_tensors() {
    m_out.tensors.push_back({0, m_net.input_shape, m_net.input_type, m_net.input_q});
    for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
        const net_op& op = m_net.ops[i];
        const tensor_desc& in = m_out.tensors.back();
        tensor_desc out;
        switch (op.type) {
            case op_type::layer: {
                const ref::layer& l = op.layer;
                if (in.type != ref::input_type(l))
                    fail(i, std::string("input is ") + sw::to_string(in.type) + ": expected " +
                                sw::to_string(ref::input_type(l)));
                const bool two = l.op == ref::op_kind::add || l.op == ref::op_kind::mul;
                if (two != (op.in2 >= 0) || op.in2 > static_cast<int>(i))
                    fail(i, two ? "in2: expected an earlier tensor (0.." + std::to_string(i) + ")"
                                : "in2: expected none (not an add / mul)");
                try {
                    out.shape = ref::output_shape(l, in.shape);
                } catch (const std::exception& e) {
                    fail(i, e.what());
                }
                out.type = ref::output_type(l);
                out.q = l.out_q;
                break;
            }
            case op_type::softmax:
                if (in.type != sw::dtype::fp32 && in.type != sw::dtype::int8)
                    fail(i, std::string("softmax input is ") + sw::to_string(in.type) +
                                ": expected fp32 or int8");
                out.shape = in.shape;
                out.type = sw::dtype::fp32;
                break;
            case op_type::reshape:
                if (op.shape.n <= 0 || op.shape.h <= 0 || op.shape.w <= 0 || op.shape.c <= 0 ||
                    op.shape.count() != in.shape.count())
                    fail(i, "shape " + sw::to_string(op.shape) + ": expected positive dims and " +
                                std::to_string(in.shape.count()) + " elements");
                out.shape = op.shape;
                out.type = in.type;
                out.q = in.q;
                break;
        }
        m_out.tensors.push_back(out);
    }
    uint64_t at = m_opt.arena_base;
    for (tensor_desc& t : m_out.tensors) {
        t.address = at;
        at = align_up(at + sw::storage_bytes(t.type, t.shape.count()));
    }
    m_out.arena_size = at - m_opt.arena_base;
}

uint32_t package_builder::add_constant(const uint8_t* data, std::size_t bytes) {
    const std::size_t at = align_up(m_constants.size());
    m_constants.resize(at + bytes, 0);
    std::copy(data, data + bytes, m_constants.begin() + static_cast<long>(at));
    return static_cast<uint32_t>(m_constants_offset + at);
}

// Compiles op i for the core and links its program into the package; false
// when cmdgen cannot compile it (e.g. weights larger than the weight buffer).
bool package_builder::try_core(std::size_t i, step_record& s) {
    const net_op& op = m_net.ops[i];
    const ref::layer& l = op.layer;
    const sw::tensor input = zeros(static_cast<int>(i));
    const sw::tensor in2 = op.in2 >= 0 ? zeros(op.in2) : sw::tensor();
    const sw::tensor* second = op.in2 >= 0 ? &in2 : (op.weights ? &*op.weights : nullptr);
    cmdgen::program_options po;
    po.df = m_opt.df;
    po.align = alignment;
    cmdgen::program p;
    try {
        p = cmdgen::single_layer_program(l, input, second, op.bias ? &*op.bias : nullptr,
                                         m_opt.buffers, po);
    } catch (const std::invalid_argument& e) {
        if (op.where == placement::core)
            fail(i, e.what());
        return false;
    }
    const cmdgen::dram_layout& d = p.dram;
    const uint64_t base = d.end - p.image.size();
    auto constant = [&](uint64_t addr, std::size_t bytes) -> uint64_t {
        return bytes ? m_opt.load_address + add_constant(p.image.data() + (addr - base), bytes) : 0;
    };
    const std::vector<region> regions = {
        {d.input, d.input_bytes, m_out.tensors[i].address},
        {d.in2, d.in2_bytes,
         op.in2 >= 0 ? m_out.tensors[static_cast<std::size_t>(op.in2)].address : 0},
        {d.weights, d.weight_bytes, constant(d.weights, d.weight_bytes)},
        {d.bias, d.bias_bytes, constant(d.bias, d.bias_bytes)},
        {d.table, d.table_bytes, constant(d.table, d.table_bytes)},
        {d.output, d.output_bytes, m_out.tensors[i + 1].address}};
    cmdgen::stream_writer w;
    for (nncore_cmd::command c : cmdgen::parse_stream(p.stream.data(), p.stream.size()).commands) {
        if (nncore_cmd::move_cmd* mp = dram_move(c)) {
            nncore_cmd::move_cmd& m = *mp;
            const uint64_t extent =
                uint64_t{m.len} * (m.count1 ? m.count1 : 1) * (m.count2 ? m.count2 : 1);
            bool moved = false;
            for (const region& r : regions)
                if (r.bytes && m.dram_addr >= r.from && m.dram_addr + extent <= r.from + r.bytes) {
                    m.dram_addr = r.to + (m.dram_addr - r.from);
                    moved = true;
                    break;
                }
            if (!moved)
                fail(i, "internal: a transfer of cmdgen's program lies in no known area");
        }
        w.append(c);
    }
    const std::vector<uint8_t> stream = w.bytes();
    const std::size_t at = align_up(m_streams.size());
    m_streams.resize(at, 0);
    m_streams.insert(m_streams.end(), stream.begin(), stream.end());
    s.kind = static_cast<uint8_t>(step_kind::core);
    s.code_offset = static_cast<uint32_t>(at);  // relative until the layout is known
    s.code_bytes = static_cast<uint32_t>(stream.size());
    return true;
}

void package_builder::cpu_layer(std::size_t i, step_record& s) {
    const net_op& op = m_net.ops[i];
    const ref::layer& l = op.layer;
    const sw::shape4 in2 =
        op.in2 >= 0 ? m_out.tensors[static_cast<std::size_t>(op.in2)].shape : sw::shape4{};
    cmdgen::encoded_layer e;
    try {
        e = cmdgen::from_layer(l, m_out.tensors[i].shape, {}, m_opt.df, in2);
    } catch (const std::exception& ex) {
        fail(i, ex.what());
    }
    const cmdgen::decoded_layer d = cmdgen::to_layer(e.cmd, e.table.data(), e.table.size());
    if (op.in2 >= 0 && m_out.tensors[static_cast<std::size_t>(op.in2)].type != d.in2_type)
        fail(i, std::string("in2: expected a ") + sw::to_string(d.in2_type) + " tensor");
    auto blob = [&](const char* what, const std::optional<sw::tensor>& t, bool needed,
                    const sw::shape4& shape, sw::dtype type, uint32_t& off, uint32_t& bytes) {
        if (needed != t.has_value())
            fail(i, std::string(what) + (needed ? ": missing" : ": not expected"));
        if (!needed)
            return;
        if (t->type() != type || t->shape() != shape)
            fail(i, std::string(what) + ": expected " + sw::to_string(type) + " " +
                        sw::to_string(shape) + ", got " + sw::to_string(t->type()) + " " +
                        sw::to_string(t->shape()));
        off = add_constant(t->bytes().data(), t->bytes().size());
        bytes = static_cast<uint32_t>(t->bytes().size());
    };
    blob("weights", op.weights, d.has_weights, d.weights, d.weight_type, s.weights_offset,
         s.weights_bytes);
    blob("bias", op.bias, l.has_bias, {1, 1, 1, l.out_channels}, d.bias_type, s.bias_offset,
         s.bias_bytes);
    const std::size_t at = align_up(m_cpu_code.size());
    m_cpu_code.resize(at + nncore_cmd::command_bytes, 0);
    cmdgen::encode(e.cmd, m_cpu_code.data() + at);
    m_cpu_code.insert(m_cpu_code.end(), e.table.begin(), e.table.end());
    s.kind = static_cast<uint8_t>(step_kind::cpu_layer);
    s.code_offset = static_cast<uint32_t>(at);  // relative until the layout is known
    s.code_bytes = static_cast<uint32_t>(nncore_cmd::command_bytes + e.table.size());
}

built_package package_builder::run() {
    if (m_opt.load_address % alignment || m_opt.arena_base % alignment)
        throw std::invalid_argument("network '" + m_net.name +
                                    "': load_address and arena_base: expected 64-byte aligned");
    if (m_net.ops.empty() || m_net.ops.size() + 1 >= no_tensor)
        throw std::invalid_argument("network '" + m_net.name + "': expected 1..65533 ops");
    plan_tensors();
    const std::size_t n = m_net.ops.size();
    const uint64_t steps_off = first_section_offset;
    const uint64_t tensors_off = align_up(steps_off + n * step_record_bytes);
    m_constants_offset = align_up(tensors_off + (n + 1) * tensor_record_bytes);

    std::vector<step_record> steps(n);
    for (std::size_t i = 0; i < n; ++i) {
        const net_op& op = m_net.ops[i];
        step_record& s = steps[i];
        s.name = op_name(op);
        s.input = static_cast<uint16_t>(i);
        s.output = static_cast<uint16_t>(i + 1);
        if (op.type == op_type::softmax) {
            s.kind = static_cast<uint8_t>(step_kind::softmax);
        } else if (op.type == op_type::reshape) {
            s.kind = static_cast<uint8_t>(step_kind::copy);
        } else {
            s.in2 = op.in2 >= 0 ? static_cast<uint16_t>(op.in2) : no_tensor;
            const bool core_ok =
                (m_opt.core_precisions >> static_cast<unsigned>(op.layer.prec)) & 1u;
            if (op.where == placement::core && !core_ok)
                fail(i, std::string("precision ") + ref::to_string(op.layer.prec) +
                            ": the core does not support it");
            if (op.where == placement::cpu || !core_ok || !try_core(i, s))
                cpu_layer(i, s);
        }
        m_out.kinds.push_back(static_cast<step_kind>(s.kind));
    }

    const uint64_t streams_off = align_up(m_constants_offset + m_constants.size());
    const uint64_t cpu_off = align_up(streams_off + m_streams.size());
    const uint64_t total = cpu_off + m_cpu_code.size();
    if (total > UINT32_MAX)
        throw std::invalid_argument("network '" + m_net.name + "': package of " +
                                    std::to_string(total) + " bytes: expected below 4 GiB");
    for (step_record& s : steps)
        if (s.kind == static_cast<uint8_t>(step_kind::core))
            s.code_offset += static_cast<uint32_t>(streams_off);
        else if (s.kind == static_cast<uint8_t>(step_kind::cpu_layer))
            s.code_offset += static_cast<uint32_t>(cpu_off);

    std::vector<uint8_t>& img = m_out.image;
    img.assign(total, 0);
    for (std::size_t i = 0; i < n; ++i)
        encode(steps[i], img.data() + steps_off + i * step_record_bytes);
    for (std::size_t i = 0; i <= n; ++i) {
        const tensor_desc& t = m_out.tensors[i];
        tensor_record r;
        r.address = t.address;
        r.shape = t.shape;
        r.type = static_cast<uint8_t>(t.type);
        r.scale = t.q.scale;
        r.zero_point = t.q.zero_point;
        encode(r, img.data() + tensors_off + i * tensor_record_bytes);
    }
    std::copy(m_constants.begin(), m_constants.end(),
              img.begin() + static_cast<long>(m_constants_offset));
    std::copy(m_streams.begin(), m_streams.end(), img.begin() + static_cast<long>(streams_off));
    std::copy(m_cpu_code.begin(), m_cpu_code.end(), img.begin() + static_cast<long>(cpu_off));

    const uint64_t offs[section_count] = {steps_off, tensors_off, m_constants_offset, streams_off,
                                          cpu_off};
    const uint64_t sizes[section_count] = {n * step_record_bytes, (n + 1) * tensor_record_bytes,
                                           m_constants.size(), m_streams.size(), m_cpu_code.size()};
    for (std::size_t k = 0; k < section_count; ++k)
        encode(section_entry{static_cast<uint32_t>(k + 1), static_cast<uint32_t>(offs[k]),
                             static_cast<uint32_t>(sizes[k]), 0},
               img.data() + header_bytes + k * section_entry_bytes);
    header h;
    h.total_size = static_cast<uint32_t>(total);
    h.load_address = m_opt.load_address;
    h.arena_base = m_opt.arena_base;
    h.arena_size = m_out.arena_size;
    h.step_count = static_cast<uint16_t>(n);
    h.tensor_count = static_cast<uint16_t>(n + 1);
    h.input_tensor = 0;
    h.output_tensor = static_cast<uint16_t>(n);
    h.name = m_net.name;
    encode(h, img.data());
    seal(img);
    return std::move(m_out);
}

}  // namespace

net_op layer_op(const ref::layer& l, std::optional<sw::tensor> weights,
                std::optional<sw::tensor> bias, placement where) {
    net_op op;
    op.type = op_type::layer;
    op.name = l.name;
    op.layer = l;
    op.weights = std::move(weights);
    op.bias = std::move(bias);
    op.where = where;
    return op;
}

net_op softmax_op(const std::string& name) {
    net_op op;
    op.type = op_type::softmax;
    op.name = name;
    return op;
}

net_op reshape_op(const sw::shape4& shape, const std::string& name) {
    net_op op;
    op.type = op_type::reshape;
    op.name = name;
    op.shape = shape;
    return op;
}

built_package build(const network& net, const build_options& opt) {
    return package_builder(net, opt).run();
}

}  // namespace nnvp::package
