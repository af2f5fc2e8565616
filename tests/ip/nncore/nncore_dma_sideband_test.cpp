// The NN core against a scripted transfer engine instead of the DMA model:
// what the core needs of a DMA engine is its register map over the bus and
// the completion sideband (transfer_engine_if), nothing else.
#include "ip/common/transfer_engine_if.h"
#include "tests/ip/nncore/nncore_bench.h"

#include <tlm_utils/simple_target_socket.h>

#include <cstring>
#include <map>

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

namespace {

// One channel. A START in CTRL makes it busy for `run_time`, then it ends
// with `code` and notifies its done event. Register writes are recorded.
struct scripted_engine : sc_module, transfer_engine_if {
    tlm_utils::simple_target_socket<scripted_engine> target{"target"};
    std::map<uint32_t, uint32_t> regs;  // offset -> last value written
    sc_time run_time{500, SC_NS};
    uint32_t code = 0;
    sc_time started;

    SC_HAS_PROCESS(scripted_engine);
    explicit scripted_engine(sc_module_name name) : sc_module(name) {
        target.register_b_transport(this, &scripted_engine::b_transport);
        SC_METHOD(finish);
        sensitive << m_end;
        dont_initialize();
    }

    unsigned channel_count() const override { return 1; }
    bool channel_busy(unsigned ch) const override { return ch == 0 && m_busy; }
    uint32_t channel_error(unsigned ch) const override { return ch == 0 && !m_busy ? code : 0; }
    const sc_event& channel_done_event(unsigned ch) const override {
        return ch == 0 ? m_done : m_never;
    }

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
        uint32_t v = 0;
        std::memcpy(&v, t.get_data_ptr(), 4);
        const auto off = static_cast<uint32_t>(t.get_address());
        regs[off] = v;
        if (off == dma_regs::channel_reg(dma_regs::CTRL, 0).offset &&
            dma_regs::CTRL_START.get(v)) {
            m_busy = true;
            started = sc_time_stamp() + delay;
            m_end.notify(delay + run_time);
        }
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    void finish() {
        m_busy = false;
        m_done.notify(SC_ZERO_TIME);
    }

    bool m_busy = false;
    sc_event m_end, m_done, m_never;
};

struct sideband_bench {
    clock_domain fabric_clk{"fabric", {{1e9, 0.9}}, 0, 0.9};
    clock_domain dram_clk{"dram", {{1e9, 0.9}}, 0, 0.9};
    clock_domain nn_clk{"nncore", {{1e9, 0.9}}, 0, 0.9};
    memory dram{"dram", dram_clk, bench_dram()};
    scripted_engine engine{"engine"};
    nncore::core core{"nncore", nn_clk, bench_nncore_config(), dma_base, buf_base};
    interconnect bus{"bus", bench_map(bench_nncore_config().local_bytes()), fabric_clk,
                     interconnect_config{}};
    bus_master cpu{"cpu"};
    sc_signal<bool> nn_irq{"nn_irq"};
    std::vector<nncore::core::stream_record> streams;

    sideband_bench() {
        bus.bind_initiator("cpu", cpu.socket);
        bus.bind_initiator("nncore", core.initiator);
        bus.bind_target("dram", dram.target);
        bus.bind_target("dma", engine.target);
        bus.bind_target("nncore", core.target);
        bus.bind_target("nncore_buf", core.buffer);
        core.dma_channels.bind(engine);
        core.irq(nn_irq);
        core.on_stream_end([this](const nncore::core::stream_record& r) { streams.push_back(r); });
    }

    uint32_t run(const stream& s) {
        using namespace nncore_regs;
        const std::vector<uint8_t> bytes = s.bytes();
        dram.load(stream_addr - dram_base, bytes.data(), bytes.size());
        cpu.write32_ok(nn_base + IRQ_ENABLE.offset, IRQ_DONE.mask() | IRQ_ERROR.mask());
        cpu.write32_ok(nn_base + CMD_BASE_LO.offset, static_cast<uint32_t>(stream_addr));
        cpu.write32_ok(nn_base + CMD_BASE_HI.offset, static_cast<uint32_t>(stream_addr >> 32));
        cpu.write32_ok(nn_base + CMD_BYTES.offset, static_cast<uint32_t>(bytes.size()));
        cpu.write32_ok(nn_base + DOORBELL.offset, DOORBELL_RING.make(1));
        if (!nn_irq.read())
            wait(sc_time(1, SC_MS), nn_irq.posedge_event());
        return cpu.read32(nn_base + STATUS.offset);
    }
};

}  // namespace

TEST(nncore_dma_sideband, a_load_programs_the_engine_over_the_bus_and_waits_for_its_done_line) {
    sideband_bench b;
    test::run_thread([&] {
        stream s;
        s.load(dram_base + 0x1000, 0x40, 256, 0);
        s.barrier();
        s.end();
        const uint32_t status = b.run(s);
        EXPECT_EQ(nncore_regs::STATUS_DONE.get(status), 1u);
        using namespace dma_regs;
        const auto at = [](const reg_def& r) { return channel_reg(r, 0).offset; };
        EXPECT_EQ(b.engine.regs[at(SRC_LO)], static_cast<uint32_t>(dram_base + 0x1000));
        EXPECT_EQ(b.engine.regs[at(DST_LO)], static_cast<uint32_t>(buf_base + 0x40));
        EXPECT_EQ(b.engine.regs[at(LEN)], 256u);
        EXPECT_EQ(b.engine.regs[at(CTRL)], CTRL_START.make(1));
        ASSERT_EQ(b.streams.size(), 1u);
        // The BARRIER held the stream until the engine's done line.
        EXPECT_GE(b.streams[0].end, b.engine.started + b.engine.run_time);
    });
}

TEST(nncore_dma_sideband, an_engine_error_is_the_commands_dma_error) {
    sideband_bench b;
    test::run_thread([&] {
        b.engine.code = static_cast<uint32_t>(dma_regs::error_code::write_bus);
        stream s;
        s.store(0x40, dram_base + 0x2000, 64, 0);
        s.barrier();
        s.end();
        test::allow_warnings(true);
        const uint32_t status = b.run(s);
        test::allow_warnings(false);
        EXPECT_EQ(nncore_regs::STATUS_ERROR.get(status), 1u);
        EXPECT_EQ(b.cpu.read32(nn_base + nncore_regs::ERROR_CODE.offset),
                  static_cast<uint32_t>(nncore_regs::error_code::dma_error));
        EXPECT_EQ(b.cpu.read32(nn_base + nncore_regs::ERROR_CMD.offset), 0u);
    });
}
