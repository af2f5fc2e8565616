#include "app/workload.h"

#include <algorithm>

#include <chrono>
#include <iostream>
#include <filesystem>

#include "app/general_workload.h"
#include "nn/tensor/tensor.h"
#include "sw/dataset/fmnist_model.h"
#include "sw/dataset/labelled_images.h"
#include "sw/net/prune.h"
#include "sw/net/stats.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/quant/calibration.h"
#include "sw/quant/fuse.h"
#include "sw/quant/quantizer.h"
#include "sw/transformers/transformer_zoo.h"

namespace nnvp {

namespace fs = std::filesystem;

namespace {

// `parse()`; what it throws becomes an error about `key` of `node`.
template <typename Parse>
auto parse_field(const config_node& node, const std::string& key, Parse parse)
    -> decltype(parse()) {
    try {
        return parse();
    } catch (const std::exception& e) {
        node.fail(key, e.what());
    }
}

// "network" (a zoo name, fmnist_lenet or a .onnx path) and "weights".
void parse_network(const config_node& node, const std::string& scenario_dir, workload_spec& w) {
    w.network = node.string("network");
    const bool onnx = w.network.size() > 5 && w.network.substr(w.network.size() - 5) == ".onnx";
    if (onnx) {
        w.network_path = (fs::path(scenario_dir) / w.network).lexically_normal().string();
        if (!fs::exists(w.network_path))
            node.fail("network", "an existing .onnx file (" + w.network_path + " not found)");
    } else if (const auto* t = transformers::find_transformer(w.network)) {
        w.transformer = t->name;
    } else if (!net::in_zoo(w.network) && w.network != dataset::fmnist_network_name) {
        std::string known;
        for (const std::string& n : net::zoo_names())
            known += (known.empty() ? "" : ", ") + n;
        for (const transformers::transformer_config& c : transformers::transformer_zoo())
            known += std::string(", ") + c.name;
        known += std::string(", ") + dataset::fmnist_network_name;
        node.fail("network",
                  "a zoo network (" + known + ") or a .onnx path, got \"" + w.network + "\"");
    }
    if (node.has("weights")) {
        if (w.network != dataset::fmnist_network_name)
            node.fail("weights", std::string("no weights file: only ") +
                                     dataset::fmnist_network_name +
                                     " takes one (zoo networks draw seeded weights, ONNX models "
                                     "carry theirs)");
        w.weights_path =
            (fs::path(scenario_dir) / node.string("weights")).lexically_normal().string();
        if (!fs::is_regular_file(w.weights_path))
            node.fail("weights", "an existing weights file (" + w.weights_path + " not found)");
    }
}

// "precision", "quantization", "bits" and "layer_precision", checked together.
quant::quant_options parse_quantization(const config_node& node) {
    quant::quant_options q;
    q.precision = parse_field(node, "precision", [&] {
        return quant::parse_precision(node.string("precision", "int8"));
    });
    const bool is_float =
        q.precision == ref::precision::fp32 || q.precision == ref::precision::fp16;
    q.scheme = parse_field(node, "quantization", [&] {
        return quant::parse_scheme(node.string("quantization", is_float ? "none" : "per_channel"));
    });
    q.bits = static_cast<int>(node.uint_in("bits", 0, 32, 0));
    q.smoothquant = node.number_in("smoothquant", 0, 1, 0);
    if (node.has("layer_precision")) {
        const config_node lp = node.child("layer_precision");
        for (const std::string& k : lp.keys())
            q.overrides[k] =
                parse_field(lp, k, [&] { return quant::parse_precision(lp.string(k)); });
    }
    parse_field(node, "quantization", [&] { quant::check_options(q); });
    return q;
}

arrival_spec parse_arrival(const config_node& a) {
    arrival_spec s;
    s.pattern = a.one_of("pattern", {"back_to_back", "periodic", "poisson"});
    if (s.pattern == "periodic")
        s.fps = a.number_in("fps", 1e-6, 1e9);
    if (s.pattern == "poisson")
        s.rate_per_s = a.number_in("rate_per_s", 1e-6, 1e9);
    s.deadline_s = a.number_in("deadline_ms", 0, 1e9, 0) / 1000;
    a.reject_unknown();
    return s;
}

// "dataset": its images replace the seeded inputs, and set the number of
// input sets and (unless given) of inferences.
void parse_dataset(const config_node& node, workload_spec& w) {
    const config_node d = node.child("dataset");
    w.dataset.name = d.one_of("name", {"fashion-mnist"});
    w.dataset.dir = d.string("dir", w.dataset.dir);
    w.dataset.split = d.one_of("split", {"t10k", "train"}, "t10k");
    w.dataset.images = static_cast<unsigned>(d.uint_in("images", 1, 60000));
    w.dataset.offset = static_cast<unsigned>(d.uint_in("offset", 0, 59999, 0));
    d.reject_unknown();
    if (w.dataset.images % static_cast<unsigned>(w.batch) != 0)
        d.fail("images", "a multiple of workload.batch (" + std::to_string(w.batch) + ")");
    if (!node.has("inferences"))
        w.inferences = w.dataset.images / static_cast<unsigned>(w.batch);
    w.input_sets = w.dataset.images / static_cast<unsigned>(w.batch);
    if (node.has("input_sets"))
        node.fail("input_sets", "none with a dataset (each batch of images is one set)");
}

// "input_shapes" {name: [sizes]} and "inputs" {name: file | [file per set]}.
void parse_model_inputs(const config_node& node, const std::string& scenario_dir,
                        workload_spec& w) {
    if (node.has("input_shapes")) {
        const config_node shapes = node.child("input_shapes");
        for (const std::string& name : shapes.keys()) {
            const nlohmann::json& dims = shapes.json().at(name);
            bool ok = dims.is_array() && !dims.empty();
            for (const auto& d : dims)
                ok = ok && d.is_number_integer() && d.get<int64_t>() >= 1;
            if (!ok)
                shapes.fail(name, "a list of sizes of at least 1, e.g. [1, 40, 98]");
            w.input_shapes[name] = dims.get<std::vector<int64_t>>();
        }
    }
    if (!node.has("inputs"))
        return;
    const config_node inputs = node.child("inputs");
    std::size_t per_set = 0;
    for (const std::string& name : inputs.keys()) {
        const nlohmann::json& v = inputs.json().at(name);
        std::vector<std::string> files;
        if (v.is_string())
            files.push_back(v.get<std::string>());
        else if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_string(); }))
            files = v.get<std::vector<std::string>>();
        else
            inputs.fail(name, "a .npy or .pb file, or a list of them (one per input set)");
        for (std::string& f : files) {
            f = (fs::path(scenario_dir) / f).lexically_normal().string();
            const std::string ext = fs::path(f).extension().string();
            if (ext != ".npy" && ext != ".pb")
                inputs.fail(name, "a .npy or .pb (TensorProto) file, got " + f);
            if (!fs::is_regular_file(f))
                inputs.fail(name, "an existing file (" + f + " not found)");
        }
        if (files.size() > 1) {
            if (per_set && files.size() != per_set)
                inputs.fail(name, std::to_string(per_set) + " files, as the other lists have");
            per_set = files.size();
        }
        w.input_files[name] = std::move(files);
    }
    if (per_set) {
        if (node.has("input_sets") && w.input_sets != per_set)
            node.fail("input_sets", std::to_string(per_set) + ", the length of the workload.inputs lists");
        w.input_sets = static_cast<unsigned>(per_set);
    }
}

