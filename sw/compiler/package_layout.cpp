// The package builder, the whole package: free concats become views of their
// output, the arena is planned over the tensors' live ranges, the core
// programs' DRAM moves are relocated to where their data lies, and the
// sections, records and header are written.
#include <algorithm>
#include <stdexcept>

#include "arch/nncore/stream.h"
#include "arch/package/validator.h"
#include "sw/compiler/arena_plan.h"
#include "sw/compiler/package_builder.h"

namespace nnvp::compiler::detail {

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
    m_steps_offset = package::first_section_offset;
    m_tensors_offset = align_up(m_steps_offset + n * package::step_record_bytes);
    m_constants_offset =
        align_up(m_tensors_offset + m_out.tensors.size() * package::tensor_record_bytes);
    for (std::size_t j = 0; j < m_net.constants.size(); ++j) {
        const nn::tensor& v = m_net.constants[j].value;
        m_out.tensors[static_cast<std::size_t>(m_net.constant_index(j))].address =
            m_opt.load_address + add_constant(v);
    }
    place_steps();
    m_free = free_concats();
    plan_views();
    mark_free_reshapes();
    place_arena();
    emit_streams();
    write_image();
    for (std::size_t i = 0; i < n; ++i)
        if (m_free[i])
            m_out.kinds[i] = package::step_kind::none;
    return std::move(m_out);
}

// Free concats: their producers write into the concat's buffer, each input
// a view of its channel slice.
void package_builder::plan_views() {
    const std::size_t tcount = m_out.tensors.size();
    m_view_of.assign(tcount, -1);
    m_view_c0.assign(tcount, 0);
    m_alias.assign(tcount, false);
    for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
        if (!m_free[i])
            continue;
        uint32_t c = 0;
        for (int k : m_operands[i]) {
            m_view_of[static_cast<std::size_t>(k)] = static_cast<int>(i + 1);
            m_view_c0[static_cast<std::size_t>(k)] = c;
            c += static_cast<uint32_t>(m_out.tensors[static_cast<std::size_t>(k)].shape.c);
        }
    }
}

namespace {

// A reshape, or a transpose that moves only dims of size 1: the output's
// bytes are the input's, in the same order.
bool keeps_bytes(const cpuops::op& o, const nn::shape4& in) {
    if (o.k == cpuops::kind::reshape)
        return true;
    if (o.k != cpuops::kind::transpose || o.ints.size() != 4)
        return false;
    const int dims[4] = {in.n, in.h, in.w, in.c};
    int last = -1;
    for (int axis : o.ints) {
        if (axis < 0 || axis > 3)
            return false;
        if (dims[axis] == 1)
            continue;
        if (axis < last)
            return false;
        last = axis;
    }
    return true;
}

}  // namespace

// Free reshapes: a reshape (or a transpose that keeps the byte order) keeps
// the bytes, so its output is an alias of its (whole) input, in the same
// type and scale, and the step disappears.
// Reshapes of constants keep their step (an alias must lie in the arena),
// so do those of network outputs (a package of no step is invalid; the host
// reads an output as a tensor of its own).
void package_builder::mark_free_reshapes() {
    for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
        const net_op& op = m_net.ops[i];
        if (op.type != op_type::cpu || m_operands[i].size() != 1)
            continue;
        const auto in = static_cast<std::size_t>(m_operands[i][0]);
        const tensor_desc& a = m_out.tensors[in];
        if (!keeps_bytes(op.cpu, a.shape))
            continue;
        const tensor_desc& b = m_out.tensors[i + 1];
        const bool whole = m_view_of[in] < 0 || m_alias[in];
        if (in >= static_cast<std::size_t>(m_net.constant_index(0)) || !whole ||
            m_net.is_output(static_cast<int>(i + 1)) ||
            m_view_of[i + 1] >= 0 || a.type != b.type || a.q.scale != b.q.scale ||
            a.q.zero_point != b.q.zero_point || a.shape.count() != b.shape.count())
            continue;
        m_free[i] = true;
        m_view_of[i + 1] = static_cast<int>(root(in));
        m_alias[i + 1] = true;
    }
}

