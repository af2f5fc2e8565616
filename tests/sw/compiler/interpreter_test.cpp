// The host interpreter catches what a broken program does (missing BARRIER,
// overruns, no END), and random streams never crash it.
#include "sw/compiler/interpreter.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

#include "arch/nncore/stream.h"
#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::compiler;
using namespace nnvp::nncore_cmd;
using ref::op_kind;
using ref::precision;

namespace {

constexpr uint64_t base = 0x1000;

// A 4x4x4 fp32 activation (ReLU) command reading local 0, writing local 256.
nncore_cmd::command relu_cmd() {
    ref::layer l = test::make_layer(op_kind::activation, precision::fp32, 1, ref::act_kind::relu);
    operand_offsets at;
    at.in = 0;
    at.out = 256;
    return encode_layer(l, {1, 4, 4, 4}, at).cmd;
}

std::string run_error(stream_writer& w, std::size_t dram_bytes = 1024) {
    std::vector<uint8_t> dram(dram_bytes, 0);
    stream_interpreter it(dram, base, 1024);
    try {
        it.run(w.bytes());
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(interpreter, runs_a_hand_written_stream) {
    std::vector<uint8_t> dram(1024, 0);
    for (int i = 0; i < 64; ++i) {
        const float v = static_cast<float>(i % 2 ? i : -i);
        std::memcpy(dram.data() + 4 * i, &v, 4);
    }
    stream_writer w;
    w.load(contiguous(base, 0, 256), 1);
    w.barrier(1u << 1);
    w.compute(relu_cmd());
    w.store(contiguous(base + 512, 256, 256), 2);
    w.barrier(0xffff);
    w.end();
    stream_interpreter it(dram, base, 1024);
    const interpreter_stats st = it.run(w.bytes());
    EXPECT_EQ(st.commands, 6u);
    EXPECT_EQ(st.bytes_loaded, 256u);
    EXPECT_EQ(st.bytes_stored, 256u);
    for (int i = 0; i < 64; ++i) {
        float v;
        std::memcpy(&v, dram.data() + 512 + 4 * i, 4);
        EXPECT_EQ(v, i % 2 ? static_cast<float>(i) : 0.0f);
    }
}

TEST(interpreter, detects_hazards_overruns_and_missing_end) {
    stream_writer a;  // compute reads what a load still fills
    a.load(contiguous(base, 0, 256), 1);
    a.compute(relu_cmd());
    a.end();
    EXPECT_NE(run_error(a).find("command 1: input touches local bytes [0, 256) of a pending "
                                "LOAD (tag 1)"),
              std::string::npos)
        << run_error(a);
    stream_writer b;  // a barrier on the wrong tag does not help
    b.load(contiguous(base, 0, 256), 1);
    b.barrier(1u << 2);
    b.compute(relu_cmd());
    b.end();
    EXPECT_NE(run_error(b).find("pending LOAD"), std::string::npos);
    stream_writer c;  // compute overwrites what a store still reads
    c.store(contiguous(base, 300, 16), 3);
    c.compute(relu_cmd());
    c.end();
    EXPECT_NE(run_error(c).find("pending STORE"), std::string::npos);
    stream_writer d;  // END with a transfer outstanding
    d.load(contiguous(base, 0, 16), 1);
    d.end();
    EXPECT_NE(run_error(d).find("outstanding"), std::string::npos);
    stream_writer e;  // local overrun
    e.load(contiguous(base, 1000, 100), 1);
    e.end();
    EXPECT_NE(run_error(e).find("overruns the local memory"), std::string::npos);
    stream_writer f;  // DRAM outside the image
    f.load(contiguous(base + 1000, 0, 100), 1);
    f.end();
    EXPECT_NE(run_error(f).find("outside the DRAM image"), std::string::npos);
    stream_writer g;  // no END
    g.barrier(1);
    EXPECT_NE(run_error(g).find("before an END"), std::string::npos);
}

TEST(interpreter, random_streams_never_crash) {
    // Seeded, bounded: random commands (valid opcodes with random fields, or
    // random bytes) either run or throw; nothing crashes or hangs.
    std::mt19937 rng(20261122);
    int ran = 0, rejected = 0;
    for (int iter = 0; iter < 400; ++iter) {
        stream_writer w;
        const int n = 1 + static_cast<int>(rng() % 6);
        for (int i = 0; i < n; ++i) {
            uint8_t raw[nncore_cmd::command_bytes];
            for (auto& x : raw)
                x = static_cast<uint8_t>(rng() % 4 == 0 ? rng() : rng() % 8);
            static const uint8_t ops[] = {0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 99};
            raw[0] = ops[rng() % sizeof ops];
            raw[1] = static_cast<uint8_t>(rng() % 7);
            raw[2] = static_cast<uint8_t>(rng() % 8);
            if (rng() % 2) {
                raw[4] = raw[5] = raw[6] = raw[7] = 0;
            }
            w.append(decode(raw));
            if (w.ended())
                break;
        }
        std::vector<uint8_t> dram(4096, 0);
        stream_interpreter it(dram, base, 4096);
        std::vector<uint8_t> bytes = w.bytes();
        if (rng() % 8 == 0)
            bytes[rng() % bytes.size()] ^= 0x40;  // header or checksum damage
        try {
            it.run(bytes);
            ++ran;
        } catch (const std::invalid_argument&) {
            ++rejected;
        } catch (const std::runtime_error&) {
            ++rejected;
        } catch (const std::out_of_range&) {
            ++rejected;
        }
    }
    EXPECT_EQ(ran + rejected, 400);
    EXPECT_GT(ran, 0);
}