sparsity_spec parse_sparsity(const config_node& sp) {
    sparsity_spec s;
    s.mode = sp.one_of("mode", {"none", "gate", "skip"}, "none");
    s.weight_zero_pct = sp.number_in("weight_zero_pct", 0, 99.9, 0);
    s.activation_density = sp.number_in("activation_density", 0, 1, 1);
    s.weight_format = sp.one_of("weight_format", {"dense", "bitmap", "csr", "automatic"}, "dense");
    sp.reject_unknown();
    return s;
}

}  // namespace

namespace {

// "prompt" and "generate": a decoder generating text (llm_run.h), which
// takes the place of one pass's "tokens" and "past".
void parse_generation(const config_node& node, const transformers::transformer_config& c,
                      workload_spec& w) {
    for (const char* key : {"tokens", "past"})
        if (node.has(key))
            node.fail(key, "none with prompt and generate: a generation runs the prompt, then "
                           "one token per step");
    if (!c.decoder())
        node.fail(node.has("prompt") ? "prompt" : "generate",
                  std::string(c.name) + " is an encoder: generation needs a decoder (gpt2, llama_small)");
    w.prompt = static_cast<int>(node.uint_in("prompt", 1, 1000000, 0));
    w.generate = static_cast<int>(node.uint_in("generate", 2, 1000000, 0));
    if (!node.has("prompt") || !node.has("generate"))
        node.fail(node.has("prompt") ? "generate" : "prompt",
                  "expected both prompt (tokens in) and generate (tokens out, at least 2)");
    if (w.prompt + w.generate - 1 > c.max_positions)
        node.fail("generate", "prompt + generate - 1 = " + std::to_string(w.prompt + w.generate - 1) +
                                  ": " + c.name + " has " + std::to_string(c.max_positions) +
                                  " positions");
}

// "tokens" and "past": the pass a zoo transformer runs (transformer_zoo.h).
void parse_transformer_shape(const config_node& node, workload_spec& w) {
    if (w.transformer.empty()) {
        for (const char* key : {"tokens", "past", "prompt", "generate"})
            if (node.has(key))
                node.fail(key, "none here: tokens, past, prompt and generate are for the zoo's "
                               "transformers");
        return;
    }
    const transformers::transformer_config& c = *transformers::find_transformer(w.transformer);
    if (node.has("prompt") || node.has("generate")) {
        parse_generation(node, c, w);
        return;
    }
    w.tokens = static_cast<int>(node.uint_in("tokens", 0, 1000000, 0));
    w.past = static_cast<int>(node.uint_in("past", 0, 1000000, 0));
    try {
        transformers::resolve_shape(c, {w.batch, w.tokens, w.past});
    } catch (const std::invalid_argument& e) {
        node.fail(node.has("past") ? "past" : "tokens", e.what());
    }
}

}  // namespace

