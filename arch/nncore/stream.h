// Command-stream v1 (arch/nncore/command.h, LOAD_COMPRESSED included) as
// bytes: encode / decode of commands and the header, and a writer that
// appends commands and produces the stream image the NN core fetches. No
// SystemC; usable by firmware too.
//
// Encoding is field by field at the offsets of the structs in arch/nncore/command.h,
// little-endian, with every padding and unused byte zero, so a stream image
// does not depend on the host's byte order or on what padding held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "arch/nncore/command.h"

namespace nnvp::nncore_cmd {

// One command <-> its 128 bytes. decode() takes bytes as they are (no
// validation): it is the inverse of encode() for every command.
void encode(const nncore_cmd::command& c, uint8_t* out);
nncore_cmd::command decode(const uint8_t* in);

void encode(const nncore_cmd::stream_header& h, uint8_t* out);
nncore_cmd::stream_header decode_header(const uint8_t* in);

// The header's checksum over an encoded command array: sum of the bytes as
// little-endian uint32 words, mod 2^32 (equals nncore_cmd::checksum()).
uint32_t checksum(const uint8_t* commands, std::size_t bytes);

// Builders of single commands (all other bytes zero).
nncore_cmd::command make_load(const nncore_cmd::move_cmd& m, uint8_t tag);
nncore_cmd::command make_store(const nncore_cmd::move_cmd& m, uint8_t tag);
// LOAD_COMPRESSED (arch/nncore/command.h): the blob move and the expansion fields.
nncore_cmd::command make_load_compressed(const nncore_cmd::compressed_cmd& z, uint8_t tag);
nncore_cmd::command make_barrier(uint16_t tag_mask);
nncore_cmd::command make_end();
// A contiguous move of `bytes` bytes (count1 = count2 = 1).
nncore_cmd::move_cmd contiguous(uint64_t dram_addr, uint32_t local_offset, uint32_t bytes);

constexpr unsigned max_tag = 15;

class stream_writer {
public:
    // Each append returns the command's index in the stream. Tags above
    // max_tag and an append after end() throw std::invalid_argument.
    std::size_t load(const nncore_cmd::move_cmd& m, uint8_t tag);
    std::size_t store(const nncore_cmd::move_cmd& m, uint8_t tag);
    std::size_t load_compressed(const nncore_cmd::compressed_cmd& z, uint8_t tag);
    std::size_t barrier(uint16_t tag_mask);
    std::size_t compute(const nncore_cmd::command& c);  // op must be a compute opcode
    std::size_t end();
    // Any command, as is (tests of the core's validation use it).
    std::size_t append(const nncore_cmd::command& c);

    std::size_t size() const { return m_cmds.size(); }
    bool ended() const { return m_ended; }
    const std::vector<nncore_cmd::command>& commands() const { return m_cmds; }

    // Header for the commands so far (count, checksum).
    nncore_cmd::stream_header header() const;
    // Header + commands: what goes to memory at CMD_BASE (CMD_BYTES = size()).
    std::vector<uint8_t> bytes() const;

private:
    std::vector<nncore_cmd::command> m_cmds;
    bool m_ended = false;
};

// A decoded stream. parse_stream() checks what the core checks in the header
// (magic, version, sizes, count against the bytes given, checksum) and throws
// std::invalid_argument naming the field.
struct parsed_stream {
    nncore_cmd::stream_header header;
    std::vector<nncore_cmd::command> commands;
};
parsed_stream parse_stream(const uint8_t* bytes, std::size_t size);


}  // namespace nnvp::nncore_cmd
