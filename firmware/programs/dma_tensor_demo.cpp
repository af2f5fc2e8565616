// Firmware bring-up demo: moves and reshapes tensors with 2D/3D DMA and a
// descriptor list under interrupts, checks every byte, lowers and restores the
// fabric clock mid-run, and reports the bandwidth it measured with the timer.
#include <cstdio>
#include <optional>
#include <string>

#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "firmware/programs/tensor_layout.h"

namespace nnvp::fw {

namespace {

constexpr uint64_t dma_timeout_ns = 100'000'000;  // 100 ms: far beyond any transfer here

std::string fmt(const char* f, double a, double c = 0, double d = 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, f, a, c, d);
    return buf;
}

// Buffer addresses: the tensor, its HWC tile, the quadrant copy and the
// descriptor list one after another in DRAM (4 KiB aligned); two tiles in SRAM.
struct buffers {
    uint64_t tensor, tile, nhwc, quads, list;
};

std::optional<buffers> place_buffers(const memory_map& map, const chw& shape, uint32_t side) {
    const region& dram = map.at("dram");
    const region& sram = map.at("sram");
    auto align = [](uint64_t a) { return (a + 0xfff) & ~uint64_t{0xfff}; };
    buffers at;
    at.tensor = dram.base + 0x100000;
    at.tile = sram.base;
    at.nhwc = align(at.tensor + shape.bytes());
    at.quads = align(at.nhwc + uint64_t{shape.c} * side * side);
    at.list = align(at.quads + shape.bytes());
    if (at.list + 4 * dma_regs::descriptor_bytes > dram.end() ||
        2ull * shape.c * side * side > sram.size)
        return std::nullopt;
    return at;
}

// The demo's steps in order, each returning 0 or the program's exit code.
class tensor_moves {
public:
    tensor_moves(board& b, const chw& shape, uint32_t side, const buffers& at)
        : m_b(b),
          m_shape(shape),
          m_th(side),
          m_tw(side),
          m_at(at),
          m_tensor(make_test_tensor(shape)) {}

    int run() {
        m_b.say(fmt("tensor %.0fx%.0fx%.0f int8 (CHW) in DRAM", m_shape.c, m_shape.h, m_shape.w));
        if (m_b.io.write_block(m_at.tensor, m_tensor.data(), m_tensor.size()) != bus_status::ok)
            return 12;
        if (const int rc = tile_to_sram())
            return rc;
        if (const int rc = reshape_to_hwc())
            return rc;
        if (const int rc = quadrants_by_descriptor_list())
            return rc;
        if (const int rc = tile_at_lowest_clock())
            return rc;
        return two_channels_at_once();
    }

private:
    // Runs `t` on `ch`, waits for its interrupt; returns the elapsed ns or 0.
    uint64_t timed(unsigned ch, const dma_transfer& t, const char* what) {
        const uint64_t t0 = m_b.now_ns();
        if (m_b.dma.start(ch, t, true) != dma_result::ok ||
            m_b.dma.wait(ch, dma_timeout_ns) != dma_result::ok) {
            m_b.say(std::string(what) + ": DMA failed: " + to_string(m_b.dma.last_error(ch)));
            return 0;
        }
        return m_b.now_ns() - t0;
    }

    // The (C, th, tw) tile at (y0, x0) of the tensor, packed CHW at `dst`.
    dma_transfer tile_transfer(uint32_t y0, uint32_t x0, uint32_t th, uint32_t tw,
                               uint64_t dst) const {
        dma_transfer t;
        t.src = m_at.tensor + m_shape.at(0, y0, x0);
        t.dst = dst;
        t.len = tw;
        t.count1 = th;
        t.src_stride1 = m_shape.w;
        t.dst_stride1 = tw;
        t.count2 = m_shape.c;
        t.src_stride2 = m_shape.h * m_shape.w;
        t.dst_stride2 = th * tw;
        return t;
    }

    // The (C, th, tw) tile packed CHW at `at` holds the tensor's at (y0, x0).
    bool check_tile(uint64_t at, uint32_t y0, uint32_t x0, uint32_t th, uint32_t tw) {
        std::vector<uint8_t> got(m_shape.c * th * tw);
        if (m_b.io.read_block(at, got.data(), got.size()) != bus_status::ok)
            return false;
        for (uint32_t c = 0; c < m_shape.c; ++c)
            for (uint32_t y = 0; y < th; ++y)
                for (uint32_t x = 0; x < tw; ++x)
                    if (got[(c * th + y) * tw + x] != test_value(c, y0 + y, x0 + x))
                        return false;
        return true;
    }

    uint64_t tile_bytes() const { return uint64_t{m_shape.c} * m_th * m_tw; }
    uint32_t y0() const { return (m_shape.h - m_th) / 2; }
    uint32_t x0() const { return (m_shape.w - m_tw) / 2; }

    // 1. A 3D tile (all channels, th x tw at the centre) into SRAM.
    int tile_to_sram() {
        m_ns_fast = timed(0, tile_transfer(y0(), x0(), m_th, m_tw, m_at.tile), "3D tile");
        if (m_ns_fast == 0 || !check_tile(m_at.tile, y0(), x0(), m_th, m_tw))
            return 13;
        m_b.say(fmt("3D tile -> SRAM: %.0f bytes in %.0f ns (%.2f GB/s), verified", tile_bytes(),
                    m_ns_fast, tile_bytes() / static_cast<double>(m_ns_fast)));
        return 0;
    }

