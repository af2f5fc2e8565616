// DMA data movement: 1D, 2D and 3D geometries and descriptor lists against
// references computed here, and two channels at once.
#include "tests/ip/dma/dma_bench.h"

using namespace nnvp;
using namespace nnvp::dma_regs;
using namespace sc_core;
using test::mem_base;

namespace {
constexpr uint64_t src_at = mem_base + 0x1000;
constexpr uint64_t dst_at = mem_base + 0x40000;

// The reference: what a transfer of geometry `d` does to `dst` given `src`
// (pointers to the bytes at the descriptor's addresses).
void reference_copy(const descriptor& d, const unsigned char* src, unsigned char* dst) {
    for (uint64_t p = 0; p < std::max(d.count2, 1u); ++p)
        for (uint64_t r = 0; r < std::max(d.count1, 1u); ++r)
            for (uint64_t i = 0; i < d.len; ++i)
                dst[p * d.dst_stride2 + r * d.dst_stride1 + i] =
                    src[p * d.src_stride2 + r * d.src_stride1 + i];
}

// Runs `d` on channel `ch` from the registers and checks the destination.
void run_and_check(test::dma_bench& b, unsigned ch, const descriptor& d, std::size_t src_bytes,
                   std::size_t dst_bytes, uint64_t expect_bytes) {
    const auto src = test::pattern(src_bytes, 7);
    b.mem.fill(d.src, src);
    std::vector<unsigned char> expect(dst_bytes, 0);
    reference_copy(d, src.data(), expect.data());
    b.program(ch, d);
    b.write(CTRL, ch, test::dma_bench::go());
    const uint32_t s = b.wait_idle(ch);
    EXPECT_EQ(s, STATUS_DONE.make(1));
    EXPECT_EQ(b.read(BYTES_DONE, ch), expect_bytes);
    EXPECT_EQ(b.mem.dump(d.dst, dst_bytes), expect);
}
}  // namespace

TEST(dma_transfer, one_d_copy_moves_the_bytes_and_raises_done) {
    test::dma_bench b;
    test::run_thread([&] {
        b.enable_irqs();
        descriptor d;
        d.src = src_at;
        d.dst = dst_at;
        d.len = 1000;  // 3 full bursts and one of 232 bytes
        run_and_check(b, 0, d, 1000, 1100, 1000);
        EXPECT_EQ(b.read_global(IRQ_STATUS), irq_done_bit(0));
        EXPECT_TRUE(b.irq_line.read());
        b.write_global(IRQ_STATUS, irq_done_bit(0));
        EXPECT_EQ(b.read_global(IRQ_STATUS), 0u);
        wait(SC_ZERO_TIME);
        EXPECT_FALSE(b.irq_line.read());
    });
    EXPECT_EQ(b.dut.bytes_moved(), 1000u);
    EXPECT_EQ(b.dut.bursts(), 4u);
    EXPECT_EQ(b.mem.reads, 4u);
    EXPECT_EQ(b.mem.writes, 4u);
    ASSERT_EQ(b.probe.rises().size(), 1u);
}

TEST(dma_transfer, two_d_tile_extraction_into_a_padded_layout) {
    test::dma_bench b;
    test::run_thread([&] {
        // A 10 x 300 byte block at (row 5, column 12) of a 32 x 640 matrix,
        // written with a row pitch of 320 (the padding stays untouched). The
        // 300-byte rows end mid-burst: bursts never cross a row end.
        descriptor d;
        d.src = src_at + 5 * 640 + 12;
        d.dst = dst_at;
        d.len = 300;
        d.count1 = 10;
        d.src_stride1 = 640;
        d.dst_stride1 = 320;
        run_and_check(b, 1, d, 32 * 640, 10 * 320, 3000);
        EXPECT_EQ(b.dut.bursts(), 20u);
    });
}

