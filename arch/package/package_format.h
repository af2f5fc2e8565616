// The compiled-network package, version 1: what the host compiler emits and
// the firmware runtime validates and runs. No SystemC; the firmware links it.
//
// A package is one read-only byte image in DRAM, built for a fixed load
// address (the NN-core command streams inside it address DRAM absolutely, so
// no relocation happens at load: the runtime checks that the package lies at
// header.load_address). Activations live OUTSIDE the package, in the
// "arena" [arena_base, arena_base + arena_size), so running a network never
// writes the package and its checksums stay valid for the next run.
//
// Layout (little-endian, every field at a fixed offset, padding zero):
//   header            80 bytes at 0
//   section table     section_count x 16 bytes at 80
//   sections          each at a 64-byte aligned offset, in this order:
//     steps           step_count x 64-byte step records, in execution order
//     tensors         tensor_count x 40-byte tensor records
//     constants       weights, bias and table images (64-byte aligned blobs)
//     streams         NN-core command streams (arch/nncore/command.h v1, with header)
//     cpu_code        CPU-step commands: a 128-byte nncore_cmd::command
//                     followed by its table image (arch/nncore/layer_codec.h)
//
// header: 0 magic "NNPK" u32 | 4 version u16 | 6 header_size u16 (80)
//   | 8 total_size u32 (bytes of the whole package) | 12 header_checksum u32
//   | 16 load_address u64 | 24 arena_base u64 | 32 arena_size u64
//   | 40 section_count u16 (5) | 42 step_count u16 | 44 tensor_count u16
//   | 46 input_tensor u16 | 48 output_tensor u16 | 50 flags u16 (header_flag_*)
//   | 52 body_checksum u32 | 56 name[24]
// section entry: 0 kind u32 | 4 offset u32 | 8 size u32 | 12 checksum u32
// tensor record: 0 address u64 | 8 n, 12 h, 16 w, 20 c i32 | 24 dtype u8
//   (nn::dtype) | 25 role u8 (tensor_role) | 26 flags u8 (tensor_flag_*) | 27 zero
//   | 28 scale f32 | 32 zero_point i32 | 36 zero
// step record: 0 kind u8 | 1..4 zero | 4 input u16 | 6 in2 u16 | 8 output u16
//   | 10 zero | 12 code_offset u32 | 16 code_bytes u32 | 20 weights_offset
//   u32 | 24 weights_bytes u32 | 28 bias_offset u32 | 32 bias_bytes u32
//   | 36 zero | 40 name[24]   (offsets are from the package's first byte)
//
// Checksums are FNV-1a 32-bit (offset basis 2166136261, prime 16777619;
// Fowler/Noll/Vo, IETF draft-eastlake-fnv): one per section over its bytes,
// body_checksum over every byte after the section table (sections and the
// padding between them, so no byte of a package is unprotected), and
// header_checksum over the header and section table with the
// header_checksum field itself taken as zero. FNV-1a is a byte loop without
// tables, cheap for a small firmware CPU, and any single flipped byte changes
// it (it detects corruption, not tampering).
//
// A timing-only package (header flag without_values) was built without the
// values of (some of) its weights: timing mode needs their sizes, not their
// values. Its constants section holds zeros where values were left out, is
// not staged by the host, and is left out of the checksums (its section
// checksum is zero, body_checksum skips it); a functional run never builds one.
//
// Tensors are numbered: the network input, then the outputs of the steps.
// Steps:
//   core       code = an NN-core command stream in `streams`; its LOADs read
//              `constants` and the arena, its STOREs write the arena.
//   cpu_layer  code = an encoded compute command + table in `cpu_code`, run
//              by the CPU with the reference executor; weights / bias in
//              `constants` (the command's local-memory offsets are unused).
//   softmax    over the channels (the innermost NHWC dim); fp32 or int8 in
//              (int8 dequantized with the input tensor's scale/zero point),
//              fp32 out: an op the core lacks entirely.
//   copy       a byte copy (reshape / flatten): equal byte sizes.
//   cpu_op     code = an encoded nn/cpuops op in `cpu_code` naming its own
//              input tensors (any number); `input` repeats the first.
// Version 2 added cpu_op steps, tensor roles (several inputs, constants,
// views) and DAGs: a step reads any input, constant or earlier output.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/tensor/tensor.h"