    // 2. Reshape the tile CHW -> HWC (channels last) into DRAM: one byte per
    // row, a plane per channel.
    int reshape_to_hwc() {
        dma_transfer r;
        r.src = m_at.tile;
        r.dst = m_at.nhwc;
        r.len = 1;
        r.count1 = m_th * m_tw;
        r.src_stride1 = 1;
        r.dst_stride1 = m_shape.c;
        r.count2 = m_shape.c;
        r.src_stride2 = m_th * m_tw;
        r.dst_stride2 = 1;
        if (timed(1, r, "CHW->HWC") == 0)
            return 14;
        std::vector<uint8_t> hwc(tile_bytes());
        m_b.io.read_block(m_at.nhwc, hwc.data(), hwc.size());
        for (uint32_t y = 0; y < m_th; ++y)
            for (uint32_t x = 0; x < m_tw; ++x)
                for (uint32_t c = 0; c < m_shape.c; ++c)
                    if (hwc[(y * m_tw + x) * m_shape.c + c] != test_value(c, y0() + y, x0() + x))
                        return 15;
        m_b.say("CHW -> HWC reshape by 3D DMA: verified");
        return 0;
    }

    // 3. A descriptor list: the four quadrants of the tensor, tile-major,
    // with an interrupt on the last descriptor only.
    int quadrants_by_descriptor_list() {
        const uint32_t qh = m_shape.h / 2, qw = m_shape.w / 2;
        const auto quadrant = [&](uint32_t q) {
            return m_at.quads + uint64_t{q} * m_shape.c * qh * qw;
        };
        std::vector<dma_regs::descriptor> list;
        for (uint32_t q = 0; q < 4; ++q) {
            const dma_transfer t = tile_transfer((q / 2) * qh, (q % 2) * qw, qh, qw, quadrant(q));
            list.push_back({t.src, t.dst, t.len, t.count1, t.src_stride1, t.dst_stride1, t.count2,
                            t.src_stride2, t.dst_stride2, q == 3 ? dma_regs::desc_flag_irq : 0u});
        }
        if (m_b.dma.start_list(2, m_at.list, list, true) != dma_result::ok ||
            m_b.dma.wait(2, dma_timeout_ns) != dma_result::ok)
            return 16;
        for (uint32_t q = 0; q < 4; ++q)
            if (!check_tile(quadrant(q), (q / 2) * qh, (q % 2) * qw, qh, qw))
                return 17;
        m_b.say("descriptor list (4 quadrant tiles): verified");
        return 0;
    }

    // 4. DVFS: the same tile at the slowest fabric clock, then back; the NN
    // core's domain steps down and up too (voltage slews, PLL relocks).
    int tile_at_lowest_clock() {
        const unsigned fabric_opps = m_b.opp_count("fabric");
        if (fabric_opps == 0 || !m_b.set_opp("fabric", 0))
            return 18;
        const uint64_t second_tile = m_at.tile + tile_bytes();
        const uint64_t ns_slow =
            timed(3, tile_transfer(y0(), x0(), m_th, m_tw, second_tile), "slow tile");
        if (ns_slow == 0 || !check_tile(second_tile, y0(), x0(), m_th, m_tw))
            return 19;
        m_b.say(fmt("fabric at its lowest clock: the same tile takes %.0f ns (%.2fx slower)",
                    ns_slow, ns_slow / static_cast<double>(m_ns_fast)));
        if (!m_b.set_opp("fabric", fabric_opps - 1))
            return 20;
        const unsigned nn_opps = m_b.opp_count("nncore");
        if (nn_opps == 0 || !m_b.set_opp("nncore", 0) || !m_b.set_opp("nncore", nn_opps - 1))
            return 21;
        m_b.say("DVFS: fabric and nncore stepped down and back up");
        return 0;
    }

    // 5. Two channels at once contend for DRAM: each copies half the tensor.
    int two_channels_at_once() {
        dma_transfer big;
        big.src = m_at.tensor;
        big.dst = m_at.quads;
        big.len = m_shape.bytes() / 2;
        dma_transfer big2 = big;
        big2.src = m_at.tensor + big.len;
        big2.dst = m_at.quads + big.len;
        const uint64_t t0 = m_b.now_ns();
        if (m_b.dma.start(0, big, true) != dma_result::ok ||
            m_b.dma.start(1, big2, true) != dma_result::ok ||
            m_b.dma.wait(0, dma_timeout_ns) != dma_result::ok ||
            m_b.dma.wait(1, dma_timeout_ns) != dma_result::ok)
            return 22;
        const uint64_t ns_two = m_b.now_ns() - t0;
        std::vector<uint8_t> copy(m_shape.bytes());
        m_b.io.read_block(m_at.quads, copy.data(), copy.size());
        if (copy != m_tensor)
            return 23;
        m_b.say(fmt("two channels, DRAM to DRAM: %.0f bytes in %.0f ns (%.2f GB/s), verified",
                    m_shape.bytes(), ns_two, m_shape.bytes() / static_cast<double>(ns_two)));
        return 0;
    }

    board& m_b;
    const chw m_shape;
    const uint32_t m_th, m_tw;  // tile height and width
    const buffers m_at;
    const std::vector<uint8_t> m_tensor;  // what the tensor holds (CHW)
    uint64_t m_ns_fast = 0;               // step 1's time at the full fabric clock
};

int dma_tensor_demo(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    const chw shape{static_cast<uint32_t>(args.get("channels")),
                    static_cast<uint32_t>(args.get("height")),
                    static_cast<uint32_t>(args.get("width"))};
    const uint32_t side = static_cast<uint32_t>(args.get("tile"));
    if (side > shape.h || side > shape.w) {
        b.say("tile larger than the tensor");
        return 11;
    }
    const std::optional<buffers> at = place_buffers(h.map(), shape, side);
    if (!at) {
        b.say("the tensor or its tiles do not fit in DRAM/SRAM");
        return 11;
    }
    return tensor_moves(b, shape, side, *at).run();
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
