// Firmware bring-up demo: moves and reshapes tensors with 2D/3D DMA and a
// descriptor list under interrupts, checks every byte, lowers and restores the
// fabric clock mid-run, and reports the bandwidth it measured with the timer.
#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "firmware/programs/tensor_layout.h"

#include <cstdio>
#include <string>

namespace nnvp::fw {

namespace {

constexpr uint64_t dma_timeout_ns = 100'000'000;  // 100 ms: far beyond any transfer here

struct demo {
    board& b;
    chw shape;
    uint32_t th, tw;  // tile height and width
    uint64_t tensor, tile, nhwc, quads, list;  // buffer addresses

    std::string fmt(const char* f, double a, double c = 0, double d = 0) {
        char buf[160];
        std::snprintf(buf, sizeof buf, f, a, c, d);
        return buf;
    }

    // Runs `t` on `ch`, waits for its interrupt; returns the elapsed ns or 0.
    uint64_t timed(unsigned ch, const dma_transfer& t, const char* what) {
        const uint64_t t0 = b.now_ns();
        if (b.dma.start(ch, t, true) != dma_result::ok ||
            b.dma.wait(ch, dma_timeout_ns) != dma_result::ok) {
            b.say(std::string(what) + ": DMA failed: " + to_string(b.dma.last_error(ch)));
            return 0;
        }
        return b.now_ns() - t0;
    }

    // The (C, th, tw) tile at (y0, x0) of the tensor, packed CHW into SRAM.
    dma_transfer tile_transfer(uint32_t y0, uint32_t x0, uint64_t dst) const {
        dma_transfer t;
        t.src = tensor + shape.at(0, y0, x0);
        t.dst = dst;
        t.len = tw;
        t.count1 = th;
        t.src_stride1 = shape.w;
        t.dst_stride1 = tw;
        t.count2 = shape.c;
        t.src_stride2 = shape.h * shape.w;
        t.dst_stride2 = th * tw;
        return t;
    }

