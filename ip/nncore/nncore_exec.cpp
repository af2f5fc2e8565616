// The NN core's command processor: header and checksum pass, command fetch
// in bursts, LOAD/STORE through the DMA engine, BARRIER, compute commands
// (functional arithmetic and fold-model timing), counters and records.
#include <algorithm>
#include <cstring>
#include <sstream>

#include "arch/regs/dma_regs.h"
#include "ip/nncore/nncore.h"
#include "nn/kernels/kernels.h"
#include "nn/tensor/tensor_pack.h"

namespace nnvp::nncore {

using namespace sc_core;
using nncore_cmd::command;
using nncore_cmd::opcode;
using nncore_regs::error_code;

namespace {

// The one place the functional arithmetic is called (bit-exact with
// ref::execute; see nn/kernels/kernels.h).
nn::tensor run_layer(const ref::layer& l, const nn::tensor& in, const nn::tensor* second,
                     const nn::tensor* bias, const nn::tensor* partials,
                     const kernels::options& opt) {
    return kernels::execute(l, in, second, bias, opt, partials);
}

uint64_t move_bytes(const nncore_cmd::move_cmd& m) {
    return uint64_t{m.len} * std::max<uint32_t>(m.count1, 1) * std::max<uint32_t>(m.count2, 1);
}

}  // namespace

core::outcome core::error(error_code code, uint32_t cmd, const std::string& what) {
    std::ostringstream msg;
    msg << nncore_cmd::to_string(code);
    if (cmd != nncore_regs::no_command)
        msg << " at command " << cmd;
    msg << ": " << what;
    warn(msg.str());
    return {code, cmd, false};
}

// Bus accesses of the core are blocking and not decoupled: each waits out
// its delay before the next.
bool core::bus_read(uint64_t addr, void* data, unsigned len) {
    sc_time delay = SC_ZERO_TIME;
    const bool ok = bus_access(initiator, tlm::TLM_READ_COMMAND, addr, data, len, delay).ok();
    wait(delay);
    return ok;
}

bool core::bus_write32(uint64_t addr, uint32_t value) {
    sc_time delay = SC_ZERO_TIME;
    const bool ok = bus_access(initiator, tlm::TLM_WRITE_COMMAND, addr, &value, 4, delay).ok();
    wait(delay);
    return ok;
}

// Holds the processor at a command boundary while the clock is gated or off.
void core::wait_clocked() {
    while (!m_clk.clocked())
        wait(m_clk.changed_event());
}

void core::processor_thread() {
    using namespace nncore_regs;
    for (;;) {
        // A doorbell rung while a reset stream was still unwinding is pending.
        if (!m_pending)
            wait(m_start_ev);
        m_pending = false;
        const uint64_t gen = m_gen;
        const sc_time start = sc_time_stamp();
        uint32_t executed = 0;
        // Utilisation telemetry: the domain is busy for the whole stream,
        // counted live so a governor sampling mid-stream sees it.
        m_clk.begin_activity();
        const outcome out = run_stream(gen, executed);
        m_clk.end_activity();
        if (gen != m_gen)
            continue;  // reset while running: the stream is dropped silently
        m_busy = false;
        m_outstanding.clear();
        m_expansions.clear();
        const bool ok = out.code == error_code::none;
        m_regs.set(STATUS, STATUS_DONE.make(ok) | STATUS_ERROR.make(!ok));
        m_regs.set(ERROR_CODE, static_cast<uint32_t>(out.code));
        m_regs.set(ERROR_CMD, ok ? 0 : out.cmd);
        m_regs.set(IRQ_STATUS,
                   m_regs.get(IRQ_STATUS) | (ok ? IRQ_DONE.make(1) : IRQ_ERROR.make(1)));
        update_irq();
        const stream_record rec{start, sc_time_stamp(), executed, out.code, ok ? 0 : out.cmd};
        for (auto& obs : m_stream_observers)
            obs(rec);
    }
}

core::outcome core::run_stream(uint64_t gen, uint32_t& executed) {
    using nncore_cmd::header_bytes;
    m_outstanding.clear();
    m_expansions.clear();
    m_burst.clear();
    if (m_run.sparsity > 2)
        return error(error_code::bad_field, nncore_regs::no_command, "MODE.sparsity 3 is reserved");
    if (m_run.base % 8 != 0 || m_run.bytes < header_bytes)
        return error(error_code::bad_header, nncore_regs::no_command,
                     "CMD_BASE must be 8-byte aligned and CMD_BYTES >= 32");
    wait_clocked();
    nncore_cmd::stream_header h;
    if (!bus_read(m_run.base, &h, header_bytes))
        return error(error_code::bus_error, nncore_regs::no_command,
                     "bus error reading the stream header");
    std::ostringstream bad;
    if (h.magic != nncore_cmd::magic)
        bad << "magic 0x" << std::hex << h.magic;
    else if (h.version != nncore_cmd::version)
        bad << "version " << h.version;
    else if (h.header_size != header_bytes || h.command_size != nncore_cmd::command_bytes)
        bad << "header_size " << h.header_size << " / command_size " << h.command_size;
    else if (h.command_count > m_cfg.max_commands)
        bad << h.command_count << " commands, more than max_commands " << m_cfg.max_commands;
    else if (header_bytes + uint64_t{h.command_count} * nncore_cmd::command_bytes > m_run.bytes)
        bad << h.command_count << " commands do not fit in CMD_BYTES " << m_run.bytes;
    if (!bad.str().empty())
        return error(error_code::bad_header, nncore_regs::no_command, bad.str());

    // Pass 1: the checksum over the whole stream, before anything runs.
    const uint32_t burst = m_cfg.cmd_fetch_burst;
    m_burst.resize(burst);
    const uint64_t first_cmd = m_run.base + header_bytes;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < h.command_count; i += burst) {
        const uint32_t n = std::min(burst, h.command_count - i);
        if (!bus_read(first_cmd + uint64_t{i} * nncore_cmd::command_bytes, m_burst.data(),
                      n * static_cast<unsigned>(nncore_cmd::command_bytes)))
            return error(error_code::bus_error, i, "bus error fetching commands");
        sum += nncore_cmd::checksum(m_burst.data(), n);
        if (gen != m_gen)
            return {};
    }
    if (sum != h.checksum) {
        bad << "checksum 0x" << std::hex << sum << ", header says 0x" << h.checksum;
        return error(error_code::bad_header, nncore_regs::no_command, bad.str());
    }

