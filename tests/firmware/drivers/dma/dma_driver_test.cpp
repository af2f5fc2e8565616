// The DMA firmware driver on a fake HAL: register sequences, descriptor
// images, completion by IRQ and by polling, and error returns.
#include "firmware/drivers/dma/dma_driver.h"
#include "tests/support/fake_hal.h"

#include <gtest/gtest.h>

using namespace nnvp;
using namespace nnvp::dma_regs;
using fw::dma_error;
using fw::dma_result;

namespace {
constexpr uint64_t base = 0x40003000;

uint64_t at(const reg_def& r, unsigned ch = 0) { return base + channel_reg(r, ch).offset; }
uint64_t global(const reg_def& r) { return base + r.offset; }

// A fake chip whose DMA reports 4 channels, 256-byte bursts and 64 descriptors.
struct fixture {
    test::fake_hal hal;
    fw::dma_driver dma{hal, base};
    fixture() {
        hal.words[global(ID)] = id_value;
        hal.words[global(CONFIG)] = CONFIG_CHANNELS.make(4) | CONFIG_BURST_LOG2.make(8);
        hal.words[global(MAX_DESC)] = 64;
        // IRQ_STATUS is write-1-to-clear.
        hal.on_read[global(IRQ_STATUS)] = [this](uint64_t) { return irq_pending; };
        hal.on_write[global(IRQ_STATUS)] = [this](uint64_t, uint32_t v) { irq_pending &= ~v; };
        EXPECT_EQ(dma.init(), dma_result::ok);
        hal.accesses.clear();
    }
    uint32_t irq_pending = 0;
    // START makes the channel busy, as the hardware does.
    void start_makes_busy(unsigned ch) {
        hal.on_write[at(CTRL, ch)] = [this, ch](uint64_t, uint32_t v) {
            if (CTRL_START.get(v))
                hal.words[at(STATUS, ch)] = STATUS_BUSY.make(1);
        };
    }
    void finish(unsigned ch, dma_error code, bool irq) {
        hal.words[at(STATUS, ch)] =
            code == dma_error::none
                ? STATUS_DONE.make(1)
                : STATUS_ERROR.make(1) | STATUS_CODE.make(static_cast<uint32_t>(code));
        if (irq) {
            irq_pending |=
                code == dma_error::none ? irq_done_bit(ch) : irq_error_bit(ch);
            dma.on_irq();
        }
    }
};

}  // namespace

using hal_access = test::fake_hal::access;

TEST(dma_driver, init_checks_the_id_and_enables_every_channel_line) {
    test::fake_hal hal;
    hal.words[global(ID)] = id_value;
    hal.words[global(CONFIG)] = CONFIG_CHANNELS.make(6) | CONFIG_BURST_LOG2.make(10);
    hal.words[global(MAX_DESC)] = 4096;
    fw::dma_driver dma(hal, base);
    EXPECT_EQ(dma.init(), dma_result::ok);
    EXPECT_EQ(dma.channels(), 6u);
    EXPECT_EQ(dma.burst_bytes(), 1024u);
    EXPECT_EQ(dma.max_descriptors(), 4096u);
    const std::vector<hal_access> expect{{false, global(ID), id_value},
                                     {false, global(CONFIG), hal.words[global(CONFIG)]},
                                     {false, global(MAX_DESC), 4096},
                                     {true, global(IRQ_STATUS), 0x003f003f},
                                     {true, global(IRQ_ENABLE), 0x003f003f}};
    EXPECT_EQ(hal.accesses, expect);
}

TEST(dma_driver, init_reports_a_missing_device) {
    test::fake_hal hal;
    fw::dma_driver dma(hal, base);
    EXPECT_EQ(dma.init(), dma_result::no_device);  // ID reads 0
    hal.faults[global(ID)] = fw::bus_status::address_error;
    EXPECT_EQ(dma.init(), dma_result::bus_error);
}

