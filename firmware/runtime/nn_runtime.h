// The firmware runtime for compiled networks (sw/compiler): loads a package
// from DRAM, validates it, and runs its steps in order: NN-core steps through
// the nncore driver (submit, sleep in wait_irq until the completion or error
// interrupt), CPU steps (layers the compiler put on the CPU, softmax, copies)
// on the CPU with their cost annotated through the CPU cost model. HAL,
// drivers and sw libraries only; no SystemC.
//
// Typical use (after board bring-up: intc initialised and installed):
//   nn_runtime rt(hal, intc, core, cpu_cost_model{});
//   rt.init();                       // probe the core, attach its interrupt
//   if (rt.load(package_addr) != runtime_status::ok) ... rt.load_error() ...
//   rt.write_input(x);
//   run_summary s;
//   rt.run(s);                       // s.steps[i].start_ns / end_ns, totals
//   rt.read_output(y);
// Every failure is logged through hal.log with the step and the reason; the
// runtime never waits without a bound (runtime_options::core_timeout_ns).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "firmware/drivers/intc/intc_driver.h"
#include "firmware/drivers/nncore/nncore_driver.h"
#include "firmware/drivers/power/power_driver.h"
#include "arch/hal/hal.h"
#include "firmware/runtime/cpu_cost_model.h"
#include "firmware/runtime/package_bytes.h"
#include "arch/package/validator.h"
#include "nn/cpuops/cpu_op.h"
#include "nn/tensor/tensor.h"

namespace nnvp::fw {

enum class runtime_status : uint8_t {
    ok = 0,
    bus_error,        // reading or writing memory failed
    invalid_package,  // load(): validation failed, see load_error()
    not_loaded,       // run() / write_input() without a valid package
    bad_argument,     // a tensor that does not match the package's input/output
    device_error,     // init(): the NN core or the interrupt controller refused
    core_error,       // an NN-core step stopped with an error interrupt
    core_timeout,     // an NN-core step did not finish in core_timeout_ns
    cpu_error,        // a CPU step could not be computed
};
const char* to_string(runtime_status s);

struct runtime_options {
    uint64_t core_timeout_ns = 1'000'000'000;  // per core step (simulated), 0: unbounded
    uint32_t max_package_bytes = 1u << 30;     // larger packages are rejected (bad_size)
    bool log_steps = true;  // a console line per step and per run (false: errors only)
};

struct step_result {
    unsigned index = 0;
    package::step_kind kind = package::step_kind::core;
    std::string name;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    uint64_t cpu_cycles = 0;  // cost-model cycles annotated (CPU steps)

    bool on_core() const { return kind == package::step_kind::core; }
    uint64_t ns() const { return end_ns - start_ns; }
};

struct run_summary {
    runtime_status status = runtime_status::ok;
    std::vector<step_result> steps;  // the steps that ran (the failed one last)
    unsigned core_steps = 0, cpu_steps = 0;
    uint64_t core_ns = 0, cpu_ns = 0, total_ns = 0;
    uint64_t cpu_cycles = 0;  // sum of the CPU steps' cycles
    // When a step failed: its index, the core's error (core_error) and why.
    int failed_step = -1;
    nncore_error core_error;
    std::string message;
};

// Given to the step hook before and after every step (the step boundaries
// are the layer boundaries: per-layer DVFS decides there).
struct step_event {
    unsigned index = 0;
    package::step_kind kind = package::step_kind::core;
    bool before = true;  // false: the step just ended (ok or not)
    bool on_core() const { return kind == package::step_kind::core; }
};

class nn_runtime {
public:
    nn_runtime(hal& h, intc_driver& intc, nncore_driver& core, const cpu_cost_model& cost,
               const runtime_options& opt = {});

    // Probes the core, attaches its interrupt handler to the interrupt
    // controller (source from the memory map's "nncore" region), enables the
    // source and writes `settings`.
    runtime_status init(const nncore_settings& settings = {});

    // Reads the package header at `package_addr`, then the whole package,
    // annotates the checksum work (cost model) and validates it against the
    // memory map's DRAM. A rejected package leaves the runtime unloaded.
    runtime_status load(uint64_t package_addr);
    bool loaded() const { return m_loaded; }
    const package::validation& load_error() const { return m_load_error; }
    const package::package_view& view() const { return m_view; }
    uint64_t validation_cycles() const { return m_validation_cycles; }

    // The network input / output tensors (type and shape must match).
    runtime_status write_input(const nn::tensor& t);
    // Input k of a network with several (tensors of role input, in order).
    runtime_status write_input(std::size_t k, const nn::tensor& t);
    std::vector<uint16_t> inputs() const;
    runtime_status read_output(nn::tensor& t);

    runtime_status run(run_summary& out);

    // Called around every step of run() (power management hooks).
    void on_step(std::function<void(const step_event&)> hook) { m_step_hook = std::move(hook); }
    // Power loss: run() compares the domain's CONTEXT_LOST counter with the
    // value it saw last; when it changed the core was OFF (registers reset,
    // local buffers lost) and run() re-initialises it (probe + settings)
    // before the first step. The steps reload their constants anyway.
    void watch_power_loss(power_driver& power, unsigned domain);
    uint64_t reinits() const { return m_reinits; }

private:
    runtime_status restore_after_power_loss();
    runtime_status fail(run_summary& out, runtime_status s, int step, const std::string& why);
    runtime_status run_core(const package::step_record& s, run_summary& out, int index);
    runtime_status run_cpu(const package::step_record& s, step_result& r, std::string& why);
    // cpu_op_step.cpp: a CPU op, and the rows of a gather's table it reads.
    runtime_status run_cpu_op(const package::step_record& s, step_result& r, std::string& why);
    runtime_status time_cpu_op(const cpuops::encoded& e, const package::step_record& s,
                               const cpuops::work& cost, step_result& r, std::string& why);
    bool read_gathered_rows(const cpuops::encoded& e, std::vector<nn::tensor>& values,
                            std::vector<cpuops::tensor_info>& infos);
    // A CPU step's end: its cycles annotated, its output written.
    runtime_status store_cpu_output(const package::step_record& s, const step_result& r,
                                    const nn::tensor& out, std::string& why);
    bus_status read_image(uint64_t addr, uint64_t size);
    runtime_status read_tensor(uint16_t index, nn::tensor& t);
    runtime_status write_tensor(uint16_t index, const nn::tensor& t);

    hal& m_hal;
    intc_driver& m_intc;
    nncore_driver& m_core;
    cpu_cost_model m_cost;
    runtime_options m_opt;
    bool m_loaded = false;
    uint64_t m_addr = 0;
    package_bytes m_image;  // the validated package
    package::package_view m_view;
    package::validation m_load_error;
    uint64_t m_validation_cycles = 0;
    nncore_settings m_settings;
    std::function<void(const step_event&)> m_step_hook;
    power_driver* m_power = nullptr;
    unsigned m_power_domain = 0;
    uint32_t m_contexts_seen = 0;
    uint64_t m_reinits = 0;
};

}  // namespace nnvp::fw
