#include "app/info.h"
#include "app/info_mapping.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "app/format.h"
#include "app/info_general.h"
#include "app/info_transformer.h"
#include "sw/net/zoo.h"

namespace nnvp {

namespace {

using net::layer_stats;
using net::network_stats;

// "x=1,3,224,224" into shapes["x"]; false for a malformed value.
bool parse_input_shape(const std::string& v, std::map<std::string, std::vector<int64_t>>& shapes) {
    const std::size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0)
        return false;
    std::vector<int64_t> dims;
    std::stringstream ss(v.substr(eq + 1));
    std::string d;
    while (std::getline(ss, d, ',')) {
        try {
            std::size_t used = 0;
            const long long x = std::stoll(d, &used);
            if (used != d.size() || x < 1)
                return false;
            dims.push_back(x);
        } catch (const std::exception&) {
            return false;
        }
    }
    if (dims.empty())
        return false;
    shapes[v.substr(0, eq)] = dims;
    return true;
}

void usage(std::ostream& os) {
    os << "usage: nnvp info NETWORK|MODEL.onnx [--json] [--input-shape NAME=D,D,...]\n"
          "       nnvp info --mapping SCENARIO.json [--set key=value]... [--json]\n"
          "       nnvp info TRANSFORMER [--tokens N] [--past N] [--capacity N] [--batch N]\n"
          "                         [--export F.onnx]\n"
          "  a model is shown as the importer reads it (the one nnvp check and nnvp run\n"
          "  use): its steps, where each runs, what was fused;\n"
          "  --input-shape gives symbolic input sizes; a transformer of the zoo is built\n"
          "  for one pass (--tokens new tokens after --past cached ones, or --capacity:\n"
          "  a decode step over a static cache of N slots) and --export writes it as\n"
          "  an ONNX model; --mapping compiles a scenario's network for its platform and\n"
          "  shows how every NN-core layer was tiled and what else the mapper weighed\n"
          "  networks:";
    for (const net::zoo_entry& e : net::zoo())
        os << "\n    " << e.name << "  " << e.summary;
    for (const transformers::transformer_config& c : transformers::transformer_zoo())
        os << "\n    " << c.name << "  " << c.summary;
    os << "\n";
}

// 724406816 -> "724.4 M", as papers quote.
std::string scaled(uint64_t v) {
    const char* units[] = {"", " k", " M", " G", " T"};
    double x = static_cast<double>(v);
    int u = 0;
    while (x >= 1000.0 && u < 4) {
        x /= 1000.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.2f%s", x, units[u]);
    return buf;
}

std::string shape_text(const nn::shape4& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" +
           std::to_string(s.c);
}

// "conv2d 11x11/4 g2", "max_pool 3x3/2 ceil", "lrn (cpu)".
std::string type_text(const net::node& n) {
    std::string t = net::to_string(n.op);
    const ref::geometry& g = n.geo;
    if (n.op == net::op_type::conv2d || n.op == net::op_type::max_pool ||
        n.op == net::op_type::avg_pool) {
        t += " " + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + "/" +
             std::to_string(g.stride_h);
        if (g.stride_w != g.stride_h)
            t += "x" + std::to_string(g.stride_w);
        if (n.op == net::op_type::conv2d && g.groups > 1)
            t += g.groups == n.out_channels ? " dw" : " g" + std::to_string(g.groups);
        if (n.ceil_mode)
            t += " ceil";
    }
    if (!net::runs_on_core(n.op))
        t += " (cpu)";
    return t;
}

nlohmann::json shape_json(const nn::shape4& s) {
    return {s.n, s.h, s.w, s.c};
}

}  // namespace

void print_info_table(std::ostream& os, const net::graph& g, const network_stats& s,
                      const std::string& summary) {
    os << s.name << ": " << summary << "\n";
    for (const net::value_info& v : g.inputs())
        os << "input " << v.name << ": " << shape_text(v.shape) << " (NHWC) "
           << nn::to_string(v.type) << "\n";
    os << "\n";

    const std::vector<std::string> head = {"#",      "layer", "type",    "input",
                                           "output", "MACs",  "weights", "activations"};
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < s.layers.size(); ++i) {
        const layer_stats& l = s.layers[i];
        const net::node& n = g.nodes()[l.node_index];
        std::string in = l.inputs.empty() ? "-" : shape_text(l.inputs.front());
        if (l.inputs.size() > 1)
            in += " +" + std::to_string(l.inputs.size() - 1);
        rows.push_back({std::to_string(i + 1), l.name, type_text(n), in, shape_text(l.output),
                        l.macs ? grouped(l.macs) : "-", l.weights ? grouped(l.weights) : "-",
                        grouped(l.activations)});
    }
    std::vector<std::size_t> width(head.size());
    for (std::size_t c = 0; c < head.size(); ++c) {
        width[c] = head[c].size();
        for (const auto& r : rows)
            width[c] = std::max(width[c], r[c].size());
    }
    const auto print_row = [&](const std::vector<std::string>& r) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            const bool right = c == 0 || c >= 5;  // numbers align right
            const std::string pad(width[c] - r[c].size(), ' ');
            line += (c ? "  " : "") + (right ? pad + r[c] : r[c] + pad);
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        os << line << "\n";
    };
    print_row(head);
    for (const auto& r : rows)
        print_row(r);

    os << "\ntotals (MACs: conv and FC multiply-accumulates; weights without biases)\n";
    const auto total = [&](const char* what, int layers, uint64_t macs, uint64_t weights) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-6s %6s layers  MACs %16s (%9s)  weights %13s (%9s)\n",
                      what, layers < 0 ? "" : std::to_string(layers).c_str(), grouped(macs).c_str(),
                      scaled(macs).c_str(), grouped(weights).c_str(), scaled(weights).c_str());
        os << buf;
    };
    total("CONV", s.conv_layers, s.conv_macs, s.conv_weights);
    total("FC", s.fc_layers, s.fc_macs, s.fc_weights);
    total("total", s.conv_layers + s.fc_layers, s.macs(), s.weights());
    os << "  biases " << grouped(s.biases) << ", weights + biases "
       << grouped(s.weights_with_biases()) << " (" << scaled(s.weights_with_biases())
       << "), activations " << grouped(s.activations) << " (" << scaled(s.activations)
       << "), layers " << s.layers.size() << "\n";
}