TEST(dma_driver, start_3d_writes_the_geometry_then_ctrl) {
    fixture f;
    fw::dma_transfer t;
    t.src = 0x1'2345'6789ull;
    t.dst = 0x8000'0000ull;
    t.len = 12;
    t.count1 = 5;
    t.src_stride1 = 20;
    t.dst_stride1 = 12;
    t.count2 = 3;
    t.src_stride2 = 320;
    t.dst_stride2 = 60;
    EXPECT_EQ(f.dma.start(2, t), dma_result::ok);
    const std::vector<hal_access> expect{
        {false, at(STATUS, 2), 0},
        {true, global(IRQ_STATUS), irq_done_bit(2) | irq_error_bit(2)},
        {true, at(SRC_LO, 2), 0x23456789u},
        {true, at(SRC_HI, 2), 0x1u},
        {true, at(DST_LO, 2), 0x80000000u},
        {true, at(DST_HI, 2), 0},
        {true, at(LEN, 2), 12},
        {true, at(COUNT1, 2), 5},
        {true, at(SRC_STRIDE1, 2), 20},
        {true, at(DST_STRIDE1, 2), 12},
        {true, at(COUNT2, 2), 3},
        {true, at(SRC_STRIDE2, 2), 320},
        {true, at(DST_STRIDE2, 2), 60},
        {true, at(CTRL, 2), CTRL_START.make(1) | CTRL_IRQ_DONE.make(1) |
                                CTRL_IRQ_ERR.make(1)}};
    EXPECT_EQ(f.hal.accesses, expect);
}

TEST(dma_driver, start_1d_and_2d_without_irq) {
    fixture f;
    EXPECT_EQ(f.dma.start_1d(0, 0x100, 0x200, 64, false), dma_result::ok);
    EXPECT_EQ(f.hal.writes_to(at(CTRL, 0)), std::vector<uint32_t>{CTRL_START.make(1)});
    EXPECT_EQ(f.hal.words[at(COUNT1, 0)], 1u);
    EXPECT_EQ(f.dma.start_2d(1, 0x100, 0x200, 64, 7, 128, 64), dma_result::ok);
    EXPECT_EQ(f.hal.words[at(COUNT1, 1)], 7u);
    EXPECT_EQ(f.hal.words[at(SRC_STRIDE1, 1)], 128u);
    EXPECT_EQ(f.hal.words[at(DST_STRIDE1, 1)], 64u);
    EXPECT_EQ(f.hal.words[at(COUNT2, 1)], 1u);
}

TEST(dma_driver, bad_arguments_touch_no_register) {
    fixture f;
    EXPECT_EQ(f.dma.start_1d(4, 0x100, 0x200, 64), dma_result::bad_channel);
    EXPECT_EQ(f.dma.start_1d(0, 0x100, 0x200, 0), dma_result::bad_argument);
    EXPECT_EQ(f.dma.start_list(0, 0x1000, {}), dma_result::bad_argument);
    descriptor d;
    d.len = 4;
    EXPECT_EQ(f.dma.start_list(0, 0x1004, {d}), dma_result::bad_argument);  // misaligned
    EXPECT_EQ(f.dma.start_list(0, 0x1000, std::vector<descriptor>(65, d)),
              dma_result::bad_argument);  // longer than MAX_DESC
    EXPECT_EQ(f.dma.start_list_at(0, 0), dma_result::bad_argument);
    EXPECT_EQ(f.dma.wait(9, 100), dma_result::bad_channel);
    EXPECT_EQ(f.dma.abort(16), dma_result::bad_channel);
    EXPECT_TRUE(f.hal.accesses.empty());
}

TEST(dma_driver, a_busy_channel_is_not_restarted) {
    fixture f;
    f.hal.words[at(STATUS, 1)] = STATUS_BUSY.make(1);
    EXPECT_EQ(f.dma.start_1d(1, 0x100, 0x200, 64), dma_result::busy);
    EXPECT_TRUE(f.hal.writes_to(at(CTRL, 1)).empty());
}