TEST(dma_transfer, three_d_transpose_of_a_byte_matrix) {
    test::dma_bench b;
    test::run_thread([&] {
        // dst[c][r] = src[r][c] for a 24 x 40 matrix: one byte per row, a
        // column per plane.
        descriptor d;
        d.src = src_at;
        d.dst = dst_at;
        d.len = 1;
        d.count1 = 24;
        d.src_stride1 = 40;
        d.dst_stride1 = 1;
        d.count2 = 40;
        d.src_stride2 = 1;
        d.dst_stride2 = 24;
        run_and_check(b, 2, d, 24 * 40, 24 * 40, 960);
        const auto out = b.mem.dump(dst_at, 24 * 40);
        for (unsigned r = 0; r < 24; ++r)
            for (unsigned c = 0; c < 40; ++c)
                ASSERT_EQ(out[c * 24 + r], b.mem.at(src_at)[r * 40 + c]);
    });
}

TEST(dma_transfer, three_d_tile_of_a_chw_tensor) {
    test::dma_bench b;
    test::run_thread([&] {
        // C x H x W = 6 x 16 x 20 bytes; tile c in [1,4), h in [2,7), w in [3,15),
        // packed into 3 x 5 x 12.
        descriptor d;
        d.src = src_at + 1 * 320 + 2 * 20 + 3;
        d.dst = dst_at;
        d.len = 12;
        d.count1 = 5;
        d.src_stride1 = 20;
        d.dst_stride1 = 12;
        d.count2 = 3;
        d.src_stride2 = 320;
        d.dst_stride2 = 60;
        const auto tensor = test::pattern(6 * 320, 11);
        b.mem.fill(src_at, tensor);
        b.program(3, d);
        b.write(CTRL, 3, test::dma_bench::go());
        EXPECT_EQ(b.wait_idle(3), STATUS_DONE.make(1));
        const auto out = b.mem.dump(dst_at, 180);
        for (unsigned c = 0; c < 3; ++c)
            for (unsigned h = 0; h < 5; ++h)
                for (unsigned w = 0; w < 12; ++w)
                    ASSERT_EQ(out[c * 60 + h * 12 + w],
                              tensor[(c + 1) * 320 + (h + 2) * 20 + w + 3]);
    });
}

TEST(dma_transfer, count_zero_means_one) {
    test::dma_bench b;
    test::run_thread([&] {
        descriptor d;
        d.src = src_at;
        d.dst = dst_at;
        d.len = 100;
        d.count1 = 0;
        d.count2 = 0;
        d.src_stride1 = d.dst_stride1 = d.src_stride2 = d.dst_stride2 = 1000;
        run_and_check(b, 0, d, 100, 3000, 100);
    });
}

