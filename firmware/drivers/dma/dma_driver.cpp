#include "firmware/drivers/dma/dma_driver.h"

namespace nnvp::fw {

using namespace dma_regs;

const char* to_string(dma_result r) {
    switch (r) {
    case dma_result::ok: return "ok";
    case dma_result::bus_error: return "bus error";
    case dma_result::no_device: return "no DMA engine at this address";
    case dma_result::bad_channel: return "no such channel";
    case dma_result::bad_argument: return "bad argument";
    case dma_result::busy: return "channel busy";
    case dma_result::timeout: return "timeout";
    case dma_result::transfer_error: return "transfer error";
    }
    return "?";
}

const char* to_string(dma_error e) {
    switch (e) {
    case dma_error::none: return "none";
    case dma_error::read_bus: return "bus error on read";
    case dma_error::write_bus: return "bus error on write";
    case dma_error::desc_fetch: return "bus error fetching a descriptor";
    case dma_error::bad_descriptor: return "bad descriptor";
    case dma_error::bad_geometry: return "bad geometry";
    case dma_error::desc_limit: return "descriptor limit exceeded";
    case dma_error::aborted: return "aborted";
    }
    return "unknown";
}

dma_driver::dma_driver(hal& h, uint64_t base) : m_hal(h), m_base(base) {}

uint64_t dma_driver::reg(const reg_def& r, unsigned ch) const {
    return m_base + channel_reg(r, ch).offset;
}

dma_result dma_driver::write(uint64_t addr, uint32_t value) {
    return m_hal.write32(addr, value) == bus_status::ok ? dma_result::ok : dma_result::bus_error;
}

dma_result dma_driver::write64(const reg_def& lo, unsigned ch, uint64_t value) {
    if (write(reg(lo, ch), static_cast<uint32_t>(value)) != dma_result::ok)
        return dma_result::bus_error;
    return write(reg(lo, ch) + 4, static_cast<uint32_t>(value >> 32));
}

dma_result dma_driver::init() {
    uint32_t id = 0, cfg = 0, max_desc = 0;
    if (m_hal.read32(m_base + ID.offset, id) != bus_status::ok)
        return dma_result::bus_error;
    if (id != id_value)
        return dma_result::no_device;
    if (m_hal.read32(m_base + CONFIG.offset, cfg) != bus_status::ok ||
        m_hal.read32(m_base + MAX_DESC.offset, max_desc) != bus_status::ok)
        return dma_result::bus_error;
    const unsigned n = CONFIG_CHANNELS.get(cfg);
    if (n == 0 || n > max_channels)
        return dma_result::no_device;
    m_channels = n;
    m_burst_bytes = 1u << CONFIG_BURST_LOG2.get(cfg);
    m_max_desc = max_desc;
    const uint32_t all = irq_bits((1u << n) - 1u);
    if (write(m_base + IRQ_STATUS.offset, all) != dma_result::ok)
        return dma_result::bus_error;
    return write(m_base + IRQ_ENABLE.offset, all);
}

// Refuses a busy channel and forgets what on_irq() saw of its last run.
dma_result dma_driver::prepare(unsigned ch) {
    if (!valid(ch))
        return dma_result::bad_channel;
    uint32_t s = 0;
    if (m_hal.read32(reg(STATUS, ch), s) != bus_status::ok)
        return dma_result::bus_error;
    if (STATUS_BUSY.get(s))
        return dma_result::busy;
    m_rec[ch] = record{};
    return write(m_base + IRQ_STATUS.offset, irq_done_bit(ch) | irq_error_bit(ch));
}

dma_result dma_driver::go(unsigned ch, bool use_desc, bool irq) {
    return write(reg(CTRL, ch), CTRL_START.make(1) | CTRL_USE_DESC.make(use_desc) |
                                    CTRL_IRQ_DONE.make(irq) | CTRL_IRQ_ERR.make(irq));
}

dma_result dma_driver::start(unsigned ch, const dma_transfer& t, bool irq) {
    if (valid(ch) && t.len == 0)
        return dma_result::bad_argument;
    if (dma_result r = prepare(ch); r != dma_result::ok)
        return r;
    if (write64(SRC_LO, ch, t.src) != dma_result::ok ||
        write64(DST_LO, ch, t.dst) != dma_result::ok)
        return dma_result::bus_error;
    const struct {
        const reg_def& r;
        uint32_t v;
    } words[] = {{LEN, t.len},
                 {COUNT1, t.count1},
                 {SRC_STRIDE1, t.src_stride1},
                 {DST_STRIDE1, t.dst_stride1},
                 {COUNT2, t.count2},
                 {SRC_STRIDE2, t.src_stride2},
                 {DST_STRIDE2, t.dst_stride2}};
    for (const auto& w : words)
        if (write(reg(w.r, ch), w.v) != dma_result::ok)
            return dma_result::bus_error;
    return go(ch, false, irq);
}

dma_result dma_driver::start_1d(unsigned ch, uint64_t src, uint64_t dst, uint32_t len, bool irq) {
    dma_transfer t;
    t.src = src;
    t.dst = dst;
    t.len = len;
    return start(ch, t, irq);
}

dma_result dma_driver::start_2d(unsigned ch, uint64_t src, uint64_t dst, uint32_t len,
                                uint32_t rows, uint32_t src_stride, uint32_t dst_stride,
                                bool irq) {
    dma_transfer t;
    t.src = src;
    t.dst = dst;
    t.len = len;
    t.count1 = rows;
    t.src_stride1 = src_stride;
    t.dst_stride1 = dst_stride;
    return start(ch, t, irq);
}

dma_result dma_driver::start_list(unsigned ch, uint64_t list_addr,
                                  const std::vector<descriptor>& list, bool irq) {
    if (!valid(ch))
        return dma_result::bad_channel;
    if (list.empty() || list_addr == 0 || list_addr % descriptor_align != 0 ||
        (m_max_desc != 0 && list.size() > m_max_desc))
        return dma_result::bad_argument;
    for (const descriptor& d : list)
        if (d.len == 0)
            return dma_result::bad_argument;
    std::vector<unsigned char> image(list.size() * descriptor_bytes);
    for (std::size_t i = 0; i < list.size(); ++i) {
        descriptor d = list[i];
        d.next = i + 1 < list.size() ? list_addr + (i + 1) * descriptor_bytes : 0;
        d.reserved = 0;
        encode(d, image.data() + i * descriptor_bytes);
    }
    // Check the channel before overwriting memory it might be reading.
    if (dma_result r = prepare(ch); r != dma_result::ok)
        return r;
    if (m_hal.write_block(list_addr, image.data(), image.size()) != bus_status::ok)
        return dma_result::bus_error;
    if (write64(DESC_LO, ch, list_addr) != dma_result::ok)
        return dma_result::bus_error;
    return go(ch, true, irq);
}

dma_result dma_driver::start_list_at(unsigned ch, uint64_t first, bool irq) {
    if (valid(ch) && (first == 0 || first % descriptor_align != 0))
        return dma_result::bad_argument;
    if (dma_result r = prepare(ch); r != dma_result::ok)
        return r;
    if (write64(DESC_LO, ch, first) != dma_result::ok)
        return dma_result::bus_error;
    return go(ch, true, irq);
}

dma_result dma_driver::status(unsigned ch, dma_channel_status& out) {
    if (!valid(ch))
        return dma_result::bad_channel;
    uint32_t s = 0, bytes = 0, descs = 0;
    if (m_hal.read32(reg(STATUS, ch), s) != bus_status::ok ||
        m_hal.read32(reg(BYTES_DONE, ch), bytes) != bus_status::ok ||
        m_hal.read32(reg(DESC_DONE, ch), descs) != bus_status::ok)
        return dma_result::bus_error;
    out.busy = STATUS_BUSY.get(s) != 0;
    out.done = STATUS_DONE.get(s) != 0;
    out.error = STATUS_ERROR.get(s) != 0;
    out.code = static_cast<dma_error>(STATUS_CODE.get(s));
    out.bytes_done = bytes;
    out.descriptors_done = descs;
    return dma_result::ok;
}

dma_result dma_driver::finished(unsigned ch, const dma_channel_status& s) {
    m_rec[ch].last = s.error ? s.code : dma_error::none;
    return s.error ? dma_result::transfer_error : dma_result::ok;
}

dma_result dma_driver::poll(unsigned ch, uint64_t timeout_ns, uint64_t interval_ns) {
    const uint64_t deadline = m_hal.now_ns() + timeout_ns;
    for (;;) {
        dma_channel_status s;
        if (dma_result r = status(ch, s); r != dma_result::ok)
            return r;
        if (!s.busy)
            return finished(ch, s);
        if (m_hal.now_ns() >= deadline)
            return dma_result::timeout;
        m_hal.delay_ns(interval_ns == 0 ? 1 : interval_ns);
    }
}

dma_result dma_driver::wait(unsigned ch, uint64_t timeout_ns) {
    const uint64_t deadline = m_hal.now_ns() + timeout_ns;
    for (;;) {
        dma_channel_status s;
        if (dma_result r = status(ch, s); r != dma_result::ok)
            return r;
        if (!s.busy)
            return finished(ch, s);
        // Other devices' interrupts and per-descriptor interrupts wake us
        // too; STATUS above tells whether this channel has finished.
        const uint64_t now = m_hal.now_ns();
        if (timeout_ns != 0 && now >= deadline)
            return dma_result::timeout;
        m_hal.wait_irq(timeout_ns == 0 ? 0 : deadline - now);
    }
}

dma_result dma_driver::abort(unsigned ch) {
    if (!valid(ch))
        return dma_result::bad_channel;
    uint32_t ctrl = 0;
    if (m_hal.read32(reg(CTRL, ch), ctrl) != bus_status::ok)
        return dma_result::bus_error;
    return write(reg(CTRL, ch), (ctrl & ~CTRL_START.mask()) | CTRL_ABORT.make(1));
}

dma_error dma_driver::last_error(unsigned ch) const {
    return valid(ch) ? m_rec[ch].last : dma_error::none;
}

dma_result dma_driver::clear_irq(uint32_t bits) { return write(m_base + IRQ_STATUS.offset, bits); }

void dma_driver::on_irq() {
    uint32_t pending = 0;
    if (m_hal.read32(m_base + IRQ_STATUS.offset, pending) != bus_status::ok || pending == 0)
        return;
    m_hal.write32(m_base + IRQ_STATUS.offset, pending);
    for (unsigned ch = 0; ch < m_channels; ++ch) {
        if (pending & irq_done_bit(ch)) {
            ++m_rec[ch].done_irqs;
            if (m_callback)
                m_callback(ch, false);
        }
        if (pending & irq_error_bit(ch)) {
            ++m_rec[ch].error_irqs;
            uint32_t s = 0;
            if (m_hal.read32(reg(STATUS, ch), s) == bus_status::ok)
                m_rec[ch].last = static_cast<dma_error>(STATUS_CODE.get(s));
            if (m_callback)
                m_callback(ch, true);
        }
    }
}

uint32_t dma_driver::done_irqs(unsigned ch) const { return valid(ch) ? m_rec[ch].done_irqs : 0; }
uint32_t dma_driver::error_irqs(unsigned ch) const { return valid(ch) ? m_rec[ch].error_irqs : 0; }

}  // namespace nnvp::fw
