#include "firmware/drivers/nncore/nncore_driver.h"

namespace nnvp::fw {

using namespace nncore_regs;

const char* to_string(nncore_result r) {
    switch (r) {
        case nncore_result::ok:
            return "ok";
        case nncore_result::bus_error:
            return "bus error";
        case nncore_result::no_device:
            return "no NN core at this address";
        case nncore_result::bad_version:
            return "unsupported command-stream version";
        case nncore_result::bad_argument:
            return "bad argument";
        case nncore_result::busy:
            return "NN core busy";
        case nncore_result::timeout:
            return "timeout";
        case nncore_result::command_error:
            return "command error";
    }
    return "?";
}

const char* to_string(nncore_error_code e) {
    switch (e) {
        case nncore_error_code::none:
            return "none";
        case nncore_error_code::bad_header:
            return "bad stream header";
        case nncore_error_code::unknown_opcode:
            return "unknown opcode";
        case nncore_error_code::bad_dims:
            return "bad dimensions";
        case nncore_error_code::buffer_overrun:
            return "local buffer overrun";
        case nncore_error_code::bus_error:
            return "bus error fetching a command";
        case nncore_error_code::dma_error:
            return "DMA transfer error";
        case nncore_error_code::no_end:
            return "stream without END";
        case nncore_error_code::unsupported:
            return "unsupported precision or op";
        case nncore_error_code::bad_field:
            return "bad field";
        case nncore_error_code::bad_compressed:
            return "bad compressed weights";
    }
    return "unknown";
}

nncore_driver::nncore_driver(hal& h, uint64_t base) : m_hal(h), m_base(base) {}

nncore_result nncore_driver::write(const reg_def& r, uint32_t value) {
    return m_hal.write32(addr(r), value) == bus_status::ok ? nncore_result::ok
                                                           : nncore_result::bus_error;
}

nncore_result nncore_driver::read(const reg_def& r, uint32_t& value) {
    return m_hal.read32(addr(r), value) == bus_status::ok ? nncore_result::ok
                                                          : nncore_result::bus_error;
}

nncore_result nncore_driver::probe() {
    nncore_info info;
    if (read(ID, info.id) != nncore_result::ok)
        return nncore_result::bus_error;
    if (info.id != id_value)
        return nncore_result::no_device;
    uint32_t array = 0;
    if (read(ARRAY, array) != nncore_result::ok ||
        read(PRECISIONS, info.precisions) != nncore_result::ok ||
        read(INPUT_KB, info.input_kb) != nncore_result::ok ||
        read(WEIGHT_KB, info.weight_kb) != nncore_result::ok ||
        read(OUTPUT_KB, info.output_kb) != nncore_result::ok ||
        read(CMD_VERSION, info.cmd_version) != nncore_result::ok)
        return nncore_result::bus_error;
    info.rows = static_cast<uint16_t>(ARRAY_ROWS.get(array));
    info.cols = static_cast<uint16_t>(ARRAY_COLS.get(array));
    m_info = info;
    if (info.cmd_version != nncore_cmd::version)
        return nncore_result::bad_version;
    const uint32_t all = IRQ_DONE.mask() | IRQ_ERROR.mask();
    if (write(IRQ_STATUS, all) != nncore_result::ok)
        return nncore_result::bus_error;
    return write(IRQ_ENABLE, all);
}

nncore_result nncore_driver::configure(const nncore_settings& s) {
    if (s.weight_density > nncore_settings::density_one ||
        s.act_density > nncore_settings::density_one ||
        static_cast<unsigned>(s.sparsity) > static_cast<unsigned>(nncore_sparsity::skip) ||
        static_cast<unsigned>(s.mode) > static_cast<unsigned>(nncore_run_mode::timing) ||
        s.dma_channels == 0 || (s.dma_channels & ~DMA_CHANNELS.write_mask) != 0)
        return nncore_result::bad_argument;
    uint32_t status = 0;
    if (read(STATUS, status) != nncore_result::ok)
        return nncore_result::bus_error;
    if (STATUS_BUSY.get(status))
        return nncore_result::busy;
    const uint32_t mode = MODE_TIMING.make(static_cast<uint32_t>(s.mode)) |
                          MODE_SPARSITY.make(static_cast<uint32_t>(s.sparsity));
    if (write(MODE, mode) != nncore_result::ok ||
        write(WEIGHT_DENSITY, s.weight_density) != nncore_result::ok ||
        write(ACT_DENSITY, s.act_density) != nncore_result::ok)
        return nncore_result::bus_error;
    return write(DMA_CHANNELS, s.dma_channels);
}

nncore_result nncore_driver::submit(uint64_t stream_addr, uint32_t bytes) {
    if (stream_addr % 8 != 0 || bytes < nncore_cmd::header_bytes + nncore_cmd::command_bytes ||
        (bytes - nncore_cmd::header_bytes) % nncore_cmd::command_bytes != 0)
        return nncore_result::bad_argument;
    uint32_t status = 0;
    if (read(STATUS, status) != nncore_result::ok)
        return nncore_result::bus_error;
    if (STATUS_BUSY.get(status))
        return nncore_result::busy;
    // Forget the previous stream before the doorbell: its latched interrupt
    // must not end the next wait().
    m_error = nncore_error{};
    m_done_irqs = m_error_irqs = 0;
    if (write(IRQ_STATUS, IRQ_DONE.mask() | IRQ_ERROR.mask()) != nncore_result::ok ||
        write(CMD_BASE_LO, static_cast<uint32_t>(stream_addr)) != nncore_result::ok ||
        write(CMD_BASE_HI, static_cast<uint32_t>(stream_addr >> 32)) != nncore_result::ok ||
        write(CMD_BYTES, bytes) != nncore_result::ok)
        return nncore_result::bus_error;
    return write(DOORBELL, DOORBELL_RING.make(1));
}

nncore_result nncore_driver::read_error(nncore_error& out) {
    uint32_t code = 0, cmd = 0;
    if (read(ERROR_CODE, code) != nncore_result::ok || read(ERROR_CMD, cmd) != nncore_result::ok)
        return nncore_result::bus_error;
    out.code = static_cast<nncore_error_code>(code);
    out.command = cmd;
    return nncore_result::ok;
}

nncore_result nncore_driver::check(bool& finished, bool& failed) {
    uint32_t status = 0;
    if (read(STATUS, status) != nncore_result::ok)
        return nncore_result::bus_error;
    finished = STATUS_BUSY.get(status) == 0;
    failed = finished && STATUS_ERROR.get(status) != 0;
    if (failed)
        return read_error(m_error);
    return nncore_result::ok;
}

nncore_result nncore_driver::wait(uint64_t timeout_ns) {
    const uint64_t deadline = m_hal.now_ns() + timeout_ns;
    for (;;) {
        bool finished = false, failed = false;
        if (nncore_result r = check(finished, failed); r != nncore_result::ok)
            return r;
        if (finished)
            return failed ? nncore_result::command_error : nncore_result::ok;
        // Other devices' interrupts wake us too; STATUS above tells whether
        // the core has finished. wait_irq returns at once for an interrupt
        // taken since its previous call, so none is lost between the two.
        const uint64_t now = m_hal.now_ns();
        if (timeout_ns != 0 && now >= deadline)
            return nncore_result::timeout;
        m_hal.wait_irq(timeout_ns == 0 ? 0 : deadline - now);
    }
}

nncore_result nncore_driver::poll(uint64_t timeout_ns, uint64_t interval_ns) {
    const uint64_t deadline = m_hal.now_ns() + timeout_ns;
    for (;;) {
        bool finished = false, failed = false;
        if (nncore_result r = check(finished, failed); r != nncore_result::ok)
            return r;
        if (finished)
            return failed ? nncore_result::command_error : nncore_result::ok;
        if (m_hal.now_ns() >= deadline)
            return nncore_result::timeout;
        m_hal.delay_ns(interval_ns == 0 ? 1 : interval_ns);
    }
}

nncore_result nncore_driver::commands_done(uint32_t& out) {
    return read(CMDS_DONE, out);
}

nncore_result nncore_driver::read_counter(counter c, uint64_t& value) {
    if (static_cast<uint32_t>(c) >= static_cast<uint32_t>(counter::count))
        return nncore_result::bad_argument;
    uint32_t lo = 0, hi = 0;
    const uint64_t a = m_base + counter_offset(c);
    if (m_hal.read32(a, lo) != bus_status::ok || m_hal.read32(a + 4, hi) != bus_status::ok)
        return nncore_result::bus_error;
    value = (uint64_t{hi} << 32) | lo;
    return nncore_result::ok;
}

nncore_result nncore_driver::read_counters(counter_values& values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (nncore_result r = read_counter(static_cast<counter>(i), values[i]);
            r != nncore_result::ok)
            return r;
    return nncore_result::ok;
}

nncore_result nncore_driver::clear_counters() {
    return write(COUNTERS_CLEAR, COUNTERS_CLEAR_ALL.make(1));
}

void nncore_driver::on_irq() {
    uint32_t pending = 0;
    if (read(IRQ_STATUS, pending) != nncore_result::ok)
        return;
    pending &= IRQ_DONE.mask() | IRQ_ERROR.mask();
    if (pending == 0)
        return;
    m_hal.write32(addr(IRQ_STATUS), pending);
    if (IRQ_DONE.get(pending))
        ++m_done_irqs;
    if (IRQ_ERROR.get(pending)) {
        ++m_error_irqs;
        read_error(m_error);
    }
}

}  // namespace nnvp::fw