workload_spec parse_workload(const config_node& node, const std::string& scenario_dir) {
    workload_spec w;
    parse_network(node, scenario_dir, w);
    w.quant = parse_quantization(node);
    w.batch = static_cast<int>(node.uint_in("batch", 1, 4096, 1));
    w.inferences = static_cast<unsigned>(node.uint_in("inferences", 1, 10000000, 1));
    w.inferences_given = node.has("inferences");
    w.seed = node.uint_in("seed", 0, 4294967295u, 1);
    w.calibration_inputs = static_cast<unsigned>(node.uint_in("calibration_inputs", 1, 1000, 2));
    w.input_sets = static_cast<unsigned>(node.uint_in("input_sets", 1, 100000, 1));
    w.check = node.boolean("check", true);
    w.log_steps = node.boolean("log_steps", false);
    w.dataflow = node.one_of("dataflow", {"auto", "os", "ws", "is"}, "auto");
    w.channel_split = node.one_of("channel_split", {"mapper", "fallback", "off"}, "mapper");
    w.arena = node.one_of("arena", {"dram", "sram", "auto"}, "dram");
    if (node.has("arrival"))
        w.arrival = parse_arrival(node.child("arrival"));
    if (node.has("dataset"))
        parse_dataset(node, w);
    if (node.has("sparsity"))
        w.sparsity = parse_sparsity(node.child("sparsity"));
    if (node.has("power"))
        w.power = parse_power_spec(node.child("power"));
    parse_model_inputs(node, scenario_dir, w);
    parse_transformer_shape(node, w);
    if ((node.has("input_shapes") || node.has("inputs")) && w.network_path.empty())
        node.fail(node.has("inputs") ? "inputs" : "input_shapes",
                  "none here: input shapes and files are for ONNX models (a zoo network has "
                  "its own shape and seeded inputs)");
    node.reject_unknown();
    return w;
}

