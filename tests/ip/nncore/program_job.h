// A compiled single-layer program (sw/compiler/program.h) on the bench: its
// DRAM image staged at data_addr, its stream rung, the output read back.
#pragma once

#include <vector>

#include "sw/compiler/program.h"
#include "tests/ip/nncore/layer_job.h"

namespace nnvp::test {

struct program_result {
    uint32_t status = 0;
    nn::tensor out;
    std::vector<nncore::core::command_record> recs;
    sc_core::sc_time duration;
};

inline program_result run_program(nncore_bench& b, const compiler::program& p, uint32_t mode = 0) {
    b.put(data_addr, p.image);
    const std::size_t before = b.records.size();
    program_result r;
    r.status = b.ring(static_cast<uint32_t>(p.dram.stream_bytes), mode,
                      sc_core::sc_time(50, sc_core::SC_MS), p.dram.stream);
    r.out = compiler::read_output(p, b.get(data_addr, p.image.size()));
    r.recs.assign(b.records.begin() + static_cast<long>(before), b.records.end());
    r.duration = b.streams.back().end - b.streams.back().start;
    return r;
}

}  // namespace nnvp::test
