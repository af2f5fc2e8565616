#include "arch/package/validator.h"

#include "nn/cpuops/cpu_op.h"

#include <cstdio>
#include <exception>

#include "arch/nncore/command.h"
#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"

namespace nnvp::package {

namespace {

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

validation fail(package_error e, std::string msg) {
    return {e, std::move(msg)};
}

// [off, off + bytes) inside section s (no overflow).
bool inside(const section_entry& s, uint64_t off, uint64_t bytes) {
    return off >= s.offset && off + bytes <= uint64_t{s.offset} + s.size;
}

std::string step_label(std::size_t i, const step_record& s) {
    return "step " + std::to_string(i) + " '" + s.name + "'";
}

// Extent of a LOAD/STORE's DRAM block (counts of 0 are 1), saturated.
uint64_t move_extent(const nncore_cmd::move_cmd& m) {
    const unsigned __int128 c1 = m.count1 ? m.count1 : 1, c2 = m.count2 ? m.count2 : 1;
    const unsigned __int128 e = (c2 - 1) * m.dram_stride2 + (c1 - 1) * m.dram_stride1 + m.len;
    return e > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(e);
}

}  // namespace

const nncore_cmd::move_cmd* dram_move(const nncore_cmd::command& c) {
    switch (c.op) {
        case nncore_cmd::opcode::load:
        case nncore_cmd::opcode::store:
            return &c.move;
        case nncore_cmd::opcode::load_compressed:
            return &c.compressed.blob;
        default:
            return nullptr;
    }
}

nncore_cmd::move_cmd* dram_move(nncore_cmd::command& c) {
    return const_cast<nncore_cmd::move_cmd*>(dram_move(static_cast<const nncore_cmd::command&>(c)));
}

namespace {

class checker {
public:
    checker(const uint8_t* data, std::size_t size, uint64_t load, const memory_window& dram,
            const memory_window& sram, package_view& v)
        : m_data(data), m_size(size), m_load(load), m_dram(dram), m_sram(sram), m_v(v) {}

    validation sections();
    validation memory();
    validation tensors();
    validation steps();

private:
    validation tensor_index(std::size_t i, const step_record& s, const char* what, uint16_t index,
                            bool optional);
    validation core_step(std::size_t i, const step_record& s);
    validation cpu_layer_step(std::size_t i, const step_record& s);
    validation cpu_op_step(std::size_t i, const step_record& s);
    validation blob(std::size_t i, const step_record& s, const char* what, uint32_t off,
                    uint32_t bytes, section_kind k);

