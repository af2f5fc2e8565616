// The SoC: builds every block from the platform configuration, wires buses
// and interrupt lines by name from the memory map, boots firmware on the CPU
// and runs the simulation until the firmware halts.
#pragma once

#include "ip/cpu/cpu.h"
#include "ip/dma/dma.h"
#include "ip/interconnect/interconnect.h"
#include "ip/intc/intc.h"
#include "ip/memory/memory.h"
#include "ip/nncore/nncore.h"
#include "ip/power/power_controller.h"
#include "ip/timer/timer.h"
#include "platform/platform_config.h"
#include "platform/residency.h"
#include "platform/timeline.h"

#include <nlohmann/json.hpp>
#include <systemc>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nnvp {

struct run_outcome {
    bool halted = false;        // the firmware returned
    int exit_code = 0;
    bool time_limit = false;    // stopped at the simulated-time limit
    bool starved = false;       // nothing left to happen (firmware waiting forever)
    // When it did not halt: what the CPU was blocked on ("waiting for an
    // interrupt (WFI) since 1.2 ms; ...", "polling dma.STATUS ...") and the
    // blocks still busy.
    std::string blocked_on;
    std::vector<std::string> busy;
    // The firmware threw (cpu::stopped_by) or a model's error ended the
    // simulation ("simulator error: ..."); empty otherwise.
    std::string stopped_by;
    // platform.break_on_warning stopped the run: the first warning's text.
    std::string warning_break;
    bool wall_limit = false;    // stopped at the wall-clock limit (set_wall_limit)
    sc_core::sc_time simulated;
    double wall_s = 0;
};

// One DMA run (for statistics and timelines).
struct dma_run {
    unsigned channel;
    double start_s;
    double end_s;
    uint64_t bytes;
    unsigned error;
};

// "0x1f": addresses and register values in messages and traces.
std::string hex_text(uint64_t v);

class soc : public sc_core::sc_module {
public:
    explicit soc(sc_core::sc_module_name name, const platform_config& cfg);
    ~soc() override;

    // Called between slices of a run, with the chip as it is at that
    // simulated time (the app draws its progress line from it).
    using progress_fn = std::function<void(const soc&)>;

    // Boots `program` on the CPU and simulates until it returns or `limit`.
    // With `progress`, the run goes in slices of simulated time and calls it
    // after each: the same events in the same order, so the same results.
    // Slices start at `first_slice` and double while one takes under 25 ms
    // of wall time, up to 1 ms of simulated time (halve above 100 ms of wall
    // time), so the hook runs a few times a second whatever the speed. SystemC elaborates once per
    // process: call it once.
    run_outcome run(cpu::program_fn program, const sc_core::sc_time& limit,
                    const progress_fn& progress = {},
                    const sc_core::sc_time& first_slice = sc_core::sc_time(10, sc_core::SC_US));

    const platform_config& config() const { return m_cfg; }
    // Power samples kept per signal (trace_power_sample_us; about 48 bytes each).
    static constexpr uint64_t max_power_samples = 2'000'000;
    // Ends run() once `seconds` of wall-clock time have passed (0: never).
    // Checked between slices of at most 1 ms simulated, and by the NN core
    // between chunks of a compute command's output rows (the command is
    // then abandoned: nn_core().interrupted()).
    void set_wall_limit(double seconds) { m_max_wall_s = seconds; }
    // Every SC_REPORT_WARNING of the run passes here (the app's report
    // handler): with platform.break_on_warning the first one stops the
    // simulation, and traps into a debugger when one is attached.
    void on_warning(const std::string& text);
    clock_domain& domain(const std::string& name) const;
    cpu& core() { return *m_cpu; }
    dma& dma_engine() { return *m_dma; }
    interconnect& bus() { return *m_bus; }
    power_controller& power() { return *m_power; }
    const power_controller& power() const { return *m_power; }
    nncore::core& nn_core() { return *m_nncore; }
    // The NN core's compute commands as layer rows, each with the LOAD,
    // STORE and BARRIER costs before it (and the stream's END on the last).
    // By default every row is kept in nn_commands(), with the index of the
    // stream (doorbell) it belonged to in nn_command_streams(). A long run
    // sets a sink before it starts: each finished row goes there with its
    // stream index, and nothing is kept per command.
    using command_sink =
        std::function<void(const nncore::core::command_record&, uint32_t stream)>;
    void sink_commands(command_sink sink) { m_command_sink = std::move(sink); }
    const std::vector<nncore::core::command_record>& nn_commands() const { return m_nn_commands; }
    const std::vector<uint32_t>& nn_command_streams() const { return m_nn_command_streams; }
    // trace.json's name of a compute command of stream `stream`, set before
    // the run by the host that knows the package's layers; unset, the
    // core's own name ("conv2d#6").
    using command_namer = std::function<std::string(uint32_t stream, const std::string& name)>;
    void name_commands(command_namer namer) { m_command_namer = std::move(namer); }
    memory& dram() { return *m_dram; }
    // The first kept_records NN-core streams and DMA runs; the counts cover all.
    static constexpr std::size_t kept_records = 10000;
    const std::vector<nncore::core::stream_record>& nn_streams() const { return m_nn_streams; }
    uint64_t nn_stream_count() const { return m_nn_stream_count; }
    const std::vector<dma_run>& dma_runs() const { return m_dma_runs; }
    uint64_t dma_run_count() const { return m_dma_run_count; }
    const timeline& trace() const { return m_timeline; }
    timeline& trace() { return m_timeline; }
    // What the traces recorded and left out (register and transaction
    // traces, the timeline past trace_max_events, power samples):
    // report.json's trace.
    nlohmann::json trace_notes() const;
    // Total energy of every meter now (J).
    double total_energy_j() const;

