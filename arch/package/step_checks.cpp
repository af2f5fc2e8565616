// The package validator, step by step: operands, code and blobs in their
// sections, the CPU layers' commands (the compute-command codec), the CPU
// ops' encodings, the core steps' streams and where their transfers go.
#include <exception>

#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "arch/package/checker.h"
#include "nn/cpuops/cpu_op.h"

namespace nnvp::package::detail {

validation checker::tensor_index(std::size_t i, const step_record& s, const char* what,
                                 uint16_t index, bool optional) {
    if (index == no_tensor && optional)
        return {};
    if (index >= m_v.tensors.size())
        return fail(package_error::bad_step, step_label(i, s) + ": " + what + " tensor " +
                                                 std::to_string(index) + ": expected below " +
                                                 std::to_string(m_v.tensors.size()));
    return {};
}

validation checker::blob(std::size_t i, const step_record& s, const char* what, uint32_t off,
                         uint32_t bytes, section_kind k) {
    if (bytes != 0 && !inside(m_v.section(k), off, bytes))
        return fail(package_error::bad_step,
                    step_label(i, s) + ": " + what + " [" + std::to_string(off) + ", +" +
                        std::to_string(bytes) + "): expected inside section " + to_string(k));
    return {};
}

validation checker::core_step(std::size_t i, const step_record& s) {
    if (auto r = blob(i, s, "code", s.code_offset, s.code_bytes, section_kind::streams); !r.ok())
        return r;
    if (s.code_offset % 8 != 0 || s.weights_bytes != 0 || s.bias_bytes != 0)
        return fail(
            package_error::bad_step,
            step_label(i, s) + ": expected an 8-byte aligned stream and no weights/bias blobs");
    nncore_cmd::parsed_stream ps;
    try {
        ps = nncore_cmd::parse_stream(m_data + s.code_offset, s.code_bytes);
    } catch (const std::exception& e) {
        return fail(package_error::bad_stream, step_label(i, s) + ": " + e.what());
    }
    const section_entry& c = m_v.section(section_kind::constants);
    const memory_window constants{m_load + c.offset, c.size};
    for (std::size_t k = 0; k < ps.commands.size(); ++k) {
        const nncore_cmd::command& cmd = ps.commands[k];
        const nncore_cmd::move_cmd* m = dram_move(cmd);
        if (m == nullptr)
            continue;
        const uint64_t addr = m->dram_addr, bytes = move_extent(*m);
        const bool load = cmd.op != nncore_cmd::opcode::store;
        const bool ok = m_arena.contains(addr, bytes) || (load && constants.contains(addr, bytes));
        if (!ok)
            return fail(package_error::address_outside_dram,
                        step_label(i, s) + ": command " + std::to_string(k) + " (" +
                            (load ? "load" : "store") + ") " + hex(addr) + " +" +
                            std::to_string(bytes) + ": expected inside the arena" +
                            (load ? " or the constants section" : ""));
    }
    return {};
}

validation checker::cpu_layer_step(std::size_t i, const step_record& s) {
    if (auto r = blob(i, s, "code", s.code_offset, s.code_bytes, section_kind::cpu_code); !r.ok())
        return r;
    const std::string label = step_label(i, s);
    if (s.code_bytes < nncore_cmd::command_bytes)
        return fail(package_error::bad_step, label + ": code: expected a 128-byte command");
    const nncore_cmd::command cmd = nncore_cmd::decode(m_data + s.code_offset);
    if (!nncore_cmd::is_compute(cmd.op))
        return fail(package_error::bad_step, label + ": opcode " +
                                                 std::to_string(static_cast<unsigned>(cmd.op)) +
                                                 ": expected a compute command");
    const std::size_t table = s.code_bytes - nncore_cmd::command_bytes;
    nncore_cmd::decoded_layer d;
    try {
        d = nncore_cmd::decode(cmd, m_data + s.code_offset + nncore_cmd::command_bytes, table);
    } catch (const std::exception& e) {
        return fail(package_error::bad_step, label + ": " + e.what());
    }
    if (nncore_cmd::uses_partials(cmd))
        return fail(package_error::bad_step,
                    label + ": partial_in / partial_out: a CPU layer step computes whole layers");
    const nncore_cmd::compute_plan& p = d.plan;
    auto operand = [&](const char* what, uint16_t idx, const nn::shape4& shape,
                       nn::dtype type) -> validation {
        const tensor_record& t = m_v.tensors[idx];
        if (t.shape != shape || t.dtype() != type)
            return fail(package_error::bad_step,
                        label + ": " + what + " tensor " + std::to_string(idx) + " is " +
                            nn::to_string(t.dtype()) + " " + nn::to_string(t.shape) +
                            ": expected " + nn::to_string(type) + " " + nn::to_string(shape));
        return {};
    };
    if (auto r = operand("input", s.input, p.in_shape, p.in_type); !r.ok())
        return r;
    if (auto r = operand("output", s.output, p.out_shape, p.out_type); !r.ok())
        return r;
    if (p.has_second != (s.in2 != no_tensor))
        return fail(package_error::bad_step,
                    label + ": in2: expected " + (p.has_second ? "a second operand" : "none"));
    if (p.has_second)
        if (auto r = operand("in2", s.in2, p.in2_shape, p.in2_type); !r.ok())
            return r;
    const std::size_t wb = static_cast<std::size_t>(p.weights.bytes);
    const std::size_t bb = static_cast<std::size_t>(p.bias.bytes);
    if (s.weights_bytes != wb || s.bias_bytes != bb)
        return fail(package_error::bad_step,
                    label + ": weights/bias of " + std::to_string(s.weights_bytes) + "/" +
                        std::to_string(s.bias_bytes) + " bytes: expected " + std::to_string(wb) +
                        "/" + std::to_string(bb));
    if (auto r = blob(i, s, "weights", s.weights_offset, s.weights_bytes, section_kind::constants);
        !r.ok())
        return r;
    return blob(i, s, "bias", s.bias_offset, s.bias_bytes, section_kind::constants);
}

validation checker::cpu_op_step(std::size_t i, const step_record& s) {
    if (auto r = blob(i, s, "code", s.code_offset, s.code_bytes, section_kind::cpu_code); !r.ok())
        return r;
    const std::string label = step_label(i, s);
    cpuops::encoded e;
    try {
        e = cpuops::decode(m_data + s.code_offset, s.code_bytes);
    } catch (const std::exception& ex) {
        return fail(package_error::bad_step, label + ": " + ex.what());
    }
    if (e.inputs.empty() || e.inputs[0] != s.input)
        return fail(package_error::bad_step,
                    label + ": the op's first input must be the step's input tensor");
    std::vector<cpuops::tensor_info> ins;
    for (uint16_t k : e.inputs) {
        if (k >= m_v.tensors.size() || k == s.output)
            return fail(package_error::bad_step,
                        label + ": input tensor " + std::to_string(k) + ": expected below " +
                            std::to_string(m_v.tensors.size()) + " and not the output");
        const tensor_record& t = m_v.tensors[k];
        if (t.role == tensor_role::view)
            return fail(package_error::bad_step, label + ": input tensor " + std::to_string(k) +
                                                     " is a view: expected a whole tensor");
        ins.push_back({t.shape, t.dtype(), {t.scale, t.zero_point}});
    }
    try {
        const cpuops::tensor_info o = cpuops::infer(e.o, ins);
        const tensor_record& out = m_v.tensors[s.output];
        if (o.shape != out.shape || o.type != out.dtype())
            return fail(package_error::bad_step,
                        label + ": output tensor " + std::to_string(s.output) + " is " +
                            nn::to_string(out.dtype()) + " " + nn::to_string(out.shape) +
                            ": the op makes " + nn::to_string(o.type) + " " +
                            nn::to_string(o.shape));
    } catch (const std::exception& ex) {
        return fail(package_error::bad_step, label + ": " + ex.what());
    }
    return {};
}

validation checker::steps() {
    const section_entry& sec = m_v.section(section_kind::steps);
    for (std::size_t i = 0; i < m_v.hdr.step_count; ++i) {
        const step_record s = decode_step(m_data + sec.offset + i * step_record_bytes);
        const std::string label = step_label(i, s);
        const auto kind = static_cast<step_kind>(s.kind);
        if (s.kind < 1 || s.kind > 5)
            return fail(package_error::bad_step_kind,
                        label + ": kind " + std::to_string(s.kind) +
                            ": expected core (1), cpu_layer (2), softmax (3), copy (4) or "
                            "cpu_op (5)");
        const bool has_in2 = kind == step_kind::core || kind == step_kind::cpu_layer;
        if (auto r = tensor_index(i, s, "input", s.input, false); !r.ok())
            return r;
        if (auto r = tensor_index(i, s, "output", s.output, false); !r.ok())
            return r;
        if (!has_in2 && s.in2 != no_tensor)
            return fail(package_error::bad_step, label + ": in2 tensor " + std::to_string(s.in2) +
                                                     ": expected none (" +
                                                     std::to_string(no_tensor) + ")");
        if (auto r = tensor_index(i, s, "in2", s.in2, true); !r.ok())
            return r;
        if (s.output == s.input || s.output == s.in2 || s.output == m_v.hdr.input_tensor)
            return fail(package_error::bad_step,
                        label + ": output tensor " + std::to_string(s.output) +
                            ": expected a tensor that is not one of its inputs");
        const tensor_record& in = m_v.tensors[s.input];
        const tensor_record& out = m_v.tensors[s.output];
        // Steps write activations (core steps may store into a view of a
        // removed concat) and read whole tensors.
        const bool writable = out.role == tensor_role::activation ||
                              (kind == step_kind::core && out.role == tensor_role::view);
        if (!writable || in.role == tensor_role::view ||
            (s.in2 != no_tensor && m_v.tensors[s.in2].role == tensor_role::view))
            return fail(package_error::bad_step,
                        label + ": expected whole input tensors and an activation output");
        validation r;
        switch (kind) {
            case step_kind::core:
                r = core_step(i, s);
                break;
            case step_kind::cpu_layer:
                r = cpu_layer_step(i, s);
                break;
            case step_kind::softmax:
                if ((in.dtype() != nn::dtype::fp32 && in.dtype() != nn::dtype::int8) ||
                    out.dtype() != nn::dtype::fp32 || in.shape != out.shape)
                    r = fail(package_error::bad_step,
                             label +
                                 ": softmax: expected an fp32 or int8 input and an fp32 "
                                 "output of the same shape");
                break;
            case step_kind::cpu_op:
                r = cpu_op_step(i, s);
                break;
            case step_kind::none:
                break;
            case step_kind::copy:
                if (in.bytes() != out.bytes())
                    r = fail(package_error::bad_step,
                             label + ": copy of " + std::to_string(in.bytes()) + " bytes into " +
                                 std::to_string(out.bytes()) + ": expected equal sizes");
                break;
        }
        if (!r.ok())
            return r;
        m_v.steps.push_back(s);
    }
    return {};
}

}  // namespace nnvp::package::detail