// The arena: live ranges over step indices, first-fit offsets, then the base
// once the arena's size is known; views lie inside their concat's buffer.
void package_builder::place_arena() {
    const std::size_t tcount = m_out.tensors.size();
    const auto constants = static_cast<std::size_t>(m_net.constant_index(0));
    const int end_of_run = static_cast<int>(m_net.ops.size());
    std::vector<int> first(tcount, -1), last(tcount, -1);
    auto pin = [&](std::size_t t) { first[t] = 0, last[t] = end_of_run; };
    pin(0);
    for (std::size_t j = 0; j < m_net.extra_inputs.size(); ++j)
        pin(static_cast<std::size_t>(m_net.extra_input_index(j)));
    for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
        const std::size_t o = root(i + 1);
        if (first[o] < 0 || static_cast<int>(i) < first[o])
            first[o] = static_cast<int>(i);
        last[o] = std::max(last[o], static_cast<int>(i));
        for (int k : m_operands[i]) {
            const std::size_t t = root(static_cast<std::size_t>(k));
            last[t] = std::max(last[t], static_cast<int>(i));
        }
    }
    for (int o : m_net.output_indices()) {  // read by the host after the last step
        const auto output = static_cast<std::size_t>(o);
        pin(output);
        if (m_view_of[output] >= 0)
            pin(static_cast<std::size_t>(m_view_of[output]));
    }
    std::vector<arena_request> req;
    std::vector<std::size_t> arena_tensors;
    for (std::size_t t = 0; t < tcount; ++t) {
        if (t >= constants || m_view_of[t] >= 0 || first[t] < 0)
            continue;
        const tensor_desc& d = m_out.tensors[t];
        req.push_back({nn::storage_bytes(d.type, d.shape.count()), first[t],
                       m_opt.reuse_arena ? last[t] : end_of_run});
        arena_tensors.push_back(t);
    }
    const arena_plan plan = plan_arena(req, package::alignment);
    for (std::size_t k = 0; k < arena_tensors.size(); ++k)
        m_out.tensors[arena_tensors[k]].address = plan.offsets[k];
    m_out.arena_size = std::max<uint64_t>(plan.size, package::alignment);
    for (std::size_t t = 0; t < tcount; ++t) {
        if (m_view_of[t] < 0)
            continue;
        const tensor_desc& whole = m_out.tensors[static_cast<std::size_t>(m_view_of[t])];
        m_out.tensors[t].address =
            whole.address + m_view_c0[t] * static_cast<uint64_t>(nn::bits_of(whole.type)) / 8;
    }
    // Tensors no step reads or writes (an unused input) still need a home.
    for (std::size_t t = 0; t < constants; ++t)
        if (first[t] < 0 && m_view_of[t] < 0) {
            m_out.tensors[t].address = align_up(m_out.arena_size);
            m_out.arena_size = align_up(m_out.arena_size) +
                               align_up(nn::storage_bytes(m_out.tensors[t].type,
                                                          m_out.tensors[t].shape.count()));
        }
    m_out.arena_base = m_opt.arena_capacity && m_out.arena_size > m_opt.arena_capacity
                           ? m_opt.overflow_arena_base
                           : m_opt.arena_base;
    for (std::size_t t = 0; t < constants; ++t)
        m_out.tensors[t].address += m_out.arena_base;
}

namespace {

// A move of whole pixels of `cg` channels turned into one row per pixel into
// (or out of) a tensor whose pixels are `c_total` channels apart, starting
// at channel c0 of pixel `offset / px` of the tensor at `base`. A 2-D move
// (rows of a column block, `dram_stride1` apart) becomes a 3-D one.
bool move_channel_slice(nncore_cmd::move_cmd& m, uint64_t base, uint64_t offset, uint32_t cg,
                        uint32_t c0, uint32_t c_total, uint32_t elem_bits) {
    const uint32_t px = cg * elem_bits / 8;
    const uint32_t whole_px = c_total * elem_bits / 8;
    if (m.count2 > 1 || m.len % px != 0 || offset % px != 0 ||
        (m.count1 > 1 && m.dram_stride1 % px != 0))
        return false;
    if (m.count1 > 1) {
        m.count2 = m.count1;
        m.dram_stride2 = m.dram_stride1 / px * whole_px;
        m.local_stride2 = m.local_stride1;
    }
    m.dram_addr = base + ((offset / px) * c_total + c0) * elem_bits / 8;
    m.count1 = m.len / px;
    m.dram_stride1 = whole_px;
    m.local_stride1 = px;
    m.len = px;
    return true;
}

}  // namespace

// Op i's DRAM moves, from areas of its single-layer programs to the addresses
// of its operands, its output (or its slice of a free concat) and constants.
void package_builder::relocate(std::size_t i) {
    const std::vector<int>& in = m_operands[i];
    const tensor_desc& out = m_out.tensors[root(i + 1)];
    const uint32_t c_base = m_view_of[i + 1] >= 0 ? m_view_c0[i + 1] : 0;
    core_code& cc = m_code[i];
    for (const move_ref& mr : cc.moves) {
        nncore_cmd::move_cmd& m = *package::dram_move(cc.commands[mr.command]);
        switch (mr.where) {
            case area::input: {
                const uint64_t at = m_out.tensors[static_cast<std::size_t>(in[0])].address + mr.base_add;
                if (mr.cg == mr.c_total)
                    m.dram_addr = at + mr.offset;
                else if (!move_channel_slice(m, at, mr.offset, mr.cg, mr.c0, mr.c_total,
                                             mr.elem_bits))  // a grouped conv part's input
                    fail(i, "internal: an input load of a channel slice is not whole pixels");
                break;
            }
            case area::in2:
                m.dram_addr = m_out.tensors[static_cast<std::size_t>(in[1])].address + mr.offset;
                break;
            case area::constant:
                m.dram_addr = m_opt.load_address + mr.offset;
                break;
            case area::weights_operand:
                m.dram_addr = m_out.tensors[static_cast<std::size_t>(in[1])].address +
                              mr.base_add + mr.offset;
                break;
            case area::output: {
                const auto c_total = static_cast<uint32_t>(out.shape.c);
                if (mr.cg == c_total)
                    m.dram_addr = out.address + mr.base_add + mr.offset;
                else if (!move_channel_slice(m, out.address + mr.base_add, mr.offset, mr.cg,
                                             c_base + mr.c0, c_total,
                                             mr.elem_bits))  // an output-channel group
                    fail(i, "internal: a store of an output-channel group is not whole pixels");
                break;
            }
        }
    }
}

