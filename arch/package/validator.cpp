#include "arch/package/validator.h"

#include "arch/package/checker.h"

namespace nnvp::package {

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

namespace detail {

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
    const bool skip_constants = constants_without_values(m_data, h.total_size).size > 0;
    for (std::size_t i = 0; i < section_count; ++i) {
        const section_entry& s = m_v.sections[i];
        if (skip_constants && i + 1 == static_cast<std::size_t>(section_kind::constants))
            continue;  // a timing-only package: no values to protect
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
        if ((t.flags & ~tensor_flags_known) != 0 ||
            ((t.flags & tensor_flag_output) && t.role != tensor_role::activation))
            return fail(package_error::bad_tensor,
                        label + ": flags " + std::to_string(static_cast<unsigned>(t.flags)) +
                            ": expected 0, or 1 (output) on an activation");
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

}  // namespace detail

using detail::fail;
using detail::hex;

std::vector<uint16_t> network_outputs(const package_view& v) {
    std::vector<uint16_t> outs = {v.hdr.output_tensor};
    for (std::size_t i = 0; i < v.tensors.size(); ++i)
        if ((v.tensors[i].flags & tensor_flag_output) && i != v.hdr.output_tensor)
            outs.push_back(static_cast<uint16_t>(i));
    return outs;
}

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
    if ((h.flags & ~header_flags_known) != 0)
        return fail(package_error::bad_header,
                    "header.flags " + hex(h.flags) + ": unknown bits (known: " +
                        hex(header_flags_known) + ")");
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
    detail::checker c(data, size, load_address, dram, sram, v);
    for (auto stage : {&detail::checker::sections, &detail::checker::memory,
                       &detail::checker::tensors, &detail::checker::steps})
        if (auto r = (c.*stage)(); !r.ok())
            return r;
    if (view)
        *view = std::move(v);
    return {};
}

}  // namespace nnvp::package
