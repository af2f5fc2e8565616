#include "app/info_general.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/format.h"
#include "app/general_workload.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"

namespace nnvp {

namespace {

using onnx_import::onnx_error;
using onnx_import::onnx_tensor;

// Zero values for the runtime graph inputs: the import needs their shapes
// only. A symbolic or unknown size must come from --input-shape.
std::map<std::string, onnx_tensor> seeded_inputs(
    const onnx::ModelProto& m, const std::string& path,
    const std::map<std::string, std::vector<int64_t>>& given) {
    std::map<std::string, onnx_tensor> bound;
    for (const onnx_import::graph_input& in :
         onnx_import::runtime_inputs(m, path, given, "--input-shape",
                                     "--input-shape NAME=D,D,..."))
        bound[in.name] = onnx_import::zero_value(in.elem_type, in.dims,
                                                 path + ": graph input '" + in.name + "'");
    return bound;
}

std::string shape_text(const nn::shape4& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" +
           std::to_string(s.c);
}

// "core conv2d" / "cpu softmax": where an op runs and what it is.
std::string unit_of(const compiler::net_op& op) {
    if (op.type == compiler::op_type::layer && op.layer.op == ref::op_kind::activation)
        return std::string("core activation ") + ref::to_string(op.layer.act.kind);
    if (op.type == compiler::op_type::layer && op.weights_operand)
        return "core matmul x" + std::to_string(op.batch) + " (activations)";
    if (op.type == compiler::op_type::layer)
        return std::string("core ") + ref::to_string(op.layer.op);
    if (op.type != compiler::op_type::cpu)
        return "cpu";
    return "cpu " + cpuops::describe(op.cpu);
}

// "input X: FLOAT [2, 3] -> 1x1x2x3 (plain) fp32": as ONNX has it, as stored.
std::string port_line(const char* what, const onnx_import::port& p,
                      const std::vector<compiler::tensor_desc>& tensors) {
    return std::string(what) + " " + p.name + ": " + onnx_import::elem_type_name(p.elem_type) +
           " " + onnx_import::dims_text(p.dims) + " -> " +
           shape_text(tensors[static_cast<std::size_t>(p.tensor)].shape) + " (" +
           onnx_import::to_string(p.lay) + ") " + nn::to_string(p.type);
}

}  // namespace

int print_general_info(std::ostream& out, std::ostream& err, const std::string& path, bool json,
                       const std::map<std::string, std::vector<int64_t>>& input_shapes) {
    try {
        const onnx::ModelProto m = onnx_import::load_model(path);
        print_model_info(out, m, "ONNX model " + path, path, json, input_shapes,
                         nlohmann::json::object());
        return 0;
    } catch (const std::exception& e) {
        err << "nnvp info: " << e.what() << "\n";
        return 2;
    }
}

void print_model_info(std::ostream& out, const onnx::ModelProto& m, const std::string& label,
                      const std::string& path, bool json,
                      const std::map<std::string, std::vector<int64_t>>& input_shapes,
                      const nlohmann::json& extra) {
    const onnx_import::check_network cn =
        onnx_import::import_for_check(m, seeded_inputs(m, path, input_shapes), path);
    const compiler::network& net = cn.net;
    const std::vector<compiler::tensor_desc> tensors = compiler::plan_tensors(net);
    int core = 0;
    for (const compiler::net_op& op : net.ops)
        core += op.type == compiler::op_type::layer;
    const nlohmann::json stats = general_network_info(m.graph().name(), net);
    const uint64_t parameters = onnx_import::parameter_count(m);
    const std::string summary =
        label + " (at its own ONNX types, constants folded): " +
        std::to_string(net.ops.size()) + " steps, " + std::to_string(core) +
        " NN-core layers, " + std::to_string(net.ops.size() - static_cast<std::size_t>(core)) +
        " CPU ops; " + grouped(stats["macs"].get<uint64_t>()) + " MACs (CONV / FC / matmul), " +
        grouped(stats["weights"].get<uint64_t>()) + " weights in core layers, " +
        grouped(parameters) + " parameters (initializers)";
    if (json) {
        nlohmann::json steps = nlohmann::json::array();
        for (std::size_t i = 0; i < net.ops.size(); ++i)
            steps.push_back({{"index", i + 1},
                             {"name", net.ops[i].name},
                             {"unit", unit_of(net.ops[i])},
                             {"output", shape_text(tensors[i + 1].shape)},
                             {"type", nn::to_string(tensors[i + 1].type)}});
        nlohmann::json j = {{"summary", summary},
                            {"macs", stats["macs"]},
                            {"weights", stats["weights"]},
                            {"parameters", parameters},
                            {"fused", cn.fused},
                            {"steps", steps}};
        j.update(extra);
        out << j.dump(2) << "\n";
        return;
    }
    out << summary << "\n";
    for (const auto& [key, value] : extra.items())
        out << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
            << "\n";
    out << "nnvp run takes it at workload.precision \"fp32\" (as exported), \"int8\" / "
           "\"int16\" (quantized after import: steps without an integer path keep "
           "their type) or \"fp16\"\n\n";
    for (const onnx_import::port& p : cn.inputs)
        out << port_line("input", p, tensors) << "\n";
    out << port_line("output", cn.output, tensors) << "\n";
    for (const onnx_import::port& p : cn.extra_outputs)
        out << port_line("output", p, tensors) << "\n";
    out << "\n";
    for (const std::string& f : cn.fused)
        out << "fused: " << f << "\n";
    if (!cn.fused.empty())
        out << "\n";
    out << "  #  step                                      unit                        output "
           "(stored NxHxWxC)\n";
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        char line[256];
        std::snprintf(line, sizeof line, "%3zu  %-40.40s  %-26s  %s %s\n", i + 1,
                      net.ops[i].name.c_str(), unit_of(net.ops[i]).c_str(),
                      shape_text(tensors[i + 1].shape).c_str(),
                      nn::to_string(tensors[i + 1].type));
        out << line;
    }
}

}  // namespace nnvp