    // Pass 2: fetch in bursts and execute.
    for (uint32_t i = 0; i < h.command_count; ++i) {
        if (i % burst == 0) {
            const uint32_t n = std::min(burst, h.command_count - i);
            if (!bus_read(first_cmd + uint64_t{i} * nncore_cmd::command_bytes, m_burst.data(),
                          n * static_cast<unsigned>(nncore_cmd::command_bytes)))
                return error(error_code::bus_error, i, "bus error fetching commands");
        }
        wait_clocked();
        if (gen != m_gen)
            return {};
        command_record rec;
        rec.index = i;
        rec.start = sc_time_stamp();
        const command& c = m_burst[i % burst];
        outcome out = execute(i, c, rec);
        if (gen != m_gen)
            return {};
        if (out.code != error_code::none)
            return out;
        rec.op = c.op;
        rec.name = std::string(to_string(c.op)) + "#" + std::to_string(i);
        rec.end = sc_time_stamp();
        count(nncore_regs::counter::stall_cycles, rec.stall_cycles);
        ++executed;
        m_regs.set(nncore_regs::CMDS_DONE, executed);
        for (auto& obs : m_cmd_observers)
            obs(rec);
        if (out.ended)
            return {};
    }
    return error(error_code::no_end, h.command_count,
                 "the stream's " + std::to_string(h.command_count) + " commands hold no END");
}

