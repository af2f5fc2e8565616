// Firmware driver of the NN core. Built on the HAL and the block's register
// and command-stream headers only; returns status codes, owns no timing
// (waiting is the HAL's wait_irq / delay_ns).
//
// Typical use:
//   nncore_driver nn(hal, map.at("nncore").base);
//   nn.probe();                                     // ID, sizes, CMD_VERSION, IRQs on
//   intc.attach(irq, [&] { nn.on_irq(); });         // or hal.set_irq_handler
//   nn.configure({});                               // functional mode, dense
//   nn.submit(stream_addr, stream_bytes);
//   if (nn.wait(10'000'000) == nncore_result::command_error)
//       ... nn.error().code, nn.error().command ...
#pragma once

#include <array>
#include <cstdint>

#include "arch/hal/hal.h"
#include "arch/nncore/command.h"
#include "arch/regs/nncore_regs.h"

namespace nnvp::fw {

enum class nncore_result : uint8_t {
    ok = 0,
    bus_error,      // a register access failed
    no_device,      // the ID register does not read as an NN core
    bad_version,    // the core speaks another command-stream version
    bad_argument,   // misaligned / too short stream, density or channel mask out of range
    busy,           // the core is still running a stream
    timeout,        // the stream did not finish in time
    command_error,  // the stream stopped with an error: see error()
};
const char* to_string(nncore_result r);

using nncore_error_code = nncore_regs::error_code;
const char* to_string(nncore_error_code e);

// What the core reported about the failed stream.
struct nncore_error {
    nncore_error_code code = nncore_error_code::none;
    // Index of the offending command (ERROR_CMD); nncore_regs::no_command for
    // errors found before the first command (header, MODE).
    uint32_t command = 0;
};

// Identification registers as probe() read them.
struct nncore_info {
    uint32_t id = 0;
    uint16_t rows = 0;
    uint16_t cols = 0;
    uint32_t precisions = 0;  // bit p: ref::precision p supported
    uint32_t input_kb = 0;
    uint32_t weight_kb = 0;
    uint32_t output_kb = 0;
    uint32_t cmd_version = 0;

    bool supports(ref::precision p) const {
        return (precisions >> static_cast<unsigned>(p)) & 1u;
    }
    // Bytes of the local memory (input, weight and output buffers in that order).
    uint64_t local_bytes() const { return (uint64_t{input_kb} + weight_kb + output_kb) * 1024u; }
};

enum class nncore_run_mode : uint8_t { functional = 0, timing = 1 };
enum class nncore_sparsity : uint8_t { none = 0, gate = 1, skip = 2 };

// MODE, densities (timing mode) and the DMA channels the core may program.
struct nncore_settings {
    nncore_run_mode mode = nncore_run_mode::functional;
    nncore_sparsity sparsity = nncore_sparsity::none;
    uint32_t weight_density = density_one;  // in 1/65536, at most 65536 (dense)
    uint32_t act_density = density_one;
    uint32_t dma_channels = 0x3;  // a bit per channel, at least one

    static constexpr uint32_t density_one = 0x10000;
};

class nncore_driver {
public:
    nncore_driver(hal& h, uint64_t base);

    // Checks ID and CMD_VERSION, reads the identification registers, clears
    // pending interrupts and enables the done and error interrupts.
    nncore_result probe();
    const nncore_info& info() const { return m_info; }

    // Writes MODE, WEIGHT_DENSITY, ACT_DENSITY and DMA_CHANNELS. Refused
    // while a stream runs (busy) and for out-of-range values (bad_argument).
    nncore_result configure(const nncore_settings& s);

    // Starts the stream of `bytes` bytes (header included) at `stream_addr`:
    // clears IRQ_STATUS, writes CMD_BASE_LO/HI and CMD_BYTES, rings DOORBELL.
    // The address must be 8-byte aligned and `bytes` a header plus whole
    // commands. The core validates the stream itself.
    nncore_result submit(uint64_t stream_addr, uint32_t bytes);

    // Sleeps in hal.wait_irq until the stream finished (done or error), using
    // the "check STATUS, then sleep" pattern. timeout_ns == 0: no bound.
    nncore_result wait(uint64_t timeout_ns);
    // The same by reading STATUS every `interval_ns` (no interrupt needed).
    nncore_result poll(uint64_t timeout_ns, uint64_t interval_ns = 1000);

    // The error of the last finished stream, as wait()/poll()/on_irq() read it.
    const nncore_error& error() const { return m_error; }
    // Reads ERROR_CODE and ERROR_CMD now.
    nncore_result read_error(nncore_error& out);
    // CMDS_DONE: commands the core has completed of the current/last stream.
    nncore_result commands_done(uint32_t& out);

    // 64-bit performance counters: LO then HI (reading LO latches HI).
    nncore_result read_counter(nncore_regs::counter c, uint64_t& value);
    using counter_values =
        std::array<uint64_t, static_cast<std::size_t>(nncore_regs::counter::count)>;
    nncore_result read_counters(counter_values& values);
    nncore_result clear_counters();

    // The interrupt handler: reads IRQ_STATUS, clears what it read, records
    // done/error (and the error code). Attach it to the interrupt controller.
    void on_irq();
    uint32_t done_irqs() const { return m_done_irqs; }
    uint32_t error_irqs() const { return m_error_irqs; }

private:
    uint64_t addr(const regs::reg_def& r) const { return m_base + r.offset; }
    nncore_result write(const regs::reg_def& r, uint32_t value);
    nncore_result read(const regs::reg_def& r, uint32_t& value);
    // Reads STATUS; `finished` when the core is not busy. On an error,
    // fetches ERROR_CODE / ERROR_CMD into m_error.
    nncore_result check(bool& finished, bool& failed);

    hal& m_hal;
    uint64_t m_base;
    nncore_info m_info{};
    nncore_error m_error{};
    uint32_t m_done_irqs = 0;
    uint32_t m_error_irqs = 0;
};

}  // namespace nnvp::fw
