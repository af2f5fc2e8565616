#include "firmware/runtime/nn_runtime.h"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "firmware/runtime/cpu_ops.h"
#include "arch/nncore/stream.h"
#include "nn/tensor/tensor_pack.h"
#include "nn/cpuops/cpu_op.h"
#include "nn/kernels/kernels.h"

namespace nnvp::fw {

using package::step_kind;
using package::step_record;

namespace {

std::string us(uint64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f us", static_cast<double>(ns) / 1e3);
    return buf;
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string step_label(int i, const step_record& s) {
    return "step " + std::to_string(i) + " '" + s.name + "' (" +
           package::to_string(static_cast<step_kind>(s.kind)) + ")";
}

}  // namespace

const char* to_string(runtime_status s) {
    switch (s) {
        case runtime_status::ok:
            return "ok";
        case runtime_status::bus_error:
            return "bus_error";
        case runtime_status::invalid_package:
            return "invalid_package";
        case runtime_status::not_loaded:
            return "not_loaded";
        case runtime_status::bad_argument:
            return "bad_argument";
        case runtime_status::device_error:
            return "device_error";
        case runtime_status::core_error:
            return "core_error";
        case runtime_status::core_timeout:
            return "core_timeout";
        case runtime_status::cpu_error:
            return "cpu_error";
    }
    return "unknown";
}

nn_runtime::nn_runtime(hal& h, intc_driver& intc, nncore_driver& core, const cpu_cost_model& cost,
                       const runtime_options& opt)
    : m_hal(h), m_intc(intc), m_core(core), m_cost(cost), m_opt(opt) {}

runtime_status nn_runtime::init(const nncore_settings& settings) {
    const region* nn = m_hal.map().find("nncore");
    if (nn == nullptr || nn->irq <= 0) {
        m_hal.log("runtime: no NN core with an interrupt in the memory map");
        return runtime_status::device_error;
    }
    if (m_core.probe() != nncore_result::ok) {
        m_hal.log("runtime: the NN core does not answer");
        return runtime_status::device_error;
    }
    const auto irq = static_cast<unsigned>(nn->irq);
    nncore_driver* core = &m_core;
    if (m_intc.attach(irq, [core] { core->on_irq(); }) != intc_status::ok ||
        m_intc.enable(irq) != intc_status::ok) {
        m_hal.log("runtime: cannot route the NN core's interrupt");
        return runtime_status::device_error;
    }
    if (m_core.configure(settings) != nncore_result::ok) {
        m_hal.log("runtime: the NN core refused its settings");
        return runtime_status::device_error;
    }
    m_settings = settings;
    return runtime_status::ok;
}

void nn_runtime::watch_power_loss(power_driver& power, unsigned domain) {
    m_power = &power;
    m_power_domain = domain;
    m_contexts_seen = 0;
    power.context_lost(domain, m_contexts_seen);
}

runtime_status nn_runtime::restore_after_power_loss() {
    uint32_t lost = m_contexts_seen;
    if (m_power->context_lost(m_power_domain, lost) != power_status::ok)
        return runtime_status::bus_error;
    if (lost == m_contexts_seen)
        return runtime_status::ok;
    m_contexts_seen = lost;
    ++m_reinits;
    if (m_core.probe() != nncore_result::ok || m_core.configure(m_settings) != nncore_result::ok) {
        m_hal.log("runtime: the NN core does not answer after a power loss");
        return runtime_status::device_error;
    }
    return runtime_status::ok;
}

runtime_status nn_runtime::load(uint64_t package_addr) {
    m_loaded = false;
    m_image.clear();
    m_view = {};
    m_load_error = {};
    m_validation_cycles = 0;
    auto reject = [&](package::validation v) {
        m_load_error = std::move(v);
        m_hal.log("runtime: package at " + hex(package_addr) + " rejected: " +
                  package::to_string(m_load_error.error) + ": " + m_load_error.message);
        return runtime_status::invalid_package;
    };
    uint8_t head[package::header_bytes];
    if (m_hal.read_block(package_addr, head, sizeof head) != bus_status::ok) {
        m_hal.log("runtime: cannot read a package header at the given address (bus error)");
        return runtime_status::bus_error;
    }
    package::header h;
    if (package::validation v = package::check_header(head, sizeof head, &h); !v.ok())
        return reject(std::move(v));
    if (h.total_size > m_opt.max_package_bytes)
        return reject({package::package_error::bad_size,
                       "header.total_size " + std::to_string(h.total_size) +
                           ": expected at most the runtime's " +
                           std::to_string(m_opt.max_package_bytes) + " bytes"});
    if (read_image(package_addr, h.total_size) != bus_status::ok) {
        m_image.clear();
        m_hal.log("runtime: cannot read the package's " + std::to_string(h.total_size) +
                  " bytes (bus error)");
        return runtime_status::bus_error;
    }
    // The checksums are real work for the CPU: charge it before the verdict.
    m_validation_cycles = checksum_cycles(m_cost, m_image.size());
    m_hal.consume_cycles(m_validation_cycles);
    auto window = [this](const char* name) {  // empty when the map has no such region
        const region* r = m_hal.map().find(name);
        return package::memory_window{r ? r->base : 0, r ? r->size : 0};
    };
    package::package_view view;
    if (package::validation v = package::validate(m_image.data(), m_image.size(), package_addr,
                                                  window("dram"), &view, window("sram"));
        !v.ok()) {
        m_image.clear();
        return reject(std::move(v));
    }
    m_view = std::move(view);
    m_addr = package_addr;
    m_loaded = true;
    unsigned core = 0;
    for (const step_record& s : m_view.steps)
        core += s.kind == static_cast<uint8_t>(step_kind::core);
    m_hal.log("runtime: package '" + m_view.hdr.name +
              "' loaded: " + std::to_string(m_image.size()) + " bytes, " +
              std::to_string(m_view.steps.size()) + " steps (" + std::to_string(core) +
              " on the NN core, " + std::to_string(m_view.steps.size() - core) + " on the CPU)" +
              ((m_view.hdr.flags & package::header_flag_without_values)
                   ? "; timing-only: built without the weights' values"
                   : ""));
    return runtime_status::ok;
}

// Reads the package into m_image. A timing-only package's constants are
// zeros the runtime never needs: their whole pages are read for their time
// only, through a scratch page, so the host does not hold them. The reads
// split at 64 KiB edges, the memories' DMI pages (ip/memory/paged_store.h),
// where one long read splits too: the time is the same.
bus_status nn_runtime::read_image(uint64_t addr, uint64_t size) {
    constexpr uint64_t page = 64 * 1024;
    const auto edge_up = [&](uint64_t offset) { return (addr + offset + page - 1) / page * page - addr; };
    const auto edge_down = [&](uint64_t offset) { return (addr + offset) / page * page - addr; };
    m_image.assign_zeros(size);
    auto read = [&](uint64_t from, uint64_t to) {
        return to <= from ? bus_status::ok
                          : m_hal.read_block(addr + from, m_image.data() + from, to - from);
    };
    // Up to a page edge past the section table, which says what to skip.
    const uint64_t table_end = package::header_bytes +
                               package::section_count * package::section_entry_bytes;
    uint64_t done = std::min(size, edge_up(std::min(size, table_end)));
    if (bus_status s = read(0, done); s != bus_status::ok)
        return s;
    const package::byte_range skip = package::constants_without_values(m_image.data(), size);
    const uint64_t from = std::max(done, edge_up(skip.offset));
    const uint64_t to = skip.size > 0 ? edge_down(skip.offset + skip.size) : 0;
    if (from < to) {
        if (bus_status s = read(done, from); s != bus_status::ok)
            return s;
        std::vector<uint8_t> scratch(page);
        for (uint64_t at = from; at < to; at += page)
            if (bus_status s = m_hal.read_block(addr + at, scratch.data(), page);
                s != bus_status::ok)
                return s;
        done = to;
    }
    return read(done, size);
}

runtime_status nn_runtime::read_tensor(uint16_t index, nn::tensor& t) {
    const package::tensor_record& r = m_view.tensors[index];
    std::vector<uint8_t> bytes(r.bytes());
    if (m_hal.read_block(r.address, bytes.data(), bytes.size()) != bus_status::ok)
        return runtime_status::bus_error;
    t = nn::unpack(r.dtype(), r.shape, bytes.data(), bytes.size());
    return runtime_status::ok;
}

runtime_status nn_runtime::write_tensor(uint16_t index, const nn::tensor& t) {
    const package::tensor_record& r = m_view.tensors[index];
    if (t.type() != r.dtype() || t.shape() != r.shape)
        return runtime_status::bad_argument;
    return m_hal.write_block(r.address, t.bytes().data(), t.bytes().size()) == bus_status::ok
               ? runtime_status::ok
               : runtime_status::bus_error;
}

runtime_status nn_runtime::write_input(const nn::tensor& t) {
    if (!m_loaded)
        return runtime_status::not_loaded;
    return write_tensor(m_view.hdr.input_tensor, t);
}

std::vector<uint16_t> nn_runtime::inputs() const {
    std::vector<uint16_t> in;
    for (std::size_t i = 0; i < m_view.tensors.size(); ++i)
        if (m_view.tensors[i].role == package::tensor_role::input)
            in.push_back(static_cast<uint16_t>(i));
    return in;
}

runtime_status nn_runtime::write_input(std::size_t k, const nn::tensor& t) {
    if (!m_loaded)
        return runtime_status::not_loaded;
    const std::vector<uint16_t> in = inputs();
    if (k >= in.size())
        return runtime_status::bad_argument;
    return write_tensor(in[k], t);
}

runtime_status nn_runtime::read_output(nn::tensor& t) {
    if (!m_loaded)
        return runtime_status::not_loaded;
    return read_tensor(m_view.hdr.output_tensor, t);
}

runtime_status nn_runtime::fail(run_summary& out, runtime_status s, int step,
                                const std::string& why) {
    out.status = s;
    out.failed_step = step;
    out.message = why;
    m_hal.log("runtime: " + why);
    return s;
}

runtime_status nn_runtime::run_core(const step_record& s, run_summary& out, int index) {
    const std::string label = step_label(index, s);
    const nncore_result sub = m_core.submit(m_addr + s.code_offset, s.code_bytes);
    if (sub != nncore_result::ok)
        return fail(out, runtime_status::core_error, index,
                    label + ": submit failed: " + to_string(sub));
    const nncore_result r = m_core.wait(m_opt.core_timeout_ns);
    if (r == nncore_result::ok)
        return runtime_status::ok;
    if (r == nncore_result::timeout)
        return fail(out, runtime_status::core_timeout, index,
                    label + ": the NN core did not finish within " + us(m_opt.core_timeout_ns));
    out.core_error = m_core.error();
    std::string cmd = out.core_error.command == nncore_regs::no_command
                          ? "before the first command"
                          : "at command " + std::to_string(out.core_error.command);
    return fail(out, runtime_status::core_error, index,
                label + ": NN core error " + to_string(out.core_error.code) + " (" +
                    std::to_string(static_cast<unsigned>(out.core_error.code)) + ") " + cmd +
                    (r == nncore_result::command_error ? "" : std::string(": ") + to_string(r)));
}

runtime_status nn_runtime::run_cpu(const step_record& s, step_result& r, std::string& why) {
    const auto kind = static_cast<step_kind>(s.kind);
    if (kind == step_kind::cpu_op)
        return run_cpu_op(s, r, why);  // reads what it needs itself
    try {
        nn::tensor in, out;
        if (read_tensor(s.input, in) != runtime_status::ok) {
            why = "cannot read the input tensor (bus error)";
            return runtime_status::bus_error;
        }
        if (kind == step_kind::cpu_layer) {
            const uint8_t* code = m_image.data() + s.code_offset;
            const nncore_cmd::command cmd = nncore_cmd::decode(code);
            const nncore_cmd::decoded_layer d = nncore_cmd::decode(
                cmd, code + nncore_cmd::command_bytes, s.code_bytes - nncore_cmd::command_bytes);
            const nncore_cmd::compute_plan& p = d.plan;
            nn::tensor second, bias;
            if (p.has_second && read_tensor(s.in2, second) != runtime_status::ok) {
                why = "cannot read the second operand (bus error)";
                return runtime_status::bus_error;
            }
            if (p.has_weights)
                second = nn::unpack(p.w_type, p.w_shape, m_image.data() + s.weights_offset,
                                    s.weights_bytes);
            if (d.layer.has_bias)
                bias = nn::unpack(p.bias_type, {1, 1, 1, d.layer.out_channels},
                                  m_image.data() + s.bias_offset, s.bias_bytes);
            // The fast kernels: what an optimised CPU library computes, equal
            // to the reference executor bit for bit. A timing-only package's
            // values mean nothing: its layer is timed, not computed.
            if (m_view.hdr.flags & package::header_flag_without_values) {
                const package::tensor_record& o = m_view.tensors[s.output];
                out = nn::tensor(o.dtype(), o.shape);
            } else {
                out = kernels::execute(d.layer, in,
                                       p.has_second || p.has_weights ? &second : nullptr,
                                       d.layer.has_bias ? &bias : nullptr);
            }
            r.cpu_cycles = layer_cycles(m_cost, d);
        } else if (kind == step_kind::softmax) {
            const package::tensor_record& t = m_view.tensors[s.input];
            out = softmax(in, {t.scale, t.zero_point});
            r.cpu_cycles = softmax_cycles(m_cost, in.size());
        } else {  // copy
            const package::tensor_record& t = m_view.tensors[s.output];
            out = nn::unpack(t.dtype(), t.shape, in.bytes().data(), in.bytes().size());
            r.cpu_cycles = copy_cycles(m_cost, in.bytes().size());
        }
        return store_cpu_output(s, r, out, why);
    } catch (const std::exception& e) {
        why = e.what();
        return runtime_status::cpu_error;
    }
}

runtime_status nn_runtime::store_cpu_output(const step_record& s, const step_result& r,
                                            const nn::tensor& out, std::string& why) {
    m_hal.consume_cycles(r.cpu_cycles);
    if (write_tensor(s.output, out) != runtime_status::ok) {
        why = "cannot write the output tensor";
        return runtime_status::bus_error;
    }
    return runtime_status::ok;
}

runtime_status nn_runtime::run(run_summary& out) {
    out = {};
    if (!m_loaded)
        return fail(out, runtime_status::not_loaded, -1, "run: no valid package loaded");
    if (m_power) {
        if (const runtime_status st = restore_after_power_loss(); st != runtime_status::ok)
            return fail(out, st, -1, "run: cannot re-initialise the NN core after a power loss");
    }
    const uint64_t t0 = m_hal.now_ns();
    for (std::size_t i = 0; i < m_view.steps.size(); ++i) {
        const step_record& s = m_view.steps[i];
        step_result r;
        r.index = static_cast<unsigned>(i);
        r.kind = static_cast<step_kind>(s.kind);
        r.name = s.name;
        if (m_step_hook)
            m_step_hook({r.index, r.kind, true});
        r.start_ns = m_hal.now_ns();
        runtime_status st;
        if (r.on_core()) {
            st = run_core(s, out, static_cast<int>(i));
        } else {
            std::string why;
            st = run_cpu(s, r, why);
            if (st != runtime_status::ok)
                fail(out, st, static_cast<int>(i), step_label(static_cast<int>(i), s) + ": " + why);
        }
        r.end_ns = m_hal.now_ns();
        if (m_step_hook)
            m_step_hook({r.index, r.kind, false});
        out.steps.push_back(r);
        if (st != runtime_status::ok) {
            out.total_ns = r.end_ns - t0;
            return st;
        }
        (r.on_core() ? out.core_steps : out.cpu_steps) += 1;
        (r.on_core() ? out.core_ns : out.cpu_ns) += r.ns();
        out.cpu_cycles += r.cpu_cycles;
        if (m_opt.log_steps)
            m_hal.log("runtime: " + step_label(static_cast<int>(i), s) + ": " + us(r.ns()) +
                      (r.on_core() ? "" : ", " + std::to_string(r.cpu_cycles) + " CPU cycles"));
    }
    out.total_ns = m_hal.now_ns() - t0;
    if (m_opt.log_steps)
        m_hal.log("runtime: '" + m_view.hdr.name + "' done: " + std::to_string(out.core_steps) +
              " steps on the NN core (" + us(out.core_ns) + "), " + std::to_string(out.cpu_steps) +
              " on the CPU (" + us(out.cpu_ns) + ", " + std::to_string(out.cpu_cycles) +
              " cycles), total " + us(out.total_ns));
    return runtime_status::ok;
}

}  // namespace nnvp::fw