TEST(dma_driver, a_bus_error_stops_the_sequence_before_start) {
    fixture f;
    f.hal.faults[at(LEN, 0)] = fw::bus_status::address_error;
    EXPECT_EQ(f.dma.start_1d(0, 0x100, 0x200, 64), dma_result::bus_error);
    EXPECT_TRUE(f.hal.writes_to(at(CTRL, 0)).empty());
    f.hal.faults[at(STATUS, 3)] = fw::bus_status::generic_error;
    dma_result r = f.dma.start_1d(3, 0x100, 0x200, 64);
    EXPECT_EQ(r, dma_result::bus_error);
    EXPECT_STREQ(fw::to_string(r), "bus error");
}

TEST(dma_driver, start_list_writes_linked_descriptors) {
    fixture f;
    std::vector<descriptor> list(3);
    for (unsigned i = 0; i < 3; ++i) {
        list[i].src = 0x1000 + i * 0x100;
        list[i].dst = 0x9000 + i * 0x100;
        list[i].len = 32 * (i + 1);
        list[i].next = 0xdead;  // overwritten by the driver
    }
    list[1].flags = desc_flag_irq;
    EXPECT_EQ(f.dma.start_list(1, 0x20000, list), dma_result::ok);
    unsigned char raw[3 * descriptor_bytes];
    f.hal.read_block(0x20000, raw, sizeof raw);
    for (unsigned i = 0; i < 3; ++i) {
        const descriptor d = decode(raw + i * descriptor_bytes);
        EXPECT_EQ(d.src, list[i].src);
        EXPECT_EQ(d.dst, list[i].dst);
        EXPECT_EQ(d.len, list[i].len);
        EXPECT_EQ(d.count1, 1u);
        EXPECT_EQ(d.flags, i == 1 ? desc_flag_irq : 0u);
        EXPECT_EQ(d.next, i < 2 ? 0x20000 + (i + 1) * descriptor_bytes : 0u);
    }
    EXPECT_EQ(f.hal.words[at(DESC_LO, 1)], 0x20000u);
    EXPECT_EQ(f.hal.words[at(DESC_HI, 1)], 0u);
    EXPECT_EQ(f.hal.writes_to(at(CTRL, 1)),
              std::vector<uint32_t>{CTRL_START.make(1) | CTRL_USE_DESC.make(1) |
                                    CTRL_IRQ_DONE.make(1) | CTRL_IRQ_ERR.make(1)});
}

TEST(dma_driver, wait_sleeps_until_the_completion_interrupt) {
    fixture f;
    f.start_makes_busy(0);
    ASSERT_EQ(f.dma.start_1d(0, 0x100, 0x200, 64), dma_result::ok);
    // The first wake-up is a per-descriptor (or foreign) interrupt, the second the end.
    int wakeups = 0;
    f.hal.on_wait_irq = [&] {
        if (++wakeups == 1) {
            f.irq_pending = irq_done_bit(0);
            f.dma.on_irq();
        } else {
            f.finish(0, dma_error::none, true);
        }
    };
    EXPECT_EQ(f.dma.wait(0, 1000), dma_result::ok);
    EXPECT_EQ(wakeups, 2);
    EXPECT_EQ(f.dma.done_irqs(0), 2u);
    EXPECT_EQ(f.dma.last_error(0), dma_error::none);
    // on_irq cleared what it read (write-1-to-clear).
    EXPECT_EQ(f.hal.writes_to(global(IRQ_STATUS)).back(), irq_done_bit(0));
}

