// nn_runtime's CPU op steps (nn/cpuops): the inputs read over the bus, the
// op computed, its cost annotated, the output written back. A gather reads
// only the rows its indices select when they lie apart in memory (an
// embedding lookup reads one row per token, not the whole table).
#include <exception>

#include "firmware/runtime/nn_runtime.h"
#include "nn/tensor/tensor_pack.h"

namespace nnvp::fw {

bool nn_runtime::read_gathered_rows(const cpuops::encoded& e, std::vector<nn::tensor>& values,
                                    std::vector<cpuops::tensor_info>& infos) {
    if (e.o.k != cpuops::kind::gather || e.inputs.size() != 2 || e.o.ints.size() != 1)
        return false;
    const int axis = e.o.ints[0];
    if (axis < 0 || axis > 3)
        return false;
    const package::tensor_record& table = m_view.tensors[e.inputs[0]];
    nn::shape4 lead = table.shape;  // every axis before the gathered one must be 1
    for (int a = 0; a < axis; ++a)
        if (lead.at(a) != 1)
            return false;
    const int dim = table.shape.at(axis);
    std::size_t row_elems = 1;
    for (int a = axis + 1; a < 4; ++a)
        row_elems *= static_cast<std::size_t>(table.shape.at(a));
    const std::size_t row_bytes = nn::storage_bytes(table.dtype(), row_elems);
    if (nn::storage_bytes(table.dtype(), row_elems * 8) != 8 * row_bytes)
        return false;  // rows that do not start on a byte
    if (read_tensor(e.inputs[1], values[1]) != runtime_status::ok)
        return false;
    const nn::tensor& idx = values[1];
    nn::shape4 compact = table.shape;
    compact.at(axis) = static_cast<int>(idx.size());
    nn::tensor rows(table.dtype(), compact), local(idx.type(), idx.shape());
    for (std::size_t i = 0; i < idx.size(); ++i) {
        int64_t k = idx.get_int(i);
        if (k < 0)
            k += dim;
        if (k < 0 || k >= dim)
            return false;  // the op reports it on the whole table
        if (m_hal.read_block(table.address + static_cast<uint64_t>(k) * row_bytes,
                             rows.bytes().data() + i * row_bytes, row_bytes) != bus_status::ok)
            return false;
        local.set_int(i, static_cast<int64_t>(i));
    }
    values[0] = std::move(rows);
    values[1] = std::move(local);
    infos[0].shape = compact;
    return true;
}

runtime_status nn_runtime::run_cpu_op(const package::step_record& s, step_result& r,
                                      std::string& why) {
    try {
        const cpuops::encoded e = cpuops::decode(m_image.data() + s.code_offset, s.code_bytes);
        std::vector<nn::tensor> values(e.inputs.size());
        std::vector<cpuops::tensor_info> infos;
        for (uint16_t in : e.inputs) {
            const package::tensor_record& t = m_view.tensors[in];
            infos.push_back({t.shape, t.dtype(), {t.scale, t.zero_point}});
        }
        const std::vector<cpuops::tensor_info> declared = infos;  // the cost's terms
        const package::tensor_record& o = m_view.tensors[s.output];
        const cpuops::tensor_info oi{o.shape, o.dtype(), {o.scale, o.zero_point}};
        if (m_view.hdr.flags & package::header_flag_without_values)
            return time_cpu_op(e, s, cpuops::cost(e.o, declared, oi), r, why);
        if (!read_gathered_rows(e, values, infos)) {
            infos = declared;
            for (std::size_t k = 0; k < e.inputs.size(); ++k)
                if (read_tensor(e.inputs[k], values[k]) != runtime_status::ok) {
                    why = k == 0 ? "cannot read the input tensor (bus error)"
                                 : "cannot read input " + std::to_string(k) + " (bus error)";
                    return runtime_status::bus_error;
                }
        }
        std::vector<const nn::tensor*> ins;
        for (const nn::tensor& v : values)
            ins.push_back(&v);
        const nn::tensor out = cpuops::execute(e.o, ins, infos, oi);
        r.cpu_cycles = cpu_op_cycles(m_cost, cpuops::cost(e.o, declared, oi));
        return store_cpu_output(s, r, out, why);
    } catch (const std::exception& e) {
        why = e.what();
        return runtime_status::cpu_error;
    }
}

// A timing-only package's values mean nothing (timing mode computes
// nothing, the NN core's steps included): the step reads its inputs and
// writes its output for their time and charges its cycles, but does not
// compute. A gather still reads only the rows its indices select.
runtime_status nn_runtime::time_cpu_op(const cpuops::encoded& e, const package::step_record& s,
                                       const cpuops::work& cost, step_result& r,
                                       std::string& why) {
    std::vector<nn::tensor> values(e.inputs.size());
    std::vector<cpuops::tensor_info> infos(e.inputs.size());  // what a gather reads
    if (!read_gathered_rows(e, values, infos)) {
        std::vector<uint8_t> bytes;
        for (std::size_t k = 0; k < e.inputs.size(); ++k) {
            const package::tensor_record& t = m_view.tensors[e.inputs[k]];
            bytes.resize(t.bytes());
            if (m_hal.read_block(t.address, bytes.data(), bytes.size()) != bus_status::ok) {
                why = k == 0 ? "cannot read the input tensor (bus error)"
                             : "cannot read input " + std::to_string(k) + " (bus error)";
                return runtime_status::bus_error;
            }
        }
    }
    const package::tensor_record& o = m_view.tensors[s.output];
    r.cpu_cycles = cpu_op_cycles(m_cost, cost);
    return store_cpu_output(s, r, nn::tensor(o.dtype(), o.shape), why);
}

}  // namespace nnvp::fw
