// A host-side interpreter of command streams: LOAD / STORE are memcpys
// between a DRAM image and a local-memory image, compute commands run the
// reference executor through to_layer() (the same decode path as the core's),
// BARRIERs retire tags. It checks what a correct program must respect and
// throws std::runtime_error naming the command index when it does not:
//  - every transfer and operand lies inside the DRAM image / local memory;
//  - no compute reads or writes local bytes a LOAD is still filling, or
//    writes bytes a STORE is still reading, unless a BARRIER on that tag came
//    in between (the hazards double buffering must avoid);
//  - no LOAD overwrites bytes a pending STORE reads; the stream ends with END
//    and no transfer outstanding.
// It validates tiling, halos and addressing of generated programs without
// SystemC. Stream header errors throw std::invalid_argument (parse_stream).
//
// LOAD_COMPRESSED copies the blob into its staging area like a LOAD and is
// pending over both the staging and the destination range; the BARRIER that
// retires its tag expands the blob with the core's codec
// (arch/nncore/weight_codec.h), in issue order. Bad fields or a bad blob throw
// std::runtime_error naming the LOAD_COMPRESSED command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "arch/nncore/layer_codec.h"

namespace nnvp::compiler {

struct interpreter_stats {
    std::size_t commands = 0;  // executed, END included
    std::size_t loads = 0;
    std::size_t stores = 0;
    std::size_t barriers = 0;
    std::size_t computes = 0;
    uint64_t bytes_loaded = 0;
    uint64_t bytes_stored = 0;
    std::size_t compressed_loads = 0;  // LOAD_COMPRESSED (also counted in loads)
    uint64_t bytes_expanded = 0;       // dense bytes the blobs expanded to
    std::size_t max_pending = 0;       // most transfers in flight at once
};

class stream_interpreter {
public:
    // `dram` is the memory image starting at address `dram_base`; the local
    // memory has `local_bytes` bytes (input_kb + weight_kb + output_kb KiB).
    stream_interpreter(std::vector<uint8_t>& dram, uint64_t dram_base, std::size_t local_bytes);

    interpreter_stats run(const uint8_t* stream, std::size_t bytes);
    interpreter_stats run(const std::vector<uint8_t>& stream) {
        return run(stream.data(), stream.size());
    }

    std::vector<uint8_t>& local() { return m_local; }

private:
    struct pending {
        uint8_t tag;
        bool load;
        std::size_t lo, hi;  // local byte range [lo, hi)
    };
    struct range {
        std::size_t lo, hi;
    };
    struct expansion {
        uint8_t tag;
        std::size_t index;  // the LOAD_COMPRESSED command
        nncore_cmd::compressed_cmd z;
    };

    void move(const nncore_cmd::command& c, std::size_t index, interpreter_stats& st);
    void load_compressed(const nncore_cmd::command& c, std::size_t index, interpreter_stats& st);
    void retire(uint16_t mask, interpreter_stats& st);
    void compute(const nncore_cmd::command& c, std::size_t index);
    void check_local(std::size_t index, const char* what, std::size_t off, std::size_t n) const;
    void check_hazard(std::size_t index, const char* what, range r, bool write) const;

    std::vector<uint8_t>& m_dram;
    uint64_t m_dram_base;
    std::vector<uint8_t> m_local;
    std::vector<pending> m_pending;
    std::vector<expansion> m_expansions;
};

}  // namespace nnvp::compiler