    bool check_tile(uint64_t at, uint32_t y0, uint32_t x0) {
        std::vector<uint8_t> got(shape.c * th * tw);
        if (b.io.read_block(at, got.data(), got.size()) != bus_status::ok)
            return false;
        for (uint32_t c = 0; c < shape.c; ++c)
            for (uint32_t y = 0; y < th; ++y)
                for (uint32_t x = 0; x < tw; ++x)
                    if (got[(c * th + y) * tw + x] != test_value(c, y0 + y, x0 + x))
                        return false;
        return true;
    }
};

int dma_tensor_demo(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    const chw shape{static_cast<uint32_t>(args.get("channels")),
                    static_cast<uint32_t>(args.get("height")),
                    static_cast<uint32_t>(args.get("width"))};
    const uint32_t th = static_cast<uint32_t>(args.get("tile"));
    const uint32_t tw = th;
    if (th > shape.h || tw > shape.w) {
        b.say("tile larger than the tensor");
        return 11;
    }
    // Buffers: the tensor, its HWC tile, the quadrant copy and the descriptor
    // list one after another in DRAM (4 KiB aligned); two tiles in SRAM.
    const region& dram = h.map().at("dram");
    const region& sram = h.map().at("sram");
    auto align = [](uint64_t a) { return (a + 0xfff) & ~uint64_t{0xfff}; };
    const uint64_t tensor = dram.base + 0x100000;
    const uint64_t nhwc = align(tensor + shape.bytes());
    const uint64_t quads = align(nhwc + uint64_t{shape.c} * th * tw);
    const uint64_t list_addr = align(quads + shape.bytes());
    if (list_addr + 4 * dma_regs::descriptor_bytes > dram.end() ||
        2ull * shape.c * th * tw > sram.size) {
        b.say("the tensor or its tiles do not fit in DRAM/SRAM");
        return 11;
    }
    demo d{b, shape, th, tw, tensor, sram.base, nhwc, quads, list_addr};
    b.say(d.fmt("tensor %.0fx%.0fx%.0f int8 (CHW) in DRAM", shape.c, shape.h, shape.w));

    const std::vector<uint8_t> t = make_test_tensor(shape);
    if (h.write_block(d.tensor, t.data(), t.size()) != bus_status::ok)
        return 12;

    // 1. A 3D tile (all channels, th x tw at the centre) into SRAM.
    const uint32_t y0 = (shape.h - th) / 2, x0 = (shape.w - tw) / 2;
    const uint64_t tile_bytes = uint64_t{shape.c} * th * tw;
    const uint64_t ns_fast = d.timed(0, d.tile_transfer(y0, x0, d.tile), "3D tile");
    if (ns_fast == 0 || !d.check_tile(d.tile, y0, x0))
        return 13;
    b.say(d.fmt("3D tile -> SRAM: %.0f bytes in %.0f ns (%.2f GB/s), verified", tile_bytes,
                ns_fast, tile_bytes / static_cast<double>(ns_fast)));

    // 2. Reshape the tile CHW -> HWC (channels last) into DRAM: one byte per
    // row, a plane per channel.
    dma_transfer r;
    r.src = d.tile;
    r.dst = d.nhwc;
    r.len = 1;
    r.count1 = th * tw;
    r.src_stride1 = 1;
    r.dst_stride1 = shape.c;
    r.count2 = shape.c;
    r.src_stride2 = th * tw;
    r.dst_stride2 = 1;
    if (d.timed(1, r, "CHW->HWC") == 0)
        return 14;
    std::vector<uint8_t> hwc(tile_bytes);
    h.read_block(d.nhwc, hwc.data(), hwc.size());
    for (uint32_t y = 0; y < th; ++y)
        for (uint32_t x = 0; x < tw; ++x)
            for (uint32_t c = 0; c < shape.c; ++c)
                if (hwc[(y * tw + x) * shape.c + c] != test_value(c, y0 + y, x0 + x))
                    return 15;
    b.say("CHW -> HWC reshape by 3D DMA: verified");

    // 3. A descriptor list: the four quadrants of the tensor, tile-major,
    // with an interrupt on the last descriptor only.
    const uint32_t qh = shape.h / 2, qw = shape.w / 2;
    std::vector<dma_regs::descriptor> list;
    for (uint32_t q = 0; q < 4; ++q) {
        dma_regs::descriptor desc;
        desc.src = d.tensor + shape.at(0, (q / 2) * qh, (q % 2) * qw);
        desc.dst = d.quads + uint64_t{q} * shape.c * qh * qw;
        desc.len = qw;
        desc.count1 = qh;
        desc.src_stride1 = shape.w;
        desc.dst_stride1 = qw;
        desc.count2 = shape.c;
        desc.src_stride2 = shape.h * shape.w;
        desc.dst_stride2 = qh * qw;
        desc.flags = q == 3 ? 1u : 0u;
        list.push_back(desc);
    }
    if (b.dma.start_list(2, d.list, list, true) != dma_result::ok ||
        b.dma.wait(2, dma_timeout_ns) != dma_result::ok)
        return 16;
    {
        const uint32_t saved_th = d.th, saved_tw = d.tw;
        d.th = qh;
        d.tw = qw;
        for (uint32_t q = 0; q < 4; ++q)
            if (!d.check_tile(d.quads + uint64_t{q} * shape.c * qh * qw, (q / 2) * qh,
                              (q % 2) * qw))
                return 17;
        d.th = saved_th;
        d.tw = saved_tw;
    }
    b.say("descriptor list (4 quadrant tiles): verified");

    // 4. DVFS: the same tile at the slowest fabric clock, then back.
    const unsigned fabric_opps = b.opp_count("fabric");
    if (fabric_opps == 0 || !b.set_opp("fabric", 0))
        return 18;
    const uint64_t ns_slow = d.timed(3, d.tile_transfer(y0, x0, d.tile + tile_bytes), "slow tile");
    if (ns_slow == 0 || !d.check_tile(d.tile + tile_bytes, y0, x0))
        return 19;
    b.say(d.fmt("fabric at its lowest clock: the same tile takes %.0f ns (%.2fx slower)",
                ns_slow, ns_slow / static_cast<double>(ns_fast)));
    if (!b.set_opp("fabric", fabric_opps - 1))
        return 20;
    // The NN core's domain steps down and up too (voltage slews, PLL relocks).
    const unsigned nn_opps = b.opp_count("nncore");
    if (nn_opps == 0 || !b.set_opp("nncore", 0) || !b.set_opp("nncore", nn_opps - 1))
        return 21;
    b.say("DVFS: fabric and nncore stepped down and back up");

    // 5. Two channels at once contend for DRAM.
    dma_transfer big;
    big.src = d.tensor;
    big.dst = d.quads;
    big.len = shape.bytes() / 2;
    dma_transfer big2 = big;
    big2.src = d.tensor + big.len;
    big2.dst = d.quads + big.len;
    const uint64_t t0 = b.now_ns();
    if (b.dma.start(0, big, true) != dma_result::ok || b.dma.start(1, big2, true) != dma_result::ok ||
        b.dma.wait(0, dma_timeout_ns) != dma_result::ok ||
        b.dma.wait(1, dma_timeout_ns) != dma_result::ok)
        return 22;
    const uint64_t ns_two = b.now_ns() - t0;
    std::vector<uint8_t> copy(shape.bytes());
    h.read_block(d.quads, copy.data(), copy.size());
    if (copy != t)
        return 23;
    b.say(d.fmt("two channels, DRAM to DRAM: %.0f bytes in %.0f ns (%.2f GB/s), verified",
                shape.bytes(), ns_two, shape.bytes() / static_cast<double>(ns_two)));
    return 0;
}

}  // namespace

extern const program dma_tensor_demo_program = {
    "dma_tensor_demo",
    "2D/3D DMA tensor moves and reshapes, a descriptor list, DVFS mid-run; checks every byte",
    {{"channels", 16, 1, 64, "tensor channels"},
     {"height", 64, 2, 512, "tensor height"},
     {"width", 64, 2, 512, "tensor width"},
     {"tile", 16, 1, 512, "side of the square tile moved to SRAM"}},
    dma_tensor_demo};

}  // namespace nnvp::fw