core::outcome core::execute(uint32_t index, const command& c, command_record& rec) {
    const nncore_cmd::check_result chk = nncore_cmd::check_common(c);
    if (!chk.ok())
        return error(chk.code, index, chk.what);
    switch (c.op) {
        case opcode::end: {
            outcome out = wait_transfers(0xffff, rec);
            out.ended = out.code == error_code::none;
            return out;
        }
        case opcode::barrier:
            return wait_transfers(c.barrier_mask, rec);
        case opcode::load:
        case opcode::store:
            return execute_move(index, c, rec);
        case opcode::load_compressed:
            return execute_compressed(index, c, rec);
        default:
            return execute_compute(index, c, rec);
    }
}

// --- data movement ------------------------------------------------------------------

// Retires every transfer whose channel has finished; the first failed one is
// the dma_error of the command that started it.
core::outcome core::retire() {
    for (auto it = m_outstanding.begin(); it != m_outstanding.end();) {
        if (dma_channels->channel_busy(it->channel)) {
            ++it;
            continue;
        }
        const uint32_t e = dma_channels->channel_error(it->channel);
        if (e != regs::value(dma_regs::error_code::none))
            return error(error_code::dma_error, it->cmd_index,
                         "DMA channel " + std::to_string(it->channel) + " ended with error code " +
                             std::to_string(e));
        it = m_outstanding.erase(it);
    }
    return {};
}

// Waits for the next completion on any channel in `channel_mask`; the time
// is stall time (no compute runs while the processor waits).
void core::wait_any_done(uint32_t channel_mask, command_record& rec) {
    sc_event_or_list any;
    for (unsigned ch = 0; ch < dma_regs::max_channels; ++ch)
        if (channel_mask & (1u << ch))
            any |= dma_channels->channel_done_event(ch);
    const sc_time t0 = sc_time_stamp();
    wait(any);
    rec.stall_cycles += m_clk.cycles_in(sc_time_stamp() - t0);
}

core::outcome core::wait_transfers(uint16_t mask, command_record& rec) {
    for (;;) {
        outcome out = retire();
        if (out.code != error_code::none)
            return out;
        uint32_t waiting = 0;
        for (const transfer& t : m_outstanding)
            if (mask & (1u << t.tag))
                waiting |= 1u << t.channel;
        if (waiting == 0)
            return expand_blobs(mask, rec);
        wait_any_done(waiting, rec);
    }
}

core::outcome core::execute_move(uint32_t index, const command& c, command_record& rec) {
    const nncore_cmd::check_result chk = nncore_cmd::check_move(c, m_local.size());
    if (!chk.ok())
        return error(chk.code, index, chk.what);
    return start_transfer(index, c.tag, c.move, c.op == opcode::load, rec);
}

core::outcome core::execute_compressed(uint32_t index, const command& c, command_record& rec) {
    nncore_cmd::blob_shape shape;
    const nncore_cmd::check_result chk = nncore_cmd::check_compressed(c, m_local.size(), shape);
    if (!chk.ok())
        return error(chk.code, index, chk.what);
    const nncore_cmd::compressed_cmd& z = c.compressed;
    outcome out = start_transfer(index, c.tag, z.blob, true, rec);
    if (out.code == error_code::none)
        m_expansions.push_back(
            {c.tag, index, z.blob.local_offset, z.blob.len, z.dest_offset, shape});
    return out;
}