    const uint8_t* m_data;
    std::size_t m_size;
    uint64_t m_load;
    memory_window m_dram;
    memory_window m_sram;  // size 0: the arena must be in DRAM
    package_view& m_v;
    memory_window m_arena;
};

validation checker::sections() {
    const header& h = m_v.hdr;
    uint64_t prev_end = header_bytes + section_count * section_entry_bytes;
    for (std::size_t i = 0; i < section_count; ++i) {
        const section_entry s = decode_section(m_data + header_bytes + i * section_entry_bytes);
        m_v.sections[i] = s;
        const auto want = static_cast<section_kind>(i + 1);
        const std::string label = "section " + std::to_string(i) + " (" + to_string(want) + ")";
        if (s.kind != static_cast<uint32_t>(want))
            return fail(package_error::bad_section, label + ": kind " + std::to_string(s.kind) +
                                                        ": expected " + std::to_string(i + 1));
        if (s.offset % alignment != 0 || s.offset < prev_end ||
            uint64_t{s.offset} + s.size > h.total_size)
            return fail(package_error::section_bounds,
                        label + ": [" + std::to_string(s.offset) + ", +" + std::to_string(s.size) +
                            "): expected a 64-byte aligned range after " +
                            std::to_string(prev_end) + " and inside the package's " +
                            std::to_string(h.total_size) + " bytes");
        prev_end = uint64_t{s.offset} + s.size;
    }
    const auto& st = m_v.section(section_kind::steps);
    if (st.size != std::size_t{h.step_count} * step_record_bytes)
        return fail(package_error::bad_section, "section 0 (steps): size " +
                                                    std::to_string(st.size) + ": expected " +
                                                    std::to_string(h.step_count) + " x 64 bytes");
    const auto& tt = m_v.section(section_kind::tensors);
    if (tt.size != std::size_t{h.tensor_count} * tensor_record_bytes)
        return fail(package_error::bad_section, "section 1 (tensors): size " +
                                                    std::to_string(tt.size) + ": expected " +
                                                    std::to_string(h.tensor_count) + " x 40 bytes");
    for (std::size_t i = 0; i < section_count; ++i) {
        const section_entry& s = m_v.sections[i];
        const uint32_t sum = fnv1a(m_data + s.offset, s.size);
        if (sum != s.checksum)
            return fail(package_error::checksum,
                        "section " + std::to_string(i) + " (" +
                            to_string(static_cast<section_kind>(i + 1)) + "): checksum " +
                            hex(sum) + " does not match the stored " + hex(s.checksum));
    }
    const uint32_t body = body_checksum(m_data, h.total_size, section_count);
    if (body != h.body_checksum)
        return fail(package_error::checksum, "header.body_checksum " + hex(h.body_checksum) +
                                                 ": the bytes after the "
                                                 "section table hash to " +
                                                 hex(body) + " (padding between sections changed)");
    return {};
}

validation checker::memory() {
    const header& h = m_v.hdr;
    if (!m_dram.contains(m_load, h.total_size))
        return fail(package_error::address_outside_dram,
                    "package at " + hex(m_load) + " (" + std::to_string(h.total_size) +
                        " bytes): expected inside DRAM [" + hex(m_dram.base) + ", +" +
                        hex(m_dram.size) + ")");
    const bool in_sram = m_sram.size > 0 && m_sram.contains(h.arena_base, h.arena_size);
    if (h.arena_size == 0 || (!in_sram && !m_dram.contains(h.arena_base, h.arena_size)))
        return fail(package_error::address_outside_dram,
                    "arena at " + hex(h.arena_base) + " (" + std::to_string(h.arena_size) +
                        " bytes): expected a non-empty area inside DRAM" +
                        (m_sram.size > 0 ? " or SRAM" : ""));
    if (h.arena_base < m_load + h.total_size && m_load < h.arena_base + h.arena_size)
        return fail(package_error::address_outside_dram,
                    "arena at " + hex(h.arena_base) + " overlaps the package at " + hex(m_load));
    m_arena = {h.arena_base, h.arena_size};
    return {};
}

validation checker::tensors() {
    const header& h = m_v.hdr;
    const section_entry& s = m_v.section(section_kind::tensors);
    for (std::size_t i = 0; i < h.tensor_count; ++i) {
        const tensor_record t = decode_tensor(m_data + s.offset + i * tensor_record_bytes);
        const std::string label = "tensor " + std::to_string(i);
        if (t.type > static_cast<uint8_t>(nn::dtype::binary))
            return fail(package_error::bad_tensor,
                        label + ": dtype " + std::to_string(t.type) + ": expected 0..7");
        const nn::shape4& d = t.shape;
        if (d.n <= 0 || d.h <= 0 || d.w <= 0 || d.c <= 0 || d.count() > (1u << 30))
            return fail(package_error::bad_tensor,
                        label + ": shape " + nn::to_string(d) +
                            ": expected positive dims and at most 2^30 elements");
        if (static_cast<uint8_t>(t.role) > static_cast<uint8_t>(tensor_role::view))
            return fail(package_error::bad_tensor,
                        label + ": role " + std::to_string(static_cast<unsigned>(t.role)) +
                            ": expected activation (0), input (1), constant (2) or view (3)");
        if (t.role == tensor_role::constant) {
            const section_entry& c = m_v.section(section_kind::constants);
            if (!memory_window{m_load + c.offset, c.size}.contains(t.address, t.bytes()))
                return fail(package_error::address_outside_dram,
                            label + " (constant) at " + hex(t.address) + " (" +
                                std::to_string(t.bytes()) +
                                " bytes): expected inside the constants section");
        } else if (!m_arena.contains(t.address, t.bytes())) {
            return fail(package_error::address_outside_dram,
                        label + " at " + hex(t.address) + " (" + std::to_string(t.bytes()) +
                            " bytes): expected inside the arena [" + hex(m_arena.base) + ", +" +
                            std::to_string(m_arena.size) + ")");
        }
        m_v.tensors.push_back(t);
    }
    if (h.input_tensor >= h.tensor_count || h.output_tensor >= h.tensor_count)
        return fail(package_error::bad_header,
                    "header: input_tensor " + std::to_string(h.input_tensor) + " / output_tensor " +
                        std::to_string(h.output_tensor) + ": expected below tensor_count " +
                        std::to_string(h.tensor_count));
    if (m_v.tensors[h.input_tensor].role != tensor_role::input ||
        m_v.tensors[h.output_tensor].role == tensor_role::view ||
        m_v.tensors[h.output_tensor].role == tensor_role::constant)
        return fail(package_error::bad_header,
                    "header: input_tensor " + std::to_string(h.input_tensor) +
                        " must be an input and output_tensor " + std::to_string(h.output_tensor) +
                        " a whole tensor in the arena");
    return {};
}

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

}  // namespace

const char* to_string(package_error e) {
    switch (e) {
        case package_error::ok:
            return "ok";
        case package_error::truncated:
            return "truncated";
        case package_error::bad_magic:
            return "bad_magic";
        case package_error::bad_version:
            return "bad_version";
        case package_error::bad_header:
            return "bad_header";
        case package_error::bad_size:
            return "bad_size";
        case package_error::header_checksum:
            return "header_checksum";
        case package_error::load_address:
            return "load_address";
        case package_error::section_bounds:
            return "section_bounds";
        case package_error::bad_section:
            return "bad_section";
        case package_error::checksum:
            return "checksum";
        case package_error::bad_tensor:
            return "bad_tensor";
        case package_error::bad_step_kind:
            return "bad_step_kind";
        case package_error::bad_step:
            return "bad_step";
        case package_error::bad_stream:
            return "bad_stream";
        case package_error::address_outside_dram:
            return "address_outside_dram";
    }
    return "unknown";
}

validation check_header(const uint8_t* data, std::size_t size, header* out) {
    if (data == nullptr || size < header_bytes)
        return fail(package_error::truncated, "package: " + std::to_string(size) +
                                                  " bytes: expected at least the " +
                                                  std::to_string(header_bytes) + "-byte header");
    const header h = decode_header(data);
    if (out)
        *out = h;
    if (h.magic != magic)
        return fail(package_error::bad_magic,
                    "header.magic " + hex(h.magic) + ": expected " + hex(magic) + " (\"NNPK\")");
    if (h.version != version)
        return fail(package_error::bad_version, "header.version " + std::to_string(h.version) +
                                                    ": expected " + std::to_string(version));
    if (h.header_size != header_bytes || h.section_count != section_count)
        return fail(package_error::bad_header,
                    "header.header_size/section_count " + std::to_string(h.header_size) + "/" +
                        std::to_string(h.section_count) + ": expected 80/5");
    if (h.step_count == 0 || h.tensor_count == 0)
        return fail(package_error::bad_header,
                    "header.step_count/tensor_count: expected at least one step and one tensor");
    if (h.total_size < first_section_offset)
        return fail(package_error::bad_size,
                    "header.total_size " + std::to_string(h.total_size) +
                        ": expected at least the header and section table");
    return {};
}

validation validate(const uint8_t* data, std::size_t size, uint64_t load_address,
                    const memory_window& dram, package_view* view, const memory_window& sram) {
    package_view v;
    if (auto r = check_header(data, size, &v.hdr); !r.ok())
        return r;
    const header& h = v.hdr;
    if (h.total_size != size)
        return fail(package_error::bad_size, "header.total_size " + std::to_string(h.total_size) +
                                                 ": expected the " + std::to_string(size) +
                                                 " bytes of the package");
    const uint32_t sum = header_checksum(data, section_count);
    if (sum != h.header_checksum)
        return fail(package_error::header_checksum,
                    "header.header_checksum " + hex(h.header_checksum) +
                        ": does not match the header and section table (" + hex(sum) + ")");
    if (h.load_address != load_address || load_address % alignment != 0)
        return fail(package_error::load_address,
                    "header.load_address " + hex(h.load_address) + ": the package lies at " +
                        hex(load_address) +
                        " (it must be loaded at the 64-byte aligned address it was built for)");
    checker c(data, size, load_address, dram, sram, v);
    for (auto stage : {&checker::sections, &checker::memory, &checker::tensors, &checker::steps})
        if (auto r = (c.*stage)(); !r.ok())
            return r;
    if (view)
        *view = std::move(v);
    return {};
}

}  // namespace nnvp::package