TEST(dma_transfer, descriptor_list_runs_every_descriptor_with_per_descriptor_irq) {
    test::dma_bench b;
    test::run_thread([&] {
        b.enable_irqs();
        const uint64_t list = mem_base + 0x100;  // three 64-byte descriptors
        descriptor d[3];
        d[0].src = src_at;
        d[0].dst = dst_at;
        d[0].len = 700;
        d[0].next = list + 64;
        d[1].src = src_at + 0x1000;
        d[1].dst = dst_at + 0x1000;
        d[1].len = 64;
        d[1].count1 = 4;
        d[1].src_stride1 = 128;
        d[1].dst_stride1 = 64;
        d[1].flags = desc_flag_irq;
        d[1].next = list + 128;
        d[2].src = src_at + 0x2000;
        d[2].dst = dst_at + 0x2000;
        d[2].len = 16;
        d[2].count1 = 2;
        d[2].src_stride1 = 32;
        d[2].dst_stride1 = 16;
        d[2].count2 = 3;
        d[2].src_stride2 = 64;
        d[2].dst_stride2 = 32;
        std::vector<unsigned char> expect(0x3000, 0);
        const auto src = test::pattern(0x3000, 5);
        b.mem.fill(src_at, src);
        for (int i = 0; i < 3; ++i) {
            b.write_descriptor(list + 64 * i, d[i]);
            reference_copy(d[i], src.data() + (d[i].src - src_at),
                           expect.data() + (d[i].dst - dst_at));
        }
        b.write(DESC_LO, 0, static_cast<uint32_t>(list));
        b.write(DESC_HI, 0, static_cast<uint32_t>(list >> 32));
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go(true));
        // The flagged descriptor interrupts mid-list; the handler clears it.
        wait(b.irq_line.posedge_event());
        EXPECT_EQ(b.read(DESC_DONE, 0), 2u);
        EXPECT_TRUE(STATUS_BUSY.get(b.read(STATUS, 0)));
        b.write_global(IRQ_STATUS, irq_done_bit(0));
        EXPECT_EQ(b.wait_idle(0), STATUS_DONE.make(1));
        EXPECT_EQ(b.read(DESC_DONE, 0), 3u);
        EXPECT_EQ(b.read(CUR_DESC_LO, 0), static_cast<uint32_t>(list + 128));
        EXPECT_EQ(b.read(BYTES_DONE, 0), 700u + 256u + 96u);
        EXPECT_EQ(b.mem.dump(dst_at, 0x3000), expect);

        // Time: per descriptor, a 64-byte fetch, the decode and setup cycles,
        // then the bursts of its rows.
        const sc_time per_desc = b.mem.access_delay(descriptor_bytes) + b.fabric.cycles(4 + 16);
        const sc_time t1 = t0 + per_desc * 2 + b.row_time(700) + b.row_time(64) * 4;
        const sc_time t2 = t1 + per_desc + b.row_time(16) * 6;
        const auto rises = b.probe.rises();
        ASSERT_EQ(rises.size(), 2u);
        EXPECT_EQ(rises[0], t1);
        EXPECT_EQ(rises[1], t2);
        ASSERT_EQ(b.runs.size(), 1u);
        EXPECT_EQ(b.runs[0].end, t2);
    });
    EXPECT_EQ(b.dut.descriptors_fetched(), 3u);
}

TEST(dma_transfer, two_channels_run_concurrently_and_contend) {
    test::dma_bench b;
    test::run_thread([&] {
        const auto a = test::pattern(4096, 1);
        const auto c = test::pattern(4096, 2);
        b.mem.fill(src_at, a);
        b.mem.fill(src_at + 0x2000, c);
        descriptor d0, d1;
        d0.src = src_at;
        d0.dst = dst_at;
        d0.len = 4096;
        d1 = d0;
        d1.src = src_at + 0x2000;
        d1.dst = dst_at + 0x2000;
        b.program(0, d0);
        b.program(1, d1);
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go());
        b.write(CTRL, 1, test::dma_bench::go());
        EXPECT_TRUE(STATUS_BUSY.get(b.read(STATUS, 0)));
        EXPECT_TRUE(STATUS_BUSY.get(b.read(STATUS, 1)));
        b.wait_idle(0);
        b.wait_idle(1);
        EXPECT_EQ(b.mem.dump(dst_at, 4096), a);
        EXPECT_EQ(b.mem.dump(dst_at + 0x2000, 4096), c);
        ASSERT_EQ(b.runs.size(), 2u);
        // Both ran at once (each started before the other ended) ...
        EXPECT_LT(b.runs[1].start, b.runs[0].end);
        EXPECT_LT(b.runs[0].start, b.runs[1].end);
        // ... and shared the memory port: 64 accesses of 16 cycles each.
        const sc_time solo = b.fabric.cycles(16) + b.row_time(4096);
        const sc_time last = std::max(b.runs[0].end, b.runs[1].end);
        EXPECT_GT(last - t0, solo);
        EXPECT_GE(last - t0, b.mem_clk.cycles(64 * 16));
        EXPECT_LT(last - t0, solo * 2);
    });
}