core::outcome core::expand_blobs(uint16_t mask, command_record& rec) {
    const uint64_t gen = m_gen;
    for (auto it = m_expansions.begin(); it != m_expansions.end();) {
        if (!(mask & (1u << it->tag))) {
            ++it;
            continue;
        }
        const expansion e = *it;
        it = m_expansions.erase(it);
        // Staging and destination are inside the local memory and apart
        // (check_compressed); the blob is checked and expanded as it lies
        // now, and lands in the destination when the expansion time is over.
        std::vector<uint8_t> dense(e.shape.dense_bytes());
        const nncore_cmd::codec_result r =
            nncore_cmd::expand(m_local.data() + e.staging, e.len, e.shape, dense.data());
        if (!r.ok)
            return error(error_code::bad_compressed, e.cmd_index, r.what);
        const uint64_t epc = m_cfg.decompress_elements_per_cycle;
        const uint64_t cycles = (uint64_t{e.shape.elements} + epc - 1) / epc;
        wait(m_clk.cycles(cycles));
        if (gen != m_gen)
            return {};  // reset while expanding: the stream is dropped
        std::copy(dense.begin(), dense.end(), m_local.begin() + e.dest);
        rec.stall_cycles += cycles;
        rec.decompress_cycles += cycles;
        count(nncore_regs::counter::decompress_cycles, cycles);
        // The blob read from staging, the dense bytes written to their
        // buffer, and the decompressor's logic per dense byte.
        cost::energy_split parts = buffer_energy(e.staging, e.len);
        parts += buffer_energy(e.dest, e.shape.dense_bytes());
        const double logic_j = static_cast<double>(e.shape.dense_bytes()) *
                               m_cfg.decompress_pj_per_byte * m_cfg.core.energy_scale() * 1e-12;
        rec.energy_j += charge(parts, logic_j);
    }
    return {};
}

core::outcome core::start_transfer(uint32_t index, uint8_t tag, const nncore_cmd::move_cmd& m,
                                   bool load, command_record& rec) {
    using namespace dma_regs;
    const uint32_t usable =
        m_run.channels & ((1u << std::min(dma_channels->channel_count(), max_channels)) - 1u);
    if (usable == 0)
        return error(error_code::dma_error, index,
                     "DMA_CHANNELS selects no channel the DMA engine has");
    // A free channel: retire finished transfers, else wait for one to end.
    unsigned ch = max_channels;
    for (;;) {
        outcome out = retire();
        if (out.code != error_code::none)
            return out;
        for (unsigned i = 0; i < max_channels && ch == max_channels; ++i)
            if ((usable & (1u << i)) && !dma_channels->channel_busy(i))
                ch = i;
        if (ch != max_channels)
            break;
        wait_any_done(usable, rec);
    }
    const uint64_t local = m_buffer_base + m.local_offset;
    const uint64_t src = load ? m.dram_addr : local;
    const uint64_t dst = load ? local : m.dram_addr;
    const std::pair<reg_def, uint32_t> writes[] = {
        {SRC_LO, static_cast<uint32_t>(src)},
        {SRC_HI, static_cast<uint32_t>(src >> 32)},
        {DST_LO, static_cast<uint32_t>(dst)},
        {DST_HI, static_cast<uint32_t>(dst >> 32)},
        {LEN, m.len},
        {COUNT1, m.count1},
        {SRC_STRIDE1, load ? m.dram_stride1 : m.local_stride1},
        {DST_STRIDE1, load ? m.local_stride1 : m.dram_stride1},
        {COUNT2, m.count2},
        {SRC_STRIDE2, load ? m.dram_stride2 : m.local_stride2},
        {DST_STRIDE2, load ? m.local_stride2 : m.dram_stride2},
        {CTRL, CTRL_START.make(1)}};  // no interrupt: the core watches the sideband
    for (const auto& [reg, value] : writes)
        if (!bus_write32(m_dma_base + channel_reg(reg, ch).offset, value))
            return error(error_code::dma_error, index,
                         std::string("bus error programming DMA register ") + reg.name);
    m_outstanding.push_back({tag, ch, index});
    const uint64_t bytes = move_bytes(m);
    if (load) {
        rec.dram_read_bytes = bytes;
        count(nncore_regs::counter::bytes_read, bytes);
    } else {
        rec.dram_write_bytes = bytes;
        count(nncore_regs::counter::bytes_written, bytes);
    }
    return {};
}

// --- compute ----------------------------------------------------------------------

nn::tensor core::local_tensor(nncore_cmd::span at, nn::dtype t, nn::shape4 s) const {
    return nn::unpack(t, s, m_local.data() + at.offset, at.bytes);
}

