// Bad programming gets the modelled error: STATUS.ERROR, the exact
// ERROR_CODE and ERROR_CMD, the error interrupt and a warning; the core then
// runs a good stream.
#include "tests/ip/nncore/layer_job.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;
using nncore_regs::error_code;

namespace {

constexpr uint32_t status_error = nncore_regs::STATUS_ERROR.make(1);
constexpr uint32_t status_done = nncore_regs::STATUS_DONE.make(1);

stream good_stream() {
    stream s;
    s.load(data_addr, 0, 256, 3);
    s.barrier(1u << 3);
    s.store(0, data_addr + 0x1000, 256, 4);
    s.end();
    return s;
}

// Runs `bad` (already in DRAM if `cmd_bytes` is given), checks the error,
// then checks that a good stream completes.
void expect_error(nncore_bench& b, uint32_t status, error_code code, uint32_t cmd) {
    using namespace nncore_regs;
    EXPECT_EQ(status, status_error);
    EXPECT_EQ(b.reg(ERROR_CODE), static_cast<uint32_t>(code));
    EXPECT_EQ(b.reg(ERROR_CMD), cmd);
    EXPECT_EQ(b.reg(IRQ_STATUS), IRQ_ERROR.make(1));
    EXPECT_TRUE(b.nn_irq.read());
    EXPECT_GT(test::warnings_seen(), 0);
    EXPECT_FALSE(b.core.busy());
    // The core accepts the next stream.
    const int warnings = test::warnings_seen();
    EXPECT_EQ(b.run(good_stream()), status_done);
    EXPECT_EQ(b.reg(ERROR_CODE), 0u);
    EXPECT_EQ(b.reg(IRQ_STATUS), IRQ_DONE.make(1));
    EXPECT_EQ(test::warnings_seen(), warnings);
}

template <class Body>
void with_bench(Body body, const nncore_config& cfg = bench_nncore_config()) {
    nncore_bench b(cfg);
    test::allow_warnings(true);
    test::run_thread([&] { body(b); });
}

}  // namespace

TEST(nncore_errors, unknown_opcode) {
    with_bench([](nncore_bench& b) {
        stream s = good_stream();
        s.cmds[1].op = static_cast<nncore_cmd::opcode>(99);
        const uint32_t st = b.run(s);
        EXPECT_EQ(b.reg(nncore_regs::CMDS_DONE), 1u);  // the LOAD before it ran
        expect_error(b, st, error_code::unknown_opcode, 1);
    });
}

TEST(nncore_errors, zero_dimension) {
    with_bench([](nncore_bench& b) {
        stream s;
        ref::layer l;
        l.op = ref::op_kind::conv2d;
        l.out_channels = 4;
        command c = compute_command(l, {1, 4, 4, 3}, {}, operands(0, 65536, 131072)).cmd;
        c.compute.in.c = 0;
        s.add(c);
        s.end();
        expect_error(b, b.run(s), error_code::bad_dims, 0);
    });
}

TEST(nncore_errors, buffer_overrun_by_load_and_by_compute_operand) {
    with_bench([](nncore_bench& b) {
        const auto local = static_cast<uint32_t>(b.core.local_bytes());
        stream s;
        s.end();
        s.cmds.insert(s.cmds.begin(), command{});
        s.cmds[0].op = nncore_cmd::opcode::load;
        s.cmds[0].move.dram_addr = data_addr;
        s.cmds[0].move.local_offset = local - 16;
        s.cmds[0].move.len = 64;
        expect_error(b, b.run(s), error_code::buffer_overrun, 0);

        ref::layer l;
        l.op = ref::op_kind::activation;
        l.act.kind = ref::act_kind::relu;
        stream t;
        t.barrier();
        t.add(compute_command(l, {1, 8, 8, 8}, {}, operands(0, 0, local - 100)).cmd);
        t.end();
        expect_error(b, b.run(t), error_code::buffer_overrun, 1);
    });
}

