// sc_spawn (one thread per configured channel) needs the dynamic-process API.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "ip/dma/dma.h"

#include "ip/common/burst_train.h"

#include <algorithm>
#include <deque>
#include <sstream>

namespace nnvp {

using namespace sc_core;
using namespace dma_regs;

struct dma::channel {
    sc_event start_ev;
    sc_event done_ev;
    bool busy = false;
    bool abort_req = false;
    uint64_t gen = 0;  // bumped by reset(): a running thread then drops its run
    uint32_t ctrl = 0;  // CTRL as written by START
    geometry regs_geom{};
    uint64_t desc_addr = 0;
    uint64_t bytes = 0;
    sc_time started;
    std::vector<unsigned char> buf;
};

dma::dma(sc_module_name name, clock_domain& clk, const dma_config& cfg)
    : peripheral(name, clk, dma_regs::window_bytes, cfg.register_access_cycles),
      initiator("initiator"), irq("irq"), m_cfg(cfg),
      m_energy(basename(), clk, cfg.leakage_mw * 1e-3) {
    m_cfg.channels = std::clamp(m_cfg.channels, 1u, dma_regs::max_channels);
    m_cfg.burst_bytes = std::clamp<uint32_t>(m_cfg.burst_bytes, 4, 4096);
    m_cfg.max_descriptors = std::max<uint32_t>(m_cfg.max_descriptors, 1);
    for (unsigned ch = 0; ch < m_cfg.channels; ++ch) {
        m_ch.push_back(std::make_unique<channel>());
        m_ch.back()->buf.resize(std::max(m_cfg.burst_bytes, m_cfg.train_bytes));
    }
    add_registers();
    for (unsigned ch = 0; ch < m_cfg.channels; ++ch)
        sc_spawn([this, ch] { channel_thread(ch); }, sc_gen_unique_name("channel"));
    add_irq(irq, [this] { return (m_regs.get(IRQ_STATUS) & m_regs.get(IRQ_ENABLE)) != 0; });
}

dma::~dma() = default;

uint32_t dma::config_value() const {
    uint32_t log2 = 0;
    while ((1u << log2) < m_cfg.burst_bytes)
        ++log2;
    return dma_regs::CONFIG_CHANNELS.make(m_cfg.channels) |
           dma_regs::CONFIG_BURST_LOG2.make(log2);
}

// The bank is the register lists of dma_regs.h; only behaviour is added here.
void dma::add_registers() {
    m_regs.add_all(global_regs);
    for (unsigned ch = 0; ch < m_cfg.channels; ++ch)
        m_regs.add_all(channel_regs, channel_offset(ch));
    m_regs.on_read(CONFIG, [this] { return config_value(); });
    m_regs.on_read(MAX_DESC, [this] { return m_cfg.max_descriptors; });
    // Only the bits of channels this instance has can be set or cleared.
    const uint32_t bits = irq_bits((1u << m_cfg.channels) - 1u);
    for (const reg_def& r : {IRQ_STATUS, IRQ_ENABLE}) {
        m_regs.restrict_writes(r, bits);
        m_regs.on_write(r, [this](uint32_t, uint32_t) { update_irq(); });
    }
    for (unsigned ch = 0; ch < m_cfg.channels; ++ch)
        m_regs.on_write(channel_reg(CTRL, ch),
                        [this, ch](uint32_t now, uint32_t) { on_ctrl_write(ch, now); });
}

uint32_t dma::get(unsigned ch, const dma_regs::reg_def& r) const {
    return m_regs.get(dma_regs::channel_reg(r, ch));
}

void dma::set(unsigned ch, const dma_regs::reg_def& r, uint32_t value) {
    m_regs.set(dma_regs::channel_reg(r, ch), value);
}

void dma::reset() {
    peripheral::reset();
    for (auto& c : m_ch) {
        ++c->gen;
        if (c->busy && sc_is_running())
            c->done_ev.notify(SC_ZERO_TIME);
        c->busy = false;
        c->abort_req = false;
    }
    if (sc_is_running())
        update_irq();
}

void dma::fail(unsigned ch, const std::string& what) {
    warn("channel " + std::to_string(ch) + ": " + what);
}

// --- register side -------------------------------------------------------------

void dma::on_ctrl_write(unsigned ch, uint32_t value) {
    channel& c = *m_ch[ch];
    // START and ABORT are commands, not state.
    set(ch, dma_regs::CTRL, value & ~(CTRL_START.mask() | CTRL_ABORT.mask()));
    if (CTRL_ABORT.get(value) && c.busy)
        c.abort_req = true;
    if (!CTRL_START.get(value))
        return;
    if (c.busy) {
        fail(ch, "START while the channel is busy is ignored");
        return;
    }
    c.ctrl = value;
    start(ch);
}

void dma::start(unsigned ch) {
    channel& c = *m_ch[ch];
    c.busy = true;
    c.abort_req = false;
    c.bytes = 0;
    c.regs_geom = geometry{(uint64_t{get(ch, SRC_HI)} << 32) | get(ch, SRC_LO),
                           (uint64_t{get(ch, DST_HI)} << 32) | get(ch, DST_LO),
                           get(ch, LEN),
                           get(ch, COUNT1),
                           get(ch, SRC_STRIDE1),
                           get(ch, DST_STRIDE1),
                           get(ch, COUNT2),
                           get(ch, SRC_STRIDE2),
                           get(ch, DST_STRIDE2)};
    c.desc_addr = (uint64_t{get(ch, DESC_HI)} << 32) | get(ch, DESC_LO);
    set(ch, STATUS, STATUS_BUSY.make(1));
    set(ch, BYTES_DONE, 0);
    set(ch, DESC_DONE, 0);
    set(ch, CUR_DESC_LO, 0);
    set(ch, CUR_DESC_HI, 0);
    // The run starts at the time of the register write, including the
    // initiator's temporal-decoupling offset.
    c.started = access_time();
    c.start_ev.notify(access_time() - sc_time_stamp());
}

void dma::latch_irq(uint32_t bits) {
    m_regs.set(dma_regs::IRQ_STATUS, m_regs.get(dma_regs::IRQ_STATUS) | bits);
    update_irq();
}

// --- channel side ----------------------------------------------------------------

bool dma::alive(unsigned ch, uint64_t gen) const { return m_ch[ch]->gen == gen; }

void dma::channel_thread(unsigned ch) {
    channel& c = *m_ch[ch];
    for (;;) {
        wait(c.start_ev);
        const uint64_t gen = c.gen;
        error_code err = error_code::none;
        if (CTRL_USE_DESC.get(c.ctrl)) {
            err = run_list(ch, gen);
        } else {
            err = check_geometry(ch, c.regs_geom);
            if (err == error_code::none)
                err = transfer(ch, gen, c.regs_geom);
        }
        if (alive(ch, gen))
            finish(ch, err);
    }
}

void dma::finish(unsigned ch, error_code err) {
    channel& c = *m_ch[ch];
    c.busy = false;
    const bool ok = err == error_code::none;
    set(ch, STATUS,
        STATUS_DONE.make(ok) | STATUS_ERROR.make(!ok) |
            STATUS_CODE.make(static_cast<uint32_t>(err)));
    uint32_t bits = 0;
    if (ok && CTRL_IRQ_DONE.get(c.ctrl))
        bits |= irq_done_bit(ch);
    if (!ok && CTRL_IRQ_ERR.get(c.ctrl))
        bits |= irq_error_bit(ch);
    latch_irq(bits);
    const run_record rec{ch, c.started, sc_time_stamp(), c.bytes, err};
    for (auto& obs : m_observers)
        obs(rec);
    c.done_ev.notify(SC_ZERO_TIME);
}

const sc_event& dma::channel_done_event(unsigned ch) const {
    return ch < m_ch.size() ? m_ch[ch]->done_ev : m_never;
}

bool dma::channel_busy(unsigned ch) const { return ch < m_ch.size() && m_ch[ch]->busy; }

uint32_t dma::channel_error(unsigned ch) const {
    if (ch >= m_ch.size() || m_ch[ch]->busy)
        return regs::value(error_code::none);
    return STATUS_CODE.get(get(ch, dma_regs::STATUS));
}

error_code dma::check_geometry(unsigned ch, const geometry& g) {
    if (g.len == 0) {
        fail(ch, "LEN is 0");
        return error_code::bad_geometry;
    }
    // last byte = base + (count2-1)*stride2 + (count1-1)*stride1 + len-1 must not pass 2^64.
    auto last_ok = [&](uint64_t base, uint32_t s1, uint32_t s2) {
        const uint64_t c1 = std::max<uint32_t>(g.count1, 1) - 1;
        const uint64_t c2 = std::max<uint32_t>(g.count2, 1) - 1;
        uint64_t a = 0, b = 0, end = 0;
        return !__builtin_mul_overflow(c2, uint64_t{s2}, &a) &&
               !__builtin_mul_overflow(c1, uint64_t{s1}, &b) &&
               !__builtin_add_overflow(a, b, &end) &&
               !__builtin_add_overflow(end, uint64_t{g.len} - 1, &end) &&
               !__builtin_add_overflow(end, base, &end);
    };
    if (!last_ok(g.src, g.src_stride1, g.src_stride2) ||
        !last_ok(g.dst, g.dst_stride1, g.dst_stride2)) {
        fail(ch, "transfer geometry runs past the end of the 64-bit address space");
        return error_code::bad_geometry;
    }
    return error_code::none;
}

// Holds the channel at a burst boundary while its clock is gated or off.
bool dma::wait_clocked(unsigned ch, uint64_t gen) {
    while (!m_clk.clocked() && alive(ch, gen))
        wait(m_clk.changed_event());
    return alive(ch, gen);
}

bool dma::bus_access_at(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len,
                        const sc_time& at, sc_time& done, burst_train* train) {
    sc_time delay = at - sc_time_stamp();
    const bool ok = nnvp::bus_access(initiator, cmd, addr, data, len, delay, train).ok();
    done = sc_time_stamp() + delay;
    return ok;
}

bool dma::bus_access(tlm::tlm_command cmd, uint64_t addr, unsigned char* data,
                     unsigned len) {
    sc_time done;
    const bool ok = bus_access_at(cmd, addr, data, len, sc_time_stamp(), done);
    wait(done - sc_time_stamp());
    return ok;
}

error_code dma::transfer(unsigned ch, uint64_t gen, const geometry& g) {
    channel& c = *m_ch[ch];
    wait(m_clk.cycles(m_cfg.setup_cycles));
    const uint64_t count1 = std::max<uint32_t>(g.count1, 1);
    const uint64_t count2 = std::max<uint32_t>(g.count2, 1);
    // One access moves a burst, or a train of them when trains are on.
    const uint64_t step = std::max(m_cfg.burst_bytes, m_cfg.train_bytes);
    // Completion times of the bursts in flight, oldest first. Each access is
    // carried out (data moved) when issued; its time lies in the future.
    std::deque<sc_time> in_flight;
    sc_time last_done = sc_time_stamp();
    auto drain = [&] {
        if (last_done > sc_time_stamp())
            wait(last_done - sc_time_stamp());
    };
    for (uint64_t p = 0; p < count2; ++p) {
        for (uint64_t r = 0; r < count1; ++r) {
            const uint64_t src = g.src + p * g.src_stride2 + r * g.src_stride1;
            const uint64_t dst = g.dst + p * g.dst_stride2 + r * g.dst_stride1;
            for (uint64_t off = 0; off < g.len; off += step) {
                // A free slot: wait for the oldest burst when all are in flight.
                if (in_flight.size() >= m_cfg.max_outstanding) {
                    if (in_flight.front() > sc_time_stamp())
                        wait(in_flight.front() - sc_time_stamp());
                    in_flight.pop_front();
                }
                if (!wait_clocked(ch, gen))
                    return error_code::aborted;
                if (c.abort_req) {
                    drain();
                    return error_code::aborted;
                }
                const unsigned n = static_cast<unsigned>(std::min<uint64_t>(step, g.len - off));
                const error_code err =
                    move(ch, gen, src + off, dst + off, n, in_flight, last_done);
                if (err != error_code::none)
                    return err;
                set(ch, BYTES_DONE, static_cast<uint32_t>(c.bytes));
            }
        }
    }
    drain();
    return alive(ch, gen) ? error_code::none : error_code::aborted;
}

error_code dma::move(unsigned ch, uint64_t gen, uint64_t src, uint64_t dst, unsigned n,
                     std::deque<sc_time>& in_flight, sc_time& last_done) {
    channel& c = *m_ch[ch];
    const unsigned burst = m_cfg.burst_bytes;
    auto failed = [&](const sc_time& done, const char* what, uint64_t addr, unsigned bytes) {
        wait(done - sc_time_stamp());
        if (alive(ch, gen)) {
            std::ostringstream msg;
            msg << "bus error " << what << " " << bytes << " bytes at 0x" << std::hex << addr;
            fail(ch, msg.str());
        }
    };
    // Burst 0 as a single access (the caller has made room for it).
    const unsigned first = std::min(n, burst);
    sc_time read_done, write_done;
    if (!bus_access_at(tlm::TLM_READ_COMMAND, src, c.buf.data(), first, sc_time_stamp(),
                       read_done)) {
        failed(read_done, "reading", src, first);
        return error_code::read_bus;
    }
    if (!bus_access_at(tlm::TLM_WRITE_COMMAND, dst, c.buf.data(), first, read_done,
                       write_done)) {
        failed(write_done, "writing", dst, first);
        return error_code::write_bus;
    }
    in_flight.push_back(write_done);
    last_done = std::max(last_done, write_done);
    // The other bursts of a piece go out as trains without waiting in the
    // kernel. Each is issued when the burst-by-burst engine would issue it:
    // when a slot frees (the oldest burst in flight is written) and not
    // before the burst before it; a train holds the bursts whose slots free
    // at known times, so one or more per round of max_outstanding.
    const uint64_t bursts = (n + burst - 1) / burst;
    sc_time issue = sc_time_stamp();
    burst_train train;
    train.burst_bytes = burst;
    for (uint64_t j = 1; j < bursts;) {
        train.at.clear();
        const uint64_t from = j;
        for (std::size_t pending = 0; j < bursts; ++j, ++pending) {
            if (in_flight.size() + pending >= m_cfg.max_outstanding) {
                if (in_flight.empty())
                    break;  // the slot frees when a burst of this train is written
                issue = std::max(issue, in_flight.front());
                in_flight.pop_front();
            }
            train.at.push_back(issue);
        }
        const uint64_t off = from * burst;
        const unsigned bytes = static_cast<unsigned>(std::min<uint64_t>(n, j * burst) - off);
        if (!bus_access_at(tlm::TLM_READ_COMMAND, src + off, c.buf.data() + off, bytes,
                           train.at.front(), read_done, &train)) {
            failed(read_done, "reading", src + off, bytes);
            return error_code::read_bus;
        }
        // Each burst is written when it has been read.
        if (!bus_access_at(tlm::TLM_WRITE_COMMAND, dst + off, c.buf.data() + off, bytes,
                           train.at.front(), write_done, &train)) {
            failed(write_done, "writing", dst + off, bytes);
            return error_code::write_bus;
        }
        in_flight.insert(in_flight.end(), train.at.begin(), train.at.end());
        last_done = std::max(last_done, write_done);
    }
    c.bytes += n;
    m_bytes_moved += n;
    m_bursts += bursts;
    m_energy.add_dynamic(n * m_cfg.energy_pj_per_byte * 1e-12);
    // The engine is where it would be after issuing the last burst.
    if (issue > sc_time_stamp())
        wait(issue - sc_time_stamp());
    return error_code::none;
}

error_code dma::run_list(unsigned ch, uint64_t gen) {
    channel& c = *m_ch[ch];
    uint64_t addr = c.desc_addr;
    if (addr == 0) {
        fail(ch, "descriptor list starts at address 0");
        return error_code::bad_descriptor;
    }
    unsigned char raw[descriptor_bytes];
    for (uint32_t n = 0; addr != 0; ++n) {
        if (n >= m_cfg.max_descriptors) {
            fail(ch, "descriptor list longer than " + std::to_string(m_cfg.max_descriptors) +
                         " descriptors (a loop?)");
            return error_code::desc_limit;
        }
        std::ostringstream where;
        where << "descriptor at 0x" << std::hex << addr;
        if (addr % descriptor_align != 0) {
            fail(ch, where.str() + " is not 8-byte aligned");
            return error_code::bad_descriptor;
        }
        if (!wait_clocked(ch, gen) || c.abort_req)
            return error_code::aborted;
        set(ch, CUR_DESC_LO, static_cast<uint32_t>(addr));
        set(ch, CUR_DESC_HI, static_cast<uint32_t>(addr >> 32));
        if (!bus_access(tlm::TLM_READ_COMMAND, addr, raw, descriptor_bytes)) {
            if (alive(ch, gen))
                fail(ch, "bus error fetching the " + where.str());
            return error_code::desc_fetch;
        }
        if (!alive(ch, gen))
            return error_code::aborted;
        ++m_descriptors;
        m_energy.add_dynamic(descriptor_bytes * m_cfg.energy_pj_per_byte * 1e-12);
        wait(m_clk.cycles(m_cfg.descriptor_fetch_cycles));
        if (!alive(ch, gen))
            return error_code::aborted;
        const descriptor d = decode(raw);
        if ((d.flags & ~desc_flags_known) != 0 || d.reserved != 0) {
            fail(ch, where.str() + " has reserved bits set");
            return error_code::bad_descriptor;
        }
        const geometry g{d.src,         d.dst,    d.len,         d.count1,     d.src_stride1,
                         d.dst_stride1, d.count2, d.src_stride2, d.dst_stride2};
        error_code err = check_geometry(ch, g);
        if (err == error_code::none)
            err = transfer(ch, gen, g);
        if (err != error_code::none)
            return err;
        set(ch, DESC_DONE, n + 1);
        if (d.flags & desc_flag_irq)
            latch_irq(irq_done_bit(ch));
        addr = d.next;
    }
    return error_code::none;
}

}  // namespace nnvp