// The kept steps: CPU ops' code in the CPU code section, the core ones
// relocated, their streams in the streams section.
void package_builder::emit_streams() {
    for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
        if (m_free[i])
            continue;
        m_kept.push_back(i);
        if (m_steps[i].kind == static_cast<uint8_t>(package::step_kind::cpu_op))
            emit_cpu_op(i, m_steps[i]);
        if (m_steps[i].kind != static_cast<uint8_t>(package::step_kind::core))
            continue;
        relocate(i);
        nncore_cmd::stream_writer w;
        for (const nncore_cmd::command& c : m_code[i].commands)
            w.append(c);
        w.end();
        const std::vector<uint8_t> stream = w.bytes();
        const std::size_t at = align_up(m_streams.size());
        m_streams.resize(at, 0);
        m_streams.insert(m_streams.end(), stream.begin(), stream.end());
        m_steps[i].code_offset = static_cast<uint32_t>(at);  // relative until the layout is known
        m_steps[i].code_bytes = static_cast<uint32_t>(stream.size());
    }
}

void package_builder::write_image() {
    const std::size_t ns = m_kept.size(), tcount = m_out.tensors.size();
    const uint64_t streams_off = align_up(m_constants_offset + m_constants.size());
    const uint64_t cpu_off = align_up(streams_off + m_streams.size());
    const uint64_t total = cpu_off + m_cpu_code.size();
    if (total > UINT32_MAX)
        throw std::invalid_argument("network '" + m_net.name + "': package of " +
                                    std::to_string(total) + " bytes: expected below 4 GiB");
    package_image& img = m_out.image;
    img = package_image();
    img.resize(total);  // zeros, untouched where nothing is written
    for (std::size_t k = 0; k < ns; ++k) {
        package::step_record& s = m_steps[m_kept[k]];
        const bool core = s.kind == static_cast<uint8_t>(package::step_kind::core);
        s.code_offset += static_cast<uint32_t>(core ? streams_off : cpu_off);
        package::encode(s, img.data() + m_steps_offset + k * package::step_record_bytes);
    }
    const auto extra = static_cast<std::size_t>(m_net.extra_input_index(0));
    const auto constants = static_cast<std::size_t>(m_net.constant_index(0));
    for (std::size_t t = 0; t < tcount; ++t) {
        const tensor_desc& d = m_out.tensors[t];
        package::tensor_record r;
        r.address = d.address;
        r.shape = d.shape;
        r.type = static_cast<uint8_t>(d.type);
        r.scale = d.q.scale;
        r.zero_point = d.q.zero_point;
        if (t != static_cast<std::size_t>(m_net.output_index()) &&
            m_net.is_output(static_cast<int>(t)))
            r.flags = package::tensor_flag_output;
        const bool input = t == 0 || (t >= extra && t < constants);
        r.role = input              ? package::tensor_role::input
                 : t >= constants   ? package::tensor_role::constant
                 : m_view_of[t] >= 0 && !m_alias[t] ? package::tensor_role::view
                                     : package::tensor_role::activation;
        package::encode(r, img.data() + m_tensors_offset + t * package::tensor_record_bytes);
    }
    m_constants.write_to(img.data() + m_constants_offset);
    std::copy(m_streams.begin(), m_streams.end(), img.begin() + static_cast<long>(streams_off));
    std::copy(m_cpu_code.begin(), m_cpu_code.end(), img.begin() + static_cast<long>(cpu_off));

    const uint64_t offs[package::section_count] = {m_steps_offset, m_tensors_offset,
                                                   m_constants_offset, streams_off, cpu_off};
    const uint64_t sizes[package::section_count] = {
        ns * package::step_record_bytes, tcount * package::tensor_record_bytes, m_constants.size(),
        m_streams.size(), m_cpu_code.size()};
    for (std::size_t k = 0; k < package::section_count; ++k)
        package::encode(
            package::section_entry{static_cast<uint32_t>(k + 1), static_cast<uint32_t>(offs[k]),
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
    h.flags = m_constants.without_values() ? package::header_flag_without_values : 0;
    package::encode(h, img.data());
    package::seal(img.data(), img.size());
}

}  // namespace nnvp::compiler::detail