namespace {

net::graph load_graph(const workload_spec& w, const std::string& file) {
    net::graph g;
    if (w.network == dataset::fmnist_network_name) {
        try {
            g = dataset::fmnist_lenet(w.weights_path.empty() ? dataset::fmnist_default_weights()
                                                             : w.weights_path);
        } catch (const std::exception& e) {
            throw config_error(
                file + (w.weights_path.empty() ? ": workload.network: " : ": workload.weights: ") +
                e.what());
        }
    } else {
        g = net::build_zoo(w.network);
    }
    if (w.batch != 1)
        g.set_batch(w.batch);
    try {
        g.validate();
    } catch (const std::exception& e) {
        throw config_error(file + ": workload.batch: " + e.what());
    }
    return g;
}

nlohmann::json network_info(const net::graph& g, const compiler::network& q) {
    const net::network_stats st = net::compute_stats(g);
    uint64_t weight_bytes = 0;
    for (const compiler::net_op& op : q.ops)
        if (op.weights)
            weight_bytes += op.weights->byte_size();
    return {{"name", g.name()},
            {"layers", st.layers.size()},
            {"conv_layers", st.conv_layers},
            {"fc_layers", st.fc_layers},
            {"macs", st.macs()},
            {"conv_macs", st.conv_macs},
            {"fc_macs", st.fc_macs},
            {"weights", st.weights()},
            {"weight_bytes", weight_bytes},
            {"activations", st.activations}};
}

// What the NN core would measure in functional mode, over all layers: the
// share of quantized weights that are not zero (binary weights never are).
double weight_density(const compiler::network& q) {
    double count = 0, zeros = 0;
    for (const compiler::net_op& op : q.ops) {
        if (!op.weights)
            continue;
        const auto n = static_cast<double>(op.weights->size());
        count += n;
        zeros += n * nn::zero_fraction(*op.weights, 0);
    }
    return count > 0 ? 1.0 - zeros / count : 1.0;
}

// `count` images from `first` of a labelled set, as one [n, H, W, C] tensor.
nn::tensor image_slice(const nn::tensor& all, unsigned first, unsigned count) {
    nn::shape4 s = all.shape();
    const std::size_t per = all.bytes().size() / static_cast<std::size_t>(s.n);
    s.n = static_cast<int>(count);
    nn::tensor out(all.type(), s);
    std::copy(all.bytes().begin() + static_cast<long>(per * first),
              all.bytes().begin() + static_cast<long>(per * (first + count)), out.bytes().begin());
    return out;
}

// Dataset workloads: the evaluation images in batches, and calibration
// batches from the start of the train split (never the evaluated images).
void dataset_inputs(const workload_spec& w, const net::graph& g, const std::string& file,
                    resolved_workload& r, std::vector<nn::tensor>& cal) {
    const auto batch = static_cast<unsigned>(w.batch);
    const auto [eval, train] = load_dataset_images(w, w.calibration_inputs * batch, file);
    const nn::shape4 want = g.inputs()[0].shape;
    if (eval.images.shape().h != want.h || eval.images.shape().w != want.w ||
        eval.images.shape().c != want.c)
        throw config_error(file + ": workload.dataset: images " +
                           nn::to_string(eval.images.shape()) + " do not fit the network input " +
                           nn::to_string(want));
    for (unsigned k = 0; k < w.dataset.images / batch; ++k)
        r.real_inputs.push_back(image_slice(eval.images, w.dataset.offset + k * batch, batch));
    r.labels.assign(eval.labels.begin() + w.dataset.offset,
                    eval.labels.begin() + w.dataset.offset + w.dataset.images);
    for (unsigned k = 0; k < w.calibration_inputs; ++k)
        cal.push_back(image_slice(train.images, k * batch, batch));
}

}  // namespace

dataset_images load_dataset_images(const workload_spec& w, unsigned calibration_images,
                                   const std::string& file) {
    dataset_images d;
    try {
        d.eval = dataset::load_fmnist(w.dataset.dir, w.dataset.split,
                                      w.dataset.offset + w.dataset.images);
        d.train = dataset::load_fmnist(w.dataset.dir, "train", calibration_images);
    } catch (const std::exception& e) {
        throw config_error(file + ": workload.dataset: " + e.what());
    }
    if (d.eval.images.shape().n < static_cast<int>(w.dataset.offset + w.dataset.images))
        throw config_error(file + ": workload.dataset.images: the " + w.dataset.split +
                           " split has only " + std::to_string(d.eval.images.shape().n) +
                           " images");
    return d;
}

