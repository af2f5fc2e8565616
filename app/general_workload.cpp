#include "app/general_workload.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "nn/cost/layer_cost.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"
#include "sw/onnx/npy.h"
#include "sw/quant/network_quantizer.h"
#include "sw/quant/smoothing.h"
#include "sw/transformers/transformer_zoo.h"

namespace nnvp {

namespace fs = std::filesystem;
using onnx_import::onnx_tensor;

namespace {

onnx_tensor read_input_file(const std::string& path) {
    return fs::path(path).extension() == ".npy" ? onnx_import::read_npy(path)
                                                : onnx_import::read_tensor_pb(path);
}

bool has_symbolic_dim(const onnx::ValueInfoProto& in) {
    const auto& tt = in.type().tensor_type();
    if (!tt.has_shape())
        return true;
    for (const auto& d : tt.shape().dim())
        if (!d.has_dim_value() || d.dim_value() < 1)
            return true;
    return false;
}

// Seeded values: floats uniform in [-1, 1), integers 0..3, bools 0/1 (the
// raw 64-bit draws are portable; std's distributions are not).
void fill_seeded(onnx_tensor& t, uint64_t seed) {
    std::mt19937_64 gen(seed);
    const bool is_float = nn::is_float(t.data.type());
    const int64_t span = t.elem_type == onnx::TensorProto::BOOL ? 2 : 4;
    for (std::size_t i = 0; i < t.count(); ++i) {
        const uint64_t x = gen();
        if (is_float)
            t.data.set_float(i, static_cast<float>(static_cast<double>(x >> 11) * 0x1p-52 - 1.0));
        else
            t.data.set_int(i, static_cast<int64_t>(x % static_cast<uint64_t>(span)));
    }
}

// The values of workload.inputs, each file read once: per input, one per file.
using loaded_inputs = std::map<std::string, std::vector<onnx_tensor>>;
loaded_inputs load_input_files(const workload_spec& w) {
    loaded_inputs r;
    for (const auto& [name, paths] : w.input_files)
        for (const std::string& p : paths)
            r[name].push_back(read_input_file(p));
    return r;
}

// Input set k's value of each runtime input: its file, else seeded from
// `seed` (evaluated sets and calibration sets draw from different seeds).
std::map<std::string, onnx_tensor> input_set(const workload_spec& w, const loaded_inputs& files,
                                             const std::vector<onnx_import::graph_input>& ins,
                                             unsigned k, const std::string& file, uint64_t seed) {
    std::map<std::string, onnx_tensor> set;
    for (std::size_t i = 0; i < ins.size(); ++i) {
        const onnx_import::graph_input& in = ins[i];
        const auto f = files.find(in.name);
        if (f == files.end()) {
            onnx_tensor t = onnx_import::zero_value(in.elem_type, in.dims, in.name);
            fill_seeded(t, seed + k * 131 + i);
            set[in.name] = std::move(t);
            continue;
        }
        const std::size_t which = k % f->second.size();
        const std::string& path = w.input_files.at(in.name).at(which);
        const onnx_tensor& t = f->second.at(which);
        if (t.dims != in.dims || t.elem_type != in.elem_type)
            throw config_error(file + ": workload.inputs." + in.name + ": " + path + " holds " +
                               onnx_import::elem_type_name(t.elem_type) + " " +
                               onnx_import::dims_text(t.dims) + ", the model's input is " +
                               onnx_import::elem_type_name(in.elem_type) + " " +
                               onnx_import::dims_text(in.dims));
        set[in.name] = t;
    }
    return set;
}

}  // namespace

nlohmann::json general_network_info(const std::string& name, const compiler::network& net) {
    const std::vector<compiler::tensor_desc> tensors = compiler::plan_tensors(net);
    uint64_t conv = 0, fc = 0, conv_macs = 0, fc_macs = 0, weights = 0, weight_bytes = 0,
             activations = 0;
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        const compiler::net_op& op = net.ops[i];
        activations += tensors[i + 1].shape.count();
        if (op.weights) {
            weights += op.weights->size();
            weight_bytes += op.weights->byte_size();
        }
        if (op.type != compiler::op_type::layer)
            continue;
        const std::vector<int> in = compiler::operands(net, i);
        const nn::shape4& a = tensors[static_cast<std::size_t>(in[0])].shape;
        // A product of activations: batch x M x N x K; a layer: its cost model's count.
        const uint64_t macs =
            op.weights_operand
                ? static_cast<uint64_t>(a.count()) * static_cast<uint64_t>(op.layer.out_channels)
                : cost::of_layer(op.layer, a, cost::dataflow::output_stationary,
                                 cost::core_params{})
                      .macs;
        if (op.layer.op == ref::op_kind::conv2d)
            ++conv, conv_macs += macs;
        else if (op.layer.op == ref::op_kind::fully_connected)
            ++fc, fc_macs += macs;
    }
    return {{"name", name},           {"layers", net.ops.size()},
            {"conv_layers", conv},    {"fc_layers", fc},
            {"macs", conv_macs + fc_macs}, {"conv_macs", conv_macs},
            {"fc_macs", fc_macs},     {"weights", weights},
            {"weight_bytes", weight_bytes}, {"activations", activations},
            {"importer", "general"}};
}