    // Statistics for report.json.
    // The DRAM's row-buffer figures (bank model on), else {"model": "fixed"}.
    nlohmann::json dram_stats() const;
    nlohmann::json bus_stats() const;
    nlohmann::json dma_stats() const;
    nlohmann::json cpu_stats() const;
    nlohmann::json power_stats() const;
    // One row per NN-core compute command (DESIGN.md's layers[] contract).
    nlohmann::json layer_rows() const;
    nlohmann::json nncore_stats() const;
    // The NN core's energy by level and action (report power.nncore_by_action):
    // the parts sum to energy_j, the core meter's total.
    nlohmann::json nncore_energy_by_action() const;

private:
    // The register blocks by their memory-map names (diagnosis and traces).
    std::vector<std::pair<const char*, peripheral*>> register_blocks() const;
    // What the CPU was blocked on and which blocks were busy (soc_diagnosis.cpp).
    std::string blocked_on() const;
    std::vector<std::string> busy_blocks() const;
    // sc_start in slices of simulated time (progress between them) up to `limit`.
    void slices(const sc_core::sc_time& limit, const progress_fn& progress,
                const sc_core::sc_time& first_slice);
    // Wiring (soc.cpp).
    void build_blocks();
    void wire_buses();
    void wire_irqs();
    void wire_telemetry();
    void wire_access_traces();  // soc_record.cpp
    void watch_halt();
    // Run recording (soc_record.cpp).
    void record_runs();
    void record_nncore();
    void watch_irqs();
    void sample_power();
    void record_domain(const clock_domain& d);

    platform_config m_cfg;
    std::string m_warning_break;
    double m_max_wall_s = 0;
    bool m_wall_limit_hit = false;
    std::map<std::string, std::unique_ptr<clock_domain>> m_domains;
    std::unique_ptr<interconnect> m_bus;
    std::unique_ptr<cpu> m_cpu;
    std::unique_ptr<memory> m_dram;
    std::unique_ptr<memory> m_sram;
    std::unique_ptr<intc> m_intc;
    std::unique_ptr<timer> m_timer;
    std::unique_ptr<dma> m_dma;
    std::unique_ptr<power_controller> m_power;
    std::unique_ptr<nncore::core> m_nncore;
    std::vector<nncore::core::command_record> m_nn_commands;
    std::vector<nncore::core::stream_record> m_nn_streams;
    uint64_t m_nn_stream_count = 0;
    std::vector<uint32_t> m_nn_command_streams;
    nncore::core::command_record m_nn_pending;  // LOAD/STORE/BARRIER costs not yet attributed
    command_sink m_command_sink;
    command_namer m_command_namer;
    // With a sink: the last row (costs still to come) until the next compute
    // command or the stream's end.
    std::optional<std::pair<nncore::core::command_record, uint32_t>> m_open_row;
    void flush_open_row();
    // Interrupt lines may be driven from register callbacks (the CPU's thread)
    // and from the block's own processes.
    using irq_line = sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>;
    std::map<std::string, std::unique_ptr<irq_line>> m_irq_lines;
    irq_line m_cpu_irq{"cpu_irq"};
    std::vector<dma_run> m_dma_runs;
    uint64_t m_dma_run_count = 0;
    residency_tracker m_residency;
    timeline m_timeline;
    // Register accesses and bus transactions seen; the timeline keeps the
    // first trace_event_limit of each (a long run's would fill the memory).
    uint64_t m_register_events = 0, m_transactions = 0;
    std::map<std::string, double> m_sampled_energy;  // per domain, at the last power sample
    double m_sampled_total = 0;
    uint64_t m_power_samples = 0;
};

}  // namespace nnvp
