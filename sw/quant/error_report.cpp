#include "sw/quant/error_report.h"

#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "sw/quant/float_exec.h"
#include "sw/quant/fuse.h"
#include "sw/quant/network_exec.h"
#include "sw/quant/quant_options.h"
#include "sw/quant/quantizer.h"
#include "nn/ref/quant.h"

namespace nnvp::quant {

void error_sums::add(const nn::tensor& ref, const nn::tensor& got) {
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const double x = ref.get_float(i), e = x - static_cast<double>(got.get_float(i));
        signal += x * x;
        noise += e * e;
        max_abs = std::max(max_abs, std::fabs(e));
    }
}

double error_sums::sqnr_db() const {
    if (noise == 0.0)
        return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(signal / noise);
}

namespace {


nn::tensor to_real(const nn::tensor& t, const cpuops::tensor_info& info) {
    if (nn::is_integer(t.type()))
        return ref::dequantize(t, info.q);
    nn::tensor r(nn::dtype::fp32, t.shape());
    for (std::size_t i = 0; i < t.size(); ++i)
        r.set_float(i, t.get_float(i));
    return r;
}

// Argmax of each batch row (first maximum wins).
std::vector<std::size_t> top1(const nn::tensor& t) {
    const std::size_t row = t.size() / static_cast<std::size_t>(t.shape().n);
    std::vector<std::size_t> best;
    for (std::size_t r = 0; r < t.size(); r += row) {
        std::size_t b = 0;
        for (std::size_t k = 1; k < row; ++k)
            if (t.get_float(r + k) > t.get_float(r + b))
                b = k;
        best.push_back(b);
    }
    return best;
}

}  // namespace

error_report measure_error(const net::graph& g, const compiler::network& q,
                           const std::vector<nn::tensor>& inputs, unsigned threads) {
    if (inputs.empty())
        throw quant_error("measure_error: network '" + g.name() + "': no inputs");
    const net::graph fused = fuse_activations(g);
    const std::vector<cpuops::tensor_info> infos = tensor_infos(q);
    error_report rep;
    rep.network = q.name;
    rep.inputs = inputs.size();

    // Ops that stand for a graph node, and the tensor each writes.
    std::vector<std::size_t> compared;
    for (std::size_t i = 0; i < q.ops.size(); ++i) {
        const std::size_t n = fused.find_node(q.ops[i].name);
        if (n == fused.nodes().size())
            continue;  // inserted convert ops
        compared.push_back(i);
        const compiler::net_op& op = q.ops[i];
        layer_error e;
        e.name = op.name;
        e.tensor = fused.nodes()[n].outputs.at(0);
        e.precision = op.type == compiler::op_type::layer ? ref::to_string(op.layer.prec) : "cpu";
        e.type = nn::to_string(infos[i + 1].type);
        rep.layers.push_back(e);
    }
    std::vector<error_sums> sums(compared.size());
    error_sums out_sums;
    std::size_t rows = 0, agree = 0;
    float_exec_options fopt;
    fopt.threads = threads;
    const std::size_t out_index = static_cast<std::size_t>(q.output_index());
    for (const nn::tensor& real : inputs) {
        const float_run fr = run_float(fused, {real}, fopt);
        const std::vector<nn::tensor> qr = run_network(q, quantize_input(q, real), threads);
        for (std::size_t k = 0; k < compared.size(); ++k) {
            const std::size_t i = compared[k];
            sums[k].add(fr.values.at(rep.layers[k].tensor), to_real(qr[i + 1], infos[i + 1]));
        }
        const nn::tensor& want = fr.values.at(fused.outputs().at(0));
        const nn::tensor got = to_real(qr[out_index], infos[out_index]);
        out_sums.add(want, got);
        const std::vector<std::size_t> a = top1(want), b = top1(got);
        for (std::size_t r = 0; r < a.size(); ++r, ++rows)
            agree += a[r] == b[r] ? 1 : 0;
    }
    for (std::size_t k = 0; k < compared.size(); ++k) {
        rep.layers[k].max_abs_err = sums[k].max_abs;
        rep.layers[k].sqnr_db = sums[k].sqnr_db();
    }
    rep.output_max_abs_err = out_sums.max_abs;
    rep.output_sqnr_db = out_sums.sqnr_db();
    rep.top1_agreement = rows ? static_cast<double>(agree) / static_cast<double>(rows) : 0.0;
    return rep;
}

std::string to_json(const error_report& r) {
    const auto num = [](double v) {
        return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
    };
    nlohmann::json j;
    j["network"] = r.network;
    j["inputs"] = r.inputs;
    j["output_max_abs_err"] = num(r.output_max_abs_err);
    j["output_sqnr_db"] = num(r.output_sqnr_db);
    j["top1_agreement"] = r.top1_agreement;
    j["layers"] = nlohmann::json::array();
    for (const layer_error& e : r.layers)
        j["layers"].push_back({{"name", e.name},
                               {"tensor", e.tensor},
                               {"precision", e.precision},
                               {"type", e.type},
                               {"max_abs_err", num(e.max_abs_err)},
                               {"sqnr_db", num(e.sqnr_db)}});
    return j.dump(2);
}

}  // namespace nnvp::quant