namespace {

// The ONNX model of the workload: its file, or a zoo transformer built for
// the workload's pass with seeded weights (large ones without values when
// `values` is false).
onnx::ModelProto load_workload_model(const workload_spec& w, bool values) {
    if (w.transformer.empty())
        return onnx_import::load_model(w.network_path);
    return transformers::build_transformer(*transformers::find_transformer(w.transformer),
                                           {w.batch, w.tokens, w.past, w.capacity}, w.seed,
                                           values);
}

// What the general path does not take, named by field.
void refuse_quantizer_fields(const workload_spec& w, const std::string& file) {
    const std::string at = file + ": workload.";
    if (w.batch != 1 && w.transformer.empty())
        throw config_error(at + "batch: an ONNX model runs at its own batch: give it in "
                                "workload.input_shapes");
    if (w.sparsity.weight_zero_pct > 0)
        throw config_error(at + "sparsity.weight_zero_pct: pruning applies to the zoo's "
                                "networks; an ONNX model keeps the weights it was exported with");
    if (!w.quant.overrides.empty() && w.quant.precision == ref::precision::fp32)
        throw config_error(at + "layer_precision: a model run at fp32 runs every layer at "
                                "its ONNX type");
}

// A workload.inputs entry for something the model does not read at run time.
void refuse_unknown_inputs(const loaded_inputs& files,
                           const std::vector<onnx_import::graph_input>& ins,
                           const std::string& file) {
    std::vector<std::string> runtime, named;
    for (const onnx_import::graph_input& in : ins)
        runtime.push_back(in.name);
    for (const auto& entry : files)
        named.push_back(entry.first);
    if (const std::string bad = onnx_import::not_a_runtime_input(named, runtime); !bad.empty())
        throw config_error(file + ": workload.inputs " + bad);
}

// A dataset's images as the model's one input: each set is the model's batch
// (its input's first dim) of images, whose pixels fill the input in order
// (grey images: NCHW and NHWC hold the same bytes); calibration sets come
// from the start of the train split. Labels per image, in set order.
void dataset_sets(const workload_spec& w, const std::vector<onnx_import::graph_input>& ins,
                  const std::string& file, resolved_workload& r,
                  std::vector<std::map<std::string, onnx_tensor>>& sets,
                  std::vector<std::map<std::string, onnx_tensor>>& calibration) {
    const std::string at = file + ": workload.dataset: ";
    if (!w.input_files.empty())
        throw config_error(at + "the dataset gives the inputs: workload.inputs goes without it");
    if (ins.size() != 1 || ins[0].elem_type != onnx::TensorProto::FLOAT || ins[0].dims.empty())
        throw config_error(at + "a model with one FLOAT input (images), this one has " +
                           std::to_string(ins.size()) + " runtime inputs");
    const onnx_import::graph_input& in = ins[0];
    const auto batch = static_cast<unsigned>(in.dims[0]);
    int64_t per_image = 1;
    for (std::size_t i = 1; i < in.dims.size(); ++i)
        per_image *= in.dims[i];
    if (w.dataset.images % batch != 0)
        throw config_error(at + "images: a multiple of the model's batch (" +
                           std::to_string(batch) + ", input '" + in.name + "' dim 0)");
    const auto [eval, train] = load_dataset_images(w, w.calibration_inputs * batch, file);
    const nn::shape4 img = eval.images.shape();
    if (per_image != int64_t{img.h} * img.w * img.c || img.c != 1)
        throw config_error(at + "input '" + in.name + "' " + onnx_import::dims_text(in.dims) +
                           " does not hold " + std::to_string(img.h) + "x" +
                           std::to_string(img.w) + " grey images per batch item");
    const auto slice = [&](const dataset::labelled_images& from, unsigned first) {
        onnx_tensor t = onnx_import::zero_value(in.elem_type, in.dims, in.name);
        const std::size_t n = t.count();
        for (std::size_t i = 0; i < n; ++i)
            t.data.set_float(i, from.images.get_float(first * static_cast<std::size_t>(per_image) + i));
        return std::map<std::string, onnx_tensor>{{in.name, std::move(t)}};
    };
    for (unsigned k = 0; k < w.dataset.images / batch; ++k)
        sets.push_back(slice(eval, w.dataset.offset + k * batch));
    for (unsigned k = 0; k < w.calibration_inputs; ++k)
        calibration.push_back(slice(train, k * batch));
    r.labels.assign(eval.labels.begin() + w.dataset.offset,
                    eval.labels.begin() + w.dataset.offset + w.dataset.images);
    if (!w.inferences_given)
        r.inferences = w.dataset.images / batch;
}

// Graph inputs the import took as compile-time constants (they feed only
// parameter slots: a Reshape's shape, a Pad's pads, ...) are compiled from the
// first input set: a value that differs between sets would be silently
// ignored, so it is refused.
void refuse_varying_parameters(const onnx_import::check_network& cn,
                               const std::vector<std::map<std::string, onnx_tensor>>& sets,
                               const std::string& file) {
    for (const auto& [name, first] : sets[0]) {
        const std::string& wanted = name;  // a lambda cannot capture a structured binding (C++17)
        const bool runtime = std::any_of(cn.inputs.begin(), cn.inputs.end(),
                                         [&](const onnx_import::port& p) { return p.name == wanted; });
        for (std::size_t k = 1; k < sets.size() && !runtime; ++k)
            if (sets[k].at(name).data.bytes() != first.data.bytes())
                throw config_error(file + ": workload.inputs." + name + ": input set " +
                                   std::to_string(k) + " differs from set 0, but '" + name +
                                   "' feeds only parameters of the model (compiled in as a "
                                   "constant): give one value for every set");
    }
}

// Post-training quantization of the imported network (network_quantizer.h):
// ranges measured on `calibration` sets in functional mode, unit ranges in
// timing mode (it computes nothing, so scales do not change what it reports).
// With smoothquant, the smoothed float network is calibrated and quantized
// (returned: what was smoothed); r.float_net stays the model as imported.
nlohmann::json quantize_general(const workload_spec& w, bool timing,
                                const std::vector<std::vector<nn::tensor>>& calibration,
                                resolved_workload& r) {
    nlohmann::json smoothing;
    const compiler::network* net = &r.float_net;
    quant::smoothing_result smoothed;
    if (w.quant.smoothquant > 0 && timing) {
        smoothing = {{"alpha", w.quant.smoothquant},
                     {"note", "not applied in timing mode: it needs measured ranges and "
                              "changes no cycle or byte"}};
    } else if (w.quant.smoothquant > 0) {
        smoothed = quant::smooth_network(r.float_net, calibration, w.quant.smoothquant);
        net = &smoothed.net;
        smoothing = {{"alpha", w.quant.smoothquant}, {"smoothed", smoothed.smoothed}};
        if (smoothed.smoothed.empty())
            smoothing["note"] = "no LayerNorm / RMSNorm output read only by linear layers: "
                                "nothing smoothed";
    }
    quant::network_calibration cal;
    if (!timing && w.quant.precision != ref::precision::fp16)  // fp16 has no scales
        cal = quant::calibrate_network(*net, calibration, w.quant.calibration,
                                       w.quant.percentile);
    r.net = quant::quantize_network(*net, w.quant, cal);
    for (const std::vector<nn::tensor>& set : r.float_inputs)
        r.inputs.push_back(quant::quantize_inputs(r.net, set));
    return smoothing;
}

}  // namespace

