#include "arch/package/package_format.h"

#include <algorithm>
#include <cstring>

namespace nnvp::package {

namespace {

void put8(uint8_t* p, uint8_t v) {
    p[0] = v;
}
void put16(uint8_t* p, uint16_t v) {
    for (int i = 0; i < 2; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t* p, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t get16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
uint32_t get32(const uint8_t* p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}
uint64_t get64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}
void put_f32(uint8_t* p, float f) {
    uint32_t v;
    std::memcpy(&v, &f, 4);
    put32(p, v);
}
float get_f32(const uint8_t* p) {
    const uint32_t v = get32(p);
    float f;
    std::memcpy(&f, &v, 4);
    return f;
}
void put_name(uint8_t* p, const std::string& s) {
    std::memset(p, 0, name_bytes);
    std::memcpy(p, s.data(), std::min(s.size(), name_bytes - 1));
}
std::string get_name(const uint8_t* p) {
    std::size_t n = 0;
    while (n < name_bytes && p[n] != 0)
        ++n;
    return std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace

const char* to_string(section_kind k) {
    switch (k) {
        case section_kind::steps:
            return "steps";
        case section_kind::tensors:
            return "tensors";
        case section_kind::constants:
            return "constants";
        case section_kind::streams:
            return "streams";
        case section_kind::cpu_code:
            return "cpu_code";
    }
    return "unknown";
}

const char* to_string(step_kind k) {
    switch (k) {
        case step_kind::core:
            return "core";
        case step_kind::cpu_layer:
            return "cpu_layer";
        case step_kind::softmax:
            return "softmax";
        case step_kind::copy:
            return "copy";
        case step_kind::cpu_op:
            return "cpu_op";
        case step_kind::none:
            return "none";
    }
    return "unknown";
}

std::size_t tensor_record::bytes() const {
    if (type > static_cast<uint8_t>(nn::dtype::binary) || shape.n <= 0 || shape.h <= 0 ||
        shape.w <= 0 || shape.c <= 0)
        return 0;
    return nn::storage_bytes(dtype(), shape.count());
}

uint32_t fnv1a(const uint8_t* data, std::size_t bytes, uint32_t seed) {
    uint32_t h = seed;
    for (std::size_t i = 0; i < bytes; ++i) {
        h ^= data[i];
        h *= 16777619u;
    }
    return h;
}

void encode(const header& h, uint8_t* out) {
    std::memset(out, 0, header_bytes);
    put32(out + 0, h.magic);
    put16(out + 4, h.version);
    put16(out + 6, h.header_size);
    put32(out + 8, h.total_size);
    put32(out + 12, h.header_checksum);
    put64(out + 16, h.load_address);
    put64(out + 24, h.arena_base);
    put64(out + 32, h.arena_size);
    put16(out + 40, h.section_count);
    put16(out + 42, h.step_count);
    put16(out + 44, h.tensor_count);
    put16(out + 46, h.input_tensor);
    put16(out + 48, h.output_tensor);
    put16(out + 50, h.flags);
    put32(out + 52, h.body_checksum);
    put_name(out + 56, h.name);
}

header decode_header(const uint8_t* in) {
    header h;
    h.magic = get32(in + 0);
    h.version = get16(in + 4);
    h.header_size = get16(in + 6);
    h.total_size = get32(in + 8);
    h.header_checksum = get32(in + 12);
    h.load_address = get64(in + 16);
    h.arena_base = get64(in + 24);
    h.arena_size = get64(in + 32);
    h.section_count = get16(in + 40);
    h.step_count = get16(in + 42);
    h.tensor_count = get16(in + 44);
    h.input_tensor = get16(in + 46);
    h.output_tensor = get16(in + 48);
    h.flags = get16(in + 50);
    h.body_checksum = get32(in + 52);
    h.name = get_name(in + 56);
    return h;
}

void encode(const section_entry& s, uint8_t* out) {
    put32(out + 0, s.kind);
    put32(out + 4, s.offset);
    put32(out + 8, s.size);
    put32(out + 12, s.checksum);
}

section_entry decode_section(const uint8_t* in) {
    return {get32(in + 0), get32(in + 4), get32(in + 8), get32(in + 12)};
}

void encode(const tensor_record& t, uint8_t* out) {
    std::memset(out, 0, tensor_record_bytes);
    put64(out + 0, t.address);
    put32(out + 8, static_cast<uint32_t>(t.shape.n));
    put32(out + 12, static_cast<uint32_t>(t.shape.h));
    put32(out + 16, static_cast<uint32_t>(t.shape.w));
    put32(out + 20, static_cast<uint32_t>(t.shape.c));
    put8(out + 24, t.type);
    put8(out + 25, static_cast<uint8_t>(t.role));
    put8(out + 26, t.flags);
    put_f32(out + 28, t.scale);
    put32(out + 32, static_cast<uint32_t>(t.zero_point));
}

tensor_record decode_tensor(const uint8_t* in) {
    tensor_record t;
    t.address = get64(in + 0);
    t.shape = {static_cast<int32_t>(get32(in + 8)), static_cast<int32_t>(get32(in + 12)),
               static_cast<int32_t>(get32(in + 16)), static_cast<int32_t>(get32(in + 20))};
    t.type = in[24];
    t.role = static_cast<tensor_role>(in[25]);
    t.flags = in[26];
    t.scale = get_f32(in + 28);
    t.zero_point = static_cast<int32_t>(get32(in + 32));
    return t;
}

void encode(const step_record& s, uint8_t* out) {
    std::memset(out, 0, step_record_bytes);
    put8(out + 0, s.kind);
    put16(out + 4, s.input);
    put16(out + 6, s.in2);
    put16(out + 8, s.output);
    put32(out + 12, s.code_offset);
    put32(out + 16, s.code_bytes);
    put32(out + 20, s.weights_offset);
    put32(out + 24, s.weights_bytes);
    put32(out + 28, s.bias_offset);
    put32(out + 32, s.bias_bytes);
    put_name(out + 40, s.name);
}

step_record decode_step(const uint8_t* in) {
    step_record s;
    s.kind = in[0];
    s.input = get16(in + 4);
    s.in2 = get16(in + 6);
    s.output = get16(in + 8);
    s.code_offset = get32(in + 12);
    s.code_bytes = get32(in + 16);
    s.weights_offset = get32(in + 20);
    s.weights_bytes = get32(in + 24);
    s.bias_offset = get32(in + 28);
    s.bias_bytes = get32(in + 32);
    s.name = get_name(in + 40);
    return s;
}

uint32_t header_checksum(const uint8_t* image, std::size_t section_entries) {
    static const uint8_t zero[4] = {0, 0, 0, 0};
    uint32_t h = fnv1a(image, offset::header_checksum);
    h = fnv1a(zero, 4, h);
    const std::size_t rest = header_bytes + section_entries * section_entry_bytes;
    return fnv1a(image + offset::header_checksum + 4, rest - offset::header_checksum - 4, h);
}

byte_range constants_without_values(const uint8_t* image, std::size_t size) {
    const std::size_t k = static_cast<std::size_t>(section_kind::constants) - 1;
    if (size < header_bytes + section_count * section_entry_bytes ||
        (get16(image + offset::flags) & header_flag_without_values) == 0 ||
        get16(image + 40) < section_count)
        return {};
    const section_entry s = decode_section(image + header_bytes + k * section_entry_bytes);
    if (uint64_t{s.offset} + s.size > size)
        return {};  // out of bounds: the validator reports it
    return {s.offset, s.size};
}

uint32_t body_checksum(const uint8_t* image, std::size_t size, std::size_t section_entries) {
    const std::size_t from = header_bytes + section_entries * section_entry_bytes;
    if (size <= from)
        return fnv1a(image, 0);
    const byte_range skip = constants_without_values(image, size);
    if (skip.size == 0 || skip.offset < from)
        return fnv1a(image + from, size - from);
    const uint32_t h = fnv1a(image + from, skip.offset - from);
    return fnv1a(image + skip.offset + skip.size, size - skip.offset - skip.size, h);
}

void seal(uint8_t* image, std::size_t size) {
    if (size < header_bytes)
        return;
    const std::size_t n = get16(image + 40);
    if (size < header_bytes + n * section_entry_bytes)
        return;
    for (std::size_t i = 0; i < n; ++i) {
        uint8_t* e = image + header_bytes + i * section_entry_bytes;
        section_entry s = decode_section(e);
        if (uint64_t{s.offset} + s.size > size)
            continue;  // out of bounds: leave it for the validator to report
        const bool skipped = s.kind == static_cast<uint32_t>(section_kind::constants) &&
                             constants_without_values(image, size).size > 0;
        s.checksum = skipped ? 0 : fnv1a(image + s.offset, s.size);
        encode(s, e);
    }
    put32(image + offset::body_checksum, body_checksum(image, size, n));
    put32(image + offset::header_checksum, header_checksum(image, n));
}

}  // namespace nnvp::package