TEST(dma_driver, wait_returns_the_error_code) {
    fixture f;
    f.start_makes_busy(3);
    ASSERT_EQ(f.dma.start_1d(3, 0x100, 0x200, 64), dma_result::ok);
    std::vector<std::pair<unsigned, bool>> events;
    f.dma.set_callback([&](unsigned ch, bool error) { events.emplace_back(ch, error); });
    f.hal.on_wait_irq = [&] { f.finish(3, dma_error::write_bus, true); };
    EXPECT_EQ(f.dma.wait(3, 0), dma_result::transfer_error);
    EXPECT_EQ(f.dma.last_error(3), dma_error::write_bus);
    EXPECT_EQ(f.dma.error_irqs(3), 1u);
    EXPECT_STREQ(fw::to_string(f.dma.last_error(3)), "bus error on write");
    EXPECT_EQ(events, (std::vector<std::pair<unsigned, bool>>{{3, true}}));
    fw::dma_channel_status s;
    EXPECT_EQ(f.dma.status(3, s), dma_result::ok);
    EXPECT_TRUE(s.error);
    EXPECT_FALSE(s.busy);
    EXPECT_EQ(s.code, dma_error::write_bus);
}

TEST(dma_driver, wait_times_out_on_a_channel_that_never_finishes) {
    fixture f;
    f.start_makes_busy(0);
    ASSERT_EQ(f.dma.start_1d(0, 0x100, 0x200, 64), dma_result::ok);
    EXPECT_EQ(f.dma.wait(0, 5000), dma_result::timeout);
    EXPECT_EQ(f.hal.time_ns, 5000u);
}

TEST(dma_driver, poll_reads_status_until_idle) {
    fixture f;
    int reads = 0;
    f.hal.on_read[at(STATUS, 2)] = [&](uint64_t) {
        return ++reads <= 3 ? STATUS_BUSY.make(1) : STATUS_DONE.make(1);
    };
    f.hal.words[at(BYTES_DONE, 2)] = 64;
    EXPECT_EQ(f.dma.poll(2, 10000, 250), dma_result::ok);
    EXPECT_EQ(reads, 4);
    EXPECT_EQ(f.hal.time_ns, 750u);
    reads = -100;
    EXPECT_EQ(f.dma.poll(2, 1000, 250), dma_result::timeout);
}

TEST(dma_driver, abort_keeps_the_mode_bits) {
    fixture f;
    f.hal.words[at(CTRL, 1)] = CTRL_USE_DESC.make(1) | CTRL_IRQ_ERR.make(1);
    EXPECT_EQ(f.dma.abort(1), dma_result::ok);
    EXPECT_EQ(f.hal.writes_to(at(CTRL, 1)),
              std::vector<uint32_t>{CTRL_USE_DESC.make(1) | CTRL_IRQ_ERR.make(1) |
                                    CTRL_ABORT.make(1)});
}

TEST(dma_driver, on_irq_handles_several_channels_at_once) {
    fixture f;
    f.irq_pending = irq_done_bit(0) | irq_error_bit(1) | irq_done_bit(3);
    f.hal.words[at(STATUS, 1)] =
        STATUS_ERROR.make(1) | STATUS_CODE.make(static_cast<uint32_t>(dma_error::aborted));
    f.dma.on_irq();
    EXPECT_EQ(f.dma.done_irqs(0), 1u);
    EXPECT_EQ(f.dma.error_irqs(1), 1u);
    EXPECT_EQ(f.dma.last_error(1), dma_error::aborted);
    EXPECT_EQ(f.dma.done_irqs(3), 1u);
    EXPECT_EQ(f.dma.done_irqs(2), 0u);
    EXPECT_EQ(f.hal.writes_to(global(IRQ_STATUS)),
              std::vector<uint32_t>{irq_done_bit(0) | irq_error_bit(1) | irq_done_bit(3)});
    // Nothing pending: nothing written.
    f.irq_pending = 0;
    f.dma.on_irq();
    EXPECT_EQ(f.hal.writes_to(global(IRQ_STATUS)).size(), 1u);
    EXPECT_EQ(f.dma.clear_irq(irq_done_bit(2)), dma_result::ok);
}