nlohmann::json info_json(const net::graph& g, const network_stats& s, const std::string& summary) {
    nlohmann::json j;
    j["network"] = s.name;
    j["summary"] = summary;
    j["inputs"] = nlohmann::json::array();
    for (const net::value_info& v : g.inputs())
        j["inputs"].push_back(
            {{"name", v.name}, {"shape", shape_json(v.shape)}, {"dtype", nn::to_string(v.type)}});
    j["layers"] = nlohmann::json::array();
    for (const layer_stats& l : s.layers) {
        const net::node& n = g.nodes()[l.node_index];
        nlohmann::json row = {{"name", l.name},
                              {"type", net::to_string(l.op)},
                              {"class", net::to_string(l.cls)},
                              {"on_core", net::runs_on_core(l.op)},
                              {"inputs", nlohmann::json::array()},
                              {"output", shape_json(l.output)},
                              {"macs", l.macs},
                              {"weights", l.weights},
                              {"biases", l.biases},
                              {"activations", l.activations}};
        for (const nn::shape4& in : l.inputs)
            row["inputs"].push_back(shape_json(in));
        if (n.op == net::op_type::conv2d || n.op == net::op_type::max_pool ||
            n.op == net::op_type::avg_pool) {
            row["kernel"] = {n.geo.kernel_h, n.geo.kernel_w};
            row["stride"] = {n.geo.stride_h, n.geo.stride_w};
            row["pad"] = {n.geo.pad_top, n.geo.pad_left, n.geo.pad_bottom, n.geo.pad_right};
        }
        if (n.op == net::op_type::conv2d)
            row["groups"] = n.geo.groups;
        if (n.act.kind != ref::act_kind::none)
            row["activation"] = ref::to_string(n.act.kind);
        j["layers"].push_back(std::move(row));
    }
    j["totals"] = {{"layers", s.layers.size()},
                   {"conv_layers", s.conv_layers},
                   {"fc_layers", s.fc_layers},
                   {"conv_macs", s.conv_macs},
                   {"fc_macs", s.fc_macs},
                   {"macs", s.macs()},
                   {"conv_weights", s.conv_weights},
                   {"fc_weights", s.fc_weights},
                   {"weights", s.weights()},
                   {"biases", s.biases},
                   {"weights_with_biases", s.weights_with_biases()},
                   {"activations", s.activations}};
    return j;
}