// Bad magic: the header read (bus hop 2 + 32/16 fabric cycles, DRAM 10 +
// 32/16 cycles, all 1 ns) ends 16 ns after the doorbell, which takes effect
// 3 ns (hop 2 + 1) after the CPU issued its write: the irq rises at +19 ns.
TEST(nncore_errors, bad_header_magic_version_checksum_and_sizes) {
    with_bench([](nncore_bench& b) {
        using namespace nncore_regs;
        const stream s = good_stream();
        nncore_cmd::stream_header h = s.header();
        h.magic ^= 1;
        b.put(stream_addr, s.bytes_with(h));
        b.set(IRQ_ENABLE, IRQ_DONE.mask() | IRQ_ERROR.mask());
        b.set(CMD_BASE_LO, static_cast<uint32_t>(stream_addr));
        b.set(CMD_BASE_HI, 0);
        b.set(CMD_BYTES, static_cast<uint32_t>(s.bytes().size()));
        const sc_time t0 = sc_time_stamp();
        b.set(DOORBELL, DOORBELL_RING.make(1));
        wait(b.nn_irq.posedge_event());
        ASSERT_FALSE(b.probe.rises().empty());
        EXPECT_EQ(b.probe.rises().back(), t0 + sc_time(19, SC_NS));
        expect_error(b, b.reg(STATUS), error_code::bad_header, no_command);

        h = s.header();
        h.version = 2;
        b.put(stream_addr, s.bytes_with(h));
        expect_error(b, b.ring(static_cast<uint32_t>(s.bytes().size())), error_code::bad_header,
                     no_command);
        h = s.header();
        h.checksum += 1;
        b.put(stream_addr, s.bytes_with(h));
        expect_error(b, b.ring(static_cast<uint32_t>(s.bytes().size())), error_code::bad_header,
                     no_command);
        // CMD_BYTES smaller than the commands the header announces.
        b.put(stream_addr, s.bytes());
        expect_error(b, b.ring(static_cast<uint32_t>(s.bytes().size()) - 128),
                     error_code::bad_header, no_command);
    });
}

TEST(nncore_errors, stream_longer_than_max_commands) {
    nncore_config cfg = bench_nncore_config();
    cfg.max_commands = 4;
    with_bench(
        [](nncore_bench& b) {
            stream s = good_stream();  // 4 commands, then one more
            s.cmds.insert(s.cmds.begin(), command{});
            s.cmds[0].op = nncore_cmd::opcode::barrier;
            expect_error(b, b.run(s), error_code::bad_header, nncore_regs::no_command);
        },
        cfg);
}

TEST(nncore_errors, stream_without_end) {
    with_bench([](nncore_bench& b) {
        stream s = good_stream();
        s.cmds.pop_back();
        expect_error(b, b.run(s), error_code::no_end, 3);
    });
}

TEST(nncore_errors, load_from_an_unmapped_address_is_a_dma_error) {
    with_bench([](nncore_bench& b) {
        stream s;
        s.load(data_addr, 0, 64, 0);
        s.load(0x1000, 64, 64, 1);  // nothing is mapped there
        s.barrier();
        s.end();
        expect_error(b, b.run(s), error_code::dma_error, 1);
    });
}

TEST(nncore_errors, command_fetch_from_an_unmapped_address_is_a_bus_error) {
    with_bench([](nncore_bench& b) {
        expect_error(b, b.ring(160, 0, sc_time(1, SC_MS), 0x1000), error_code::bus_error,
                     nncore_regs::no_command);
    });
}

TEST(nncore_errors, reserved_fields_and_unsupported_combinations) {
    with_bench([](nncore_bench& b) {
        stream s = good_stream();
        s.cmds[2].reserved0 = 1;
        expect_error(b, b.run(s), error_code::bad_field, 2);

        ref::layer l;
        l.op = ref::op_kind::max_pool;
        l.geo.kernel_h = l.geo.kernel_w = 2;
        command c = compute_command(l, {1, 4, 4, 4}, {}, operands(0, 0, 131072)).cmd;
        c.prec = ref::precision::binary;
        stream t;
        t.add(c);
        t.end();
        expect_error(b, b.run(t), error_code::unsupported, 0);

        stream u = good_stream();
        u.cmds[0].tag = 16;
        expect_error(b, b.run(u), error_code::bad_field, 0);
        b.set(nncore_regs::MODE, nncore_regs::MODE_SPARSITY.make(3));
        expect_error(b,
                     b.ring(static_cast<uint32_t>(good_stream().bytes().size()),
                            nncore_regs::MODE_SPARSITY.make(3)),
                     error_code::bad_field, nncore_regs::no_command);
    });
}

// A doorbell while a stream runs is ignored with a warning; the stream ends normally.
TEST(nncore_errors, doorbell_while_busy_is_ignored) {
    with_bench([](nncore_bench& b) {
        using namespace nncore_regs;
        stream s = good_stream();
        b.put(stream_addr, s.bytes());
        b.set(IRQ_ENABLE, IRQ_DONE.mask() | IRQ_ERROR.mask());
        b.set(CMD_BASE_LO, static_cast<uint32_t>(stream_addr));
        b.set(CMD_BYTES, static_cast<uint32_t>(s.bytes().size()));
        b.set(DOORBELL, DOORBELL_RING.make(1));
        const int before = test::warnings_seen();
        EXPECT_EQ(b.reg(STATUS), STATUS_BUSY.make(1));
        b.set(DOORBELL, DOORBELL_RING.make(1));
        EXPECT_EQ(test::warnings_seen(), before + 1);
        wait(b.nn_irq.posedge_event());
        EXPECT_EQ(b.reg(STATUS), status_done);
        EXPECT_EQ(b.streams.size(), 1u);
    });
}