namespace nnvp::package {

constexpr uint32_t magic = 0x4b504e4eu;  // bytes 'N' 'N' 'P' 'K'
constexpr uint16_t version = 2;
constexpr std::size_t header_bytes = 80;
constexpr std::size_t section_entry_bytes = 16;
constexpr std::size_t tensor_record_bytes = 40;
constexpr std::size_t step_record_bytes = 64;
constexpr std::size_t name_bytes = 24;  // NUL-padded, at most 23 characters
constexpr uint32_t alignment = 64;      // sections, blobs, load address, arena tensors
constexpr uint16_t no_tensor = 0xffff;

enum class section_kind : uint32_t {
    steps = 1,
    tensors = 2,
    constants = 3,
    streams = 4,
    cpu_code = 5
};
constexpr std::size_t section_count = 5;  // every package has all five, in this order
// Offset of the first section: header + section table, aligned.
constexpr std::size_t first_section_offset =
    (header_bytes + section_count * section_entry_bytes + alignment - 1) / alignment * alignment;

// none: an op the compiler removed (a concat its producers write in place,
// a reshape whose output aliases its input); it never appears in a package.
enum class step_kind : uint8_t { none = 0, core = 1, cpu_layer = 2, softmax = 3, copy = 4, cpu_op = 5 };

// What a tensor record describes (byte 25 of the record).
//   activation  a buffer in the arena, written by a step, or an alias at the
//               address of another tensor (a removed reshape: the same bytes)
//   input       a network input in the arena, written by the host / runtime
//   constant    data inside the constants section (never written)
//   view        a channel slice of another tensor that its producer stores
//               in place (a removed concat's input): not contiguous, so
//               never read or written as a whole
enum class tensor_role : uint8_t { activation = 0, input = 1, constant = 2, view = 3 };

// Tensor flags (byte 26). output: a further network output, an activation
// the host reads after every inference like output_tensor. The network's
// outputs are output_tensor, then the flagged tensors in index order
// (network_outputs()). Packages before this flag have the byte zero.
constexpr uint8_t tensor_flag_output = 1;
constexpr uint8_t tensor_flags_known = tensor_flag_output;

// Header flags (offset 50). Packages before them have the field zero.
constexpr uint16_t header_flag_without_values = 1;
constexpr uint16_t header_flags_known = header_flag_without_values;

const char* to_string(section_kind k);
const char* to_string(step_kind k);  // "unknown" for a value outside the enum

struct header {
    uint32_t magic = package::magic;
    uint16_t version = package::version;
    uint16_t header_size = header_bytes;
    uint32_t total_size = 0;
    uint32_t header_checksum = 0;
    uint64_t load_address = 0;
    uint64_t arena_base = 0;
    uint64_t arena_size = 0;
    uint16_t section_count = package::section_count;
    uint16_t step_count = 0;
    uint16_t tensor_count = 0;
    uint16_t input_tensor = 0;
    uint16_t output_tensor = 0;
    uint16_t flags = 0;  // header_flag_*
    uint32_t body_checksum = 0;
    std::string name;
};

struct section_entry {
    uint32_t kind = 0;
    uint32_t offset = 0;
    uint32_t size = 0;
    uint32_t checksum = 0;
};

struct tensor_record {
    uint64_t address = 0;
    nn::shape4 shape;
    uint8_t type = 0;  // nn::dtype (checked by the validator before use)
    tensor_role role = tensor_role::activation;
    uint8_t flags = 0;  // tensor_flag_*
    float scale = 1.0f;
    int32_t zero_point = 0;

    nn::dtype dtype() const { return static_cast<nn::dtype>(type); }
    std::size_t bytes() const;  // packed bytes (0 for an unknown dtype)
};

struct step_record {
    uint8_t kind = 0;  // step_kind (checked by the validator)
    uint16_t input = no_tensor;
    uint16_t in2 = no_tensor;
    uint16_t output = no_tensor;
    uint32_t code_offset = 0, code_bytes = 0;
    uint32_t weights_offset = 0, weights_bytes = 0;
    uint32_t bias_offset = 0, bias_bytes = 0;
    std::string name;
};

// FNV-1a 32 (see above); `seed` continues a running hash.
constexpr uint32_t fnv_basis = 2166136261u;
uint32_t fnv1a(const uint8_t* data, std::size_t bytes, uint32_t seed = fnv_basis);

// Field-by-field encode/decode at the offsets documented above. Decoders take
// bytes as they are (no validation); `out` must hold the record's size.
void encode(const header& h, uint8_t* out);
header decode_header(const uint8_t* in);
void encode(const section_entry& s, uint8_t* out);
section_entry decode_section(const uint8_t* in);
void encode(const tensor_record& t, uint8_t* out);
tensor_record decode_tensor(const uint8_t* in);
void encode(const step_record& s, uint8_t* out);
step_record decode_step(const uint8_t* in);

// The header checksum of an image whose header and section table are in
// place (the stored header_checksum field is ignored).
uint32_t header_checksum(const uint8_t* image, std::size_t section_entries);

// FNV-1a of the bytes after the section table (body_checksum), without the
// constants section when the header has header_flag_without_values.
uint32_t body_checksum(const uint8_t* image, std::size_t size, std::size_t section_entries);

// [offset, offset + size) of the constants section when the image's header
// says it holds no values (flag set, section in bounds); {0, 0} otherwise.
struct byte_range {
    uint64_t offset = 0, size = 0;
};
byte_range constants_without_values(const uint8_t* image, std::size_t size);

// Recomputes every section checksum, the body checksum and then the header checksum of a
// package image in place (the builder's last step; tests use it to make a
// deliberately malformed package pass the checksums). Does nothing to an
// image shorter than its header + section table.
void seal(uint8_t* image, std::size_t size);
inline void seal(std::vector<uint8_t>& image) { seal(image.data(), image.size()); }

// Byte offsets of the fields tests and tools patch.
namespace offset {
constexpr std::size_t version = 4;
constexpr std::size_t total_size = 8;
constexpr std::size_t header_checksum = 12;
constexpr std::size_t flags = 50;
constexpr std::size_t body_checksum = 52;
constexpr std::size_t load_address = 16;
constexpr std::size_t section_table = header_bytes;
constexpr std::size_t step_kind = 0;       // within a step record
constexpr std::size_t tensor_address = 0;  // within a tensor record
}  // namespace offset

}  // namespace nnvp::package