int run_info(int argc, char* argv[]) {
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--mapping")
            return run_info_mapping(argc, argv);
    std::string target;
    bool json = false;
    std::map<std::string, std::vector<int64_t>> input_shapes;
    transformers::transformer_shape shape;
    std::string export_path;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json") {
            json = true;
        } else if (a == "--input-shape" && i + 1 < argc) {
            if (!parse_input_shape(argv[++i], input_shapes)) {
                std::cerr << "nnvp info: --input-shape \"" << argv[i]
                          << "\": expected NAME=D,D,... with positive sizes\n";
                return 2;
            }
        } else if ((a == "--tokens" || a == "--past" || a == "--capacity" || a == "--batch") &&
                   i + 1 < argc) {
            const int v = std::atoi(argv[++i]);
            const bool count = a == "--past" || a == "--capacity";  // 0 allowed
            (a == "--tokens" ? shape.tokens : a == "--past" ? shape.past
                              : a == "--capacity" ? shape.capacity : shape.batch) = v;
            if (v < (count ? 0 : 1)) {
                std::cerr << "nnvp info: " << a << " \"" << argv[i] << "\": expected a "
                          << (count ? "count" : "positive count") << "\n";
                return 2;
            }
        } else if (a == "--export" && i + 1 < argc) {
            export_path = argv[++i];
        } else if (a == "--help" || a == "-h") {
            usage(std::cout);
            return 0;
        } else if (target.empty() && a.rfind("--", 0) != 0) {
            target = a;
        } else {
            std::cerr << "nnvp info: unexpected argument \"" << a << "\"\n";
            usage(std::cerr);
            return 2;
        }
    }
    if (target.empty()) {
        usage(std::cerr);
        return 2;
    }
    const std::string ext = target.size() >= 5 ? target.substr(target.size() - 5) : "";
    if (ext == ".onnx" || ext == ".ONNX")
        return print_general_info(std::cout, std::cerr, target, json, input_shapes);
    if (const auto* t = transformers::find_transformer(target))
        return print_transformer_info(std::cout, std::cerr, *t, shape, json, export_path);
    const net::zoo_entry* entry = net::find_zoo(target);
    if (!entry) {
        std::cerr << "nnvp info: unknown network '" << target << "'; known networks:";
        for (const std::string& n : net::zoo_names())
            std::cerr << " " << n;
        for (const transformers::transformer_config& c : transformers::transformer_zoo())
            std::cerr << " " << c.name;
        std::cerr << "\n";
        return 2;
    }
    try {
        const net::graph g = entry->build();
        const network_stats s = net::compute_stats(g);
        if (json)
            std::cout << info_json(g, s, entry->summary).dump(2) << "\n";
        else
            print_info_table(std::cout, g, s, entry->summary);
    } catch (const net::graph_error& e) {
        std::cerr << "nnvp info: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

}  // namespace nnvp