bool runs_general(const workload_spec& w) {
    return !w.network_path.empty() || !w.transformer.empty();
}

namespace {

resolved_workload resolve_general(const workload_spec& w, bool timing, const std::string& file,
                                  const given_input_sets* given, bool values) {
    const auto t0 = std::chrono::steady_clock::now();
    refuse_quantizer_fields(w, file);
    const bool quantized = w.quant.precision != ref::precision::fp32;
    resolved_workload r;
    nlohmann::json smoothing;
    try {
        const std::string source = w.transformer.empty() ? w.network_path : w.transformer;
        onnx::ModelProto model = load_workload_model(w, values);
        const loaded_inputs files = load_input_files(w);
        // A file's dims fix the symbolic sizes of its input.
        std::map<std::string, std::vector<int64_t>> shapes = w.input_shapes;
        for (const onnx::ValueInfoProto& in : model.graph().input()) {
            const auto f = files.find(in.name());
            if (f != files.end() && !shapes.count(in.name()) && has_symbolic_dim(in))
                shapes[in.name()] = f->second[0].dims;
        }
        const std::vector<onnx_import::graph_input> ins =
            onnx_import::runtime_inputs(model, source, shapes, "workload.input_shapes",
                                        "workload.input_shapes {\"NAME\": [sizes]}");
        refuse_unknown_inputs(files, ins, file);
        std::vector<std::map<std::string, onnx_tensor>> sets, calibration_sets;
        if (given) {
            sets = given->sets;
            calibration_sets = given->calibration;
        } else if (!w.dataset.name.empty()) {
            dataset_sets(w, ins, file, r, sets, calibration_sets);
        } else {
            for (unsigned k = 0; k < w.input_sets; ++k)
                sets.push_back(input_set(w, files, ins, k, file, w.seed * 7919));
            for (unsigned k = 0; k < w.calibration_inputs && quantized && !timing; ++k)
                calibration_sets.push_back(input_set(w, files, ins, k, file, w.seed * 104729));
        }
        onnx_import::check_network cn = onnx_import::import_for_check(model, sets[0], source);
        r.name = model.graph().name().empty() ? fs::path(w.network_path).stem().string()
                                              : model.graph().name();
        model = onnx::ModelProto();  // the network holds the weights now (GPT-2: 0.5 GB each)
        refuse_varying_parameters(cn, sets, file);
        const auto stage = [&](const std::map<std::string, onnx_tensor>& set) {
            std::vector<nn::tensor> staged;
            for (const onnx_import::port& p : cn.inputs)
                staged.push_back(onnx_import::to_package(p, set.at(p.name)));
            return staged;
        };
        for (const auto& set : sets)
            r.float_inputs.push_back(stage(set));
        if (quantized) {
            r.float_net = std::move(cn.net);
            std::vector<std::vector<nn::tensor>> calibration;
            for (const auto& set : calibration_sets)
                calibration.push_back(stage(set));
            smoothing = quantize_general(w, timing, calibration, r);
            if (timing)  // nothing to compare against: no accuracy in timing mode
                r.float_net = compiler::network();
        } else {  // the network is its own float version (float_net stays empty)
            r.net = std::move(cn.net);
            r.inputs = r.float_inputs;
        }
        r.network_info = general_network_info(r.name, r.net);
        r.network_info["fused"] = cn.fused;
    } catch (const config_error&) {
        throw;
    } catch (const nn::no_values_error&) {
        throw;  // resolve_general_workload builds the values after all
    } catch (const quant::quant_error& e) {
        throw config_error(file + ": workload: " + e.what());
    } catch (const std::exception& e) {
        throw config_error(file + ": workload.network: " + e.what());
    }
    r.general = true;
    if (quantized)
        r.quantization = {{"scheme", quant::to_string(w.quant.scheme)},
                          {"precision", ref::to_string(w.quant.precision)},
                          {"bits", w.quant.bits},
                          {"note", "quantized after import (general importer); steps without an "
                                   "integer path keep their ONNX type"}};
    else
        r.quantization = {{"scheme", "none"},
                          {"precision", "fp32"},
                          {"note", "the model's own ONNX types (general importer)"}};
    if (quantized && !smoothing.is_null())
        r.quantization["smoothquant"] = smoothing;
    r.values = values;
    r.compile_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace

resolved_workload resolve_general_workload(const workload_spec& w, bool timing,
                                           const std::string& file,
                                           const given_input_sets* given) {
    // Timing mode needs the sizes of a zoo transformer's large weights, not
    // their values (the core computes nothing): they are not generated,
    // quantized or staged. A step that does need them (a compressed weight
    // format, an op that folds a weight) builds them after all.
    const auto resolve = [&](bool values) { return resolve_general(w, timing, file, given, values); };
    if (timing && !w.transformer.empty() && w.sparsity.weight_format == "dense")
        return resolve_sizes_first(w.transformer, resolve);
    return resolve(true);
}

}  // namespace nnvp