namespace {

resolved_workload resolve_zoo(const workload_spec& w, bool timing, const std::string& file,
                              bool values) {
    const auto t0 = std::chrono::steady_clock::now();
    resolved_workload r;
    net::graph g = load_graph(w, file);
    r.name = g.name();
    if (values)
        net::materialize_weights(g, w.seed);  // keeps imported or trained weights
    else
        net::materialize_weight_sizes(g, w.seed);
    if (w.sparsity.weight_zero_pct > 0) {
        try {
            net::prune_weights(g, w.sparsity.weight_zero_pct / 100);
        } catch (const std::exception& e) {
            throw config_error(file + ": workload.sparsity.weight_zero_pct: " + e.what());
        }
    }
    std::vector<nn::tensor> cal;
    if (!w.dataset.name.empty()) {
        dataset_inputs(w, g, file, r, cal);
    } else {
        for (unsigned k = 0; k < w.input_sets; ++k)
            r.real_inputs.push_back(net::generate_input(g, 0, w.seed * 7919 + k));
        for (unsigned k = 0; k < w.calibration_inputs; ++k)
            cal.push_back(net::generate_input(g, 0, w.seed * 104729 + k));
    }
    if (w.quant.smoothquant > 0)
        throw config_error(file + ": workload.smoothquant: applies to ONNX models and zoo "
                                  "transformers (LayerNorm outputs read by linear layers); '" +
                           w.network + "' is a zoo CNN");
    try {
        if (timing || w.quant.scheme == quant::scheme::none) {
            // Timing mode computes nothing: scales from unit ranges are as
            // good as calibrated ones for the cycles and bytes it reports.
            r.net = quant::quantize(g, w.quant, quant::calibration{});
        } else {
            r.net = quant::quantize(g, w.quant, cal);
        }
    } catch (const nn::no_values_error&) {
        throw;  // resolve_workload builds the values after all
    } catch (const std::exception& e) {
        throw config_error(file + ": workload: " + e.what());
    }
    for (const nn::tensor& x : r.real_inputs)
        r.inputs.push_back({quant::quantize_input(r.net, x)});
    r.network_info = network_info(g, r.net);
    if (w.sparsity.mode != "none" || w.sparsity.weight_zero_pct > 0)
        r.weight_density = weight_density(r.net);  // a pass over every weight: only when asked
    r.quantization = {{"scheme", quant::to_string(w.quant.scheme)},
                      {"precision", ref::to_string(w.quant.precision)},
                      {"bits", w.quant.bits}};
    r.values = values;
    r.compile_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.graph = std::move(g);
    return r;
}

}  // namespace

resolved_workload resolve_workload(const workload_spec& w, bool timing, const std::string& file) {
    if (runs_general(w))
        return resolve_general_workload(w, timing, file);
    // Timing mode needs the weights' sizes, not their values (as for the
    // transformers, general_workload.cpp); pruning, zero handling and
    // compressed formats read the values.
    const sparsity_spec& sp = w.sparsity;
    const auto resolve = [&](bool values) { return resolve_zoo(w, timing, file, values); };
    if (timing && sp.mode == "none" && sp.weight_zero_pct == 0 && sp.weight_format == "dense")
        return resolve_sizes_first(w.network, resolve);
    return resolve(true);
}

resolved_workload resolve_sizes_first(const std::string& network,
                                      const std::function<resolved_workload(bool values)>& resolve) {
    try {
        return resolve(false);
    } catch (const nn::no_values_error& e) {
        std::cout << "nnvp: " << network << ": building the weights' values after all ("
                  << e.what() << ")\n";
    }
    return resolve(true);
}

int64_t arrival_code(const std::string& pattern) {
    return pattern == "periodic" ? 1 : pattern == "poisson" ? 2 : 0;
}

double arrival_gap_s(const arrival_spec& a) {
    switch (arrival_code(a.pattern)) {
    case 1: return 1.0 / a.fps;
    case 2: return 1.0 / a.rate_per_s;
    default: return 0.0;
    }
}

compiler::channel_split_policy channel_split_of(const workload_spec& w) {
    return w.channel_split == "off"        ? compiler::channel_split_policy::off
           : w.channel_split == "fallback" ? compiler::channel_split_policy::fallback
                                           : compiler::channel_split_policy::mapper;
}

cost::dataflow dataflow_of(const workload_spec& w) {
    return w.dataflow == "os"   ? cost::dataflow::output_stationary
           : w.dataflow == "ws" ? cost::dataflow::weight_stationary
           : w.dataflow == "is" ? cost::dataflow::input_stationary
                                : cost::dataflow::automatic;
}

}  // namespace nnvp
