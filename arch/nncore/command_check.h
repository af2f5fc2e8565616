// The rules every NN-core command must meet before the core acts on it, with
// the exact error code the core reports (nncore_regs::error_code): the head
// and reserved bytes of every command, LOAD / STORE, LOAD_COMPRESSED. Compute
// commands are checked by check_compute (layer_codec.h). No SystemC: the core
// model, the host interpreter and tests share these rules.
#pragma once

#include <cstdint>
#include <string>

#include "arch/nncore/command.h"
#include "arch/nncore/weight_codec.h"
#include "arch/regs/nncore_regs.h"

namespace nnvp::nncore_cmd {

struct check_result {
    nncore_regs::error_code code = nncore_regs::error_code::none;
    std::string what;  // why, for the warning
    bool ok() const { return code == nncore_regs::error_code::none; }
};

// A byte range of the local memory.
struct span {
    uint32_t offset = 0;
    uint64_t bytes = 0;
};

// Head and reserved-byte rules of every command, then the opcode.
check_result check_common(const command& c);
// LOAD / STORE: tag, len, local range (buffer_overrun), DRAM range (bad_dims).
check_result check_move(const command& c, uint64_t local_bytes);
// LOAD_COMPRESSED: tag and reserved (bad_field), then the blob move (1D,
// len > 0, DRAM range), the shape (weight_codec.h check_shape) and staging /
// destination inside the local memory and apart (bad_compressed). Fills
// `shape` when valid. The blob's content is checked when it is expanded.
check_result check_compressed(const command& c, uint64_t local_bytes, blob_shape& shape);

// [offset, offset + bytes) inside a local memory of `local_bytes` bytes.
bool fits(span s, uint64_t local_bytes);
// "<what> [0x<offset>, +0x<bytes>)", for messages.
std::string describe(const char* what, span s);

const char* to_string(nncore_regs::error_code e);

}  // namespace nnvp::nncore_cmd