core::outcome core::execute_compute(uint32_t index, const command& c, command_record& rec) {
    nncore_cmd::compute_plan plan;
    const nncore_cmd::check_result chk = nncore_cmd::check_compute(c, m_local.size(), plan);
    if (!chk.ok())
        return error(chk.code, index, chk.what);
    const ref::layer l = nncore_cmd::decode_layer(c, plan, m_local.data() + plan.table.offset);
    cost::sparsity sp;
    sp.kind = static_cast<cost::sparsity::mode>(m_run.sparsity);
    nn::tensor out;
    if (!m_run.timing) {
        try {
            const nn::tensor in = local_tensor(plan.in, plan.in_type, plan.in_shape);
            nn::tensor second, bias;
            if (plan.has_weights)
                second = local_tensor(plan.weights, plan.w_type, plan.w_shape);
            else if (plan.has_second)
                second = local_tensor(plan.in2, plan.in2_type, plan.in2_shape);
            if (plan.bias.bytes > 0)
                bias = local_tensor(plan.bias, plan.bias_type,
                                   {1, 1, 1, c.compute.out_channels});
            // Hardware zero gating needs the measured activation density too.
            if (sp.kind != cost::sparsity::none || m_cfg.core.zero_gating) {
                const int32_t zp = l.binary_input ? 0 : l.in_q.zero_point;
                sp.activation_density = 1.0 - nn::zero_fraction(in, zp);
                if (plan.has_weights)
                    sp.weight_density = 1.0 - nn::zero_fraction(second, 0);
            }
            // Partial sums are read whole before the output is written (they may share bytes).
            nn::tensor partials;
            if (plan.partials.bytes > 0)
                partials = local_tensor(plan.partials, plan.partials_type, plan.out_shape);
            out = run_layer(l, in, plan.has_weights || plan.has_second ? &second : nullptr,
                            plan.bias.bytes > 0 ? &bias : nullptr,
                            plan.partials.bytes > 0 ? &partials : nullptr,
                            kernels::options{m_cfg.kernel_threads, m_stop});
        } catch (const kernels::interrupted&) {
            m_interrupted = true;
        } catch (const std::exception& e) {
            return error(error_code::bad_field, index, e.what());
        }
        if (m_interrupted) {
            // Not the guest's doing: the simulation ends here, the command
            // unfinished. (Waited outside the handler: a thread must not
            // switch away while an exception is being handled.)
            sc_stop();
            wait(m_never);
        }
    } else {
        sp.weight_density = m_run.weight_density;
        sp.activation_density = m_run.act_density;
    }
    cost::layer_cost lc;
    try {
        lc = cost::of_layer(l, plan.in_shape, static_cast<cost::dataflow>(c.df), m_cfg.core, sp);
    } catch (const std::exception& e) {
        return error(error_code::bad_field, index, e.what());
    }
    // Cycles at the clock of the command's start (DVFS acts at the next command).
    wait(m_clk.cycles(lc.compute_cycles));
    if (!m_run.timing)
        nn::pack_into(out, m_local.data() + plan.out.offset);

    rec.energy_j = charge(lc.energy, 0.0);
    rec.prec = l.prec;
    rec.flow = lc.flow;
    rec.macs = lc.macs;
    rec.zero_skipped_macs = lc.zero_skipped_macs;
    rec.gated_macs = lc.gated_macs;
    rec.compute_cycles = lc.compute_cycles;
    rec.sram_read_bytes = lc.bytes.input_read + lc.bytes.weight_read + lc.bytes.output_read;
    rec.sram_write_bytes = lc.bytes.output_write;
    rec.utilization = lc.utilization;
    const uint64_t issued = lc.macs - std::min(lc.macs, lc.zero_skipped_macs);
    count(nncore_regs::counter::busy_cycles, lc.compute_cycles);
    count(nncore_regs::counter::macs, issued);
    count(nncore_regs::counter::macs_skipped, lc.zero_skipped_macs);
    count(static_cast<nncore_regs::counter>(static_cast<uint32_t>(nncore_regs::counter::macs_fp32) +
                                            static_cast<uint32_t>(l.prec)),
          issued);
    return {};
}

}  // namespace nnvp::nncore
