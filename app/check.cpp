#include "app/check.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "app/network_job.h"
#include "platform/platform_config.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"
#include "sw/compiler/reference.h"

namespace nnvp {

namespace {

namespace fs = std::filesystem;
using onnx_import::onnx_error;
using onnx_import::onnx_tensor;

constexpr double k_rtol = 1e-3;  // onnx/backend/test/case: default rtol
constexpr double k_atol = 1e-7;  // and atol of the node test cases

// The default platform config: an installed nnvp (PREFIX/bin/nnvp) uses
// the one installed beside it (PREFIX/share/nnvp/platforms), a build tree's
// the source tree's.
std::string default_platform() {
    std::error_code ec;
    fs::path prefix = fs::read_symlink("/proc/self/exe", ec).parent_path();
    if (!ec) {
        const fs::path bindir = NNVP_INSTALL_BINDIR;
        for (auto it = bindir.begin(); it != bindir.end(); ++it)
            prefix = prefix.parent_path();
        const fs::path installed = prefix / NNVP_INSTALLED_PLATFORM;
        if (fs::exists(installed, ec))
            return installed.string();
    }
    return NNVP_DEFAULT_PLATFORM;
}

struct check_options {
    std::string case_dir;
    std::string platform = default_platform();  // the virtual SoC's platform config
    bool host = false;  // run on the host reference executor instead of the SoC
};

void usage(std::ostream& os) {
    os << "usage: nnvp check CASE_DIR [--platform FILE] [--mode functional] [--host]\n"
          "  CASE_DIR holds model.onnx and test_data_set_*/{input,output}_*.pb (an ONNX\n"
          "  backend test case) on the virtual SoC (--host: on the host reference\n"
          "  executor). Exit 0 match, 1 mismatch, 2 unsupported or bad input.\n"
          "  --platform defaults to "
       << default_platform() << "\n";
}

// Every output port of the network: graph output 0, then the others in ONNX order.
std::vector<onnx_import::port> output_ports(const onnx_import::check_network& cn) {
    std::vector<onnx_import::port> ports = {cn.output};
    ports.insert(ports.end(), cn.extra_outputs.begin(), cn.extra_outputs.end());
    return ports;
}

// The one place the network runs: on the virtual SoC (one job per process:
// SystemC elaborates once), or with --host on the host reference executor.
// Per input set, the outputs in output_ports() order.
std::vector<std::vector<nn::tensor>> run_network(const onnx_import::check_network& cn,
                                                 const std::vector<std::vector<nn::tensor>>& sets,
                                                 const check_options& opt) {
    const compiler::network& net = cn.net;
    const std::vector<onnx_import::port> ports = output_ports(cn);
    std::vector<std::vector<nn::tensor>> outs;
    if (opt.host) {
        for (const auto& set : sets) {
            const std::vector<nn::tensor> all = compiler::reference_run(net, set);
            std::vector<nn::tensor> mine;
            for (const onnx_import::port& p : ports)
                mine.push_back(all[static_cast<std::size_t>(p.tensor)]);
            outs.push_back(std::move(mine));
        }
        return outs;
    }
    const platform_config cfg = load_platform_config(opt.platform);
    network_job job;
    job.net = net;
    job.input_sets = sets;
    job.inferences = static_cast<unsigned>(sets.size());
    const network_job_result r = run_network_job(job, cfg);
    if (!r.ok) {
        if (r.kinds.empty())  // the compiler rejected the network
            throw onnx_error("the network does not compile for the platform: " + r.error);
        throw std::runtime_error("the virtual SoC run failed: " + r.error);
    }
    if (r.outputs.size() != sets.size() || r.extra_outputs.size() != sets.size())
        throw std::runtime_error("the virtual SoC returned " + std::to_string(r.outputs.size()) +
                                 " outputs for " + std::to_string(sets.size()) + " input sets");
    for (std::size_t i = 0; i < sets.size(); ++i) {
        std::vector<nn::tensor> mine = {r.outputs[i]};
        for (std::size_t k = 1; k < ports.size(); ++k) {
            // The package returns the extra outputs by ascending tensor index.
            const auto at =
                std::find(net.extra_outputs.begin(), net.extra_outputs.end(), ports[k].tensor) -
                net.extra_outputs.begin();
            mine.push_back(r.extra_outputs[i].at(static_cast<std::size_t>(at)));
        }
        outs.push_back(std::move(mine));
    }
    return outs;
}

// "[0, 2, 1]" of flat index i in dims.
std::string index_text(std::size_t i, const std::vector<int64_t>& dims) {
    std::vector<int64_t> idx(dims.size());
    for (std::size_t k = dims.size(); k-- > 0;) {
        idx[k] = static_cast<int64_t>(i % static_cast<std::size_t>(dims[k]));
        i /= static_cast<std::size_t>(dims[k]);
    }
    return onnx_import::dims_text(idx);
}

// Compares one output; prints the first mismatches. True on a match.
bool compare(const onnx_tensor& got, const onnx_tensor& want, const std::string& label) {
    if (got.dims != want.dims || got.elem_type != want.elem_type) {
        std::cout << label << ": shape or type differs from the expected "
                  << onnx_import::elem_type_name(want.elem_type) << " tensor\n";
        return false;
    }
    const bool is_float = nn::is_float(want.data.type());
    std::size_t bad = 0;
    double max_err = 0;
    for (std::size_t i = 0; i < want.count(); ++i) {
        bool ok;
        if (is_float) {
            const double g = got.value(i), w = want.value(i);
            const double err = std::fabs(g - w);
            ok =
                (std::isnan(g) && std::isnan(w)) || g == w || err <= k_atol + k_rtol * std::fabs(w);
            if (std::isfinite(err))
                max_err = std::max(max_err, err);
        } else {
            ok = got.int_value(i) == want.int_value(i);
        }
        if (!ok && ++bad <= 10)
            std::cout << label << index_text(i, want.dims) << ": got " << got.value(i)
                      << ", expected " << want.value(i) << "\n";
    }
    if (bad) {
        std::cout << label << ": " << bad << " of " << want.count() << " elements differ"
                  << (is_float ? " beyond rtol 1e-3, atol 1e-7" : " (integers: exact)") << "\n";
        return false;
    }
    std::cout << label << ": " << want.count() << " elements match"
              << (is_float ? " (max |err| " + std::to_string(max_err) + ")" : " exactly") << "\n";
    return true;
}

// input_0.pb, input_1.pb, ... of a data set, in order.
std::vector<onnx_tensor> read_numbered(const fs::path& dir, const std::string& stem) {
    std::vector<onnx_tensor> r;
    for (int k = 0;; ++k) {
        const fs::path p = dir / (stem + "_" + std::to_string(k) + ".pb");
        if (!fs::exists(p))
            return r;
        r.push_back(onnx_import::read_tensor_pb(p.string()));
    }
}

int check_case(const check_options& opt) {
    const fs::path dir(opt.case_dir);
    const std::string model_path = (dir / "model.onnx").string();
    const onnx::ModelProto model = onnx_import::load_model(model_path);
    std::vector<fs::path> sets;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
            sets.push_back(e.path());
    std::sort(sets.begin(), sets.end());
    if (sets.empty())
        throw onnx_error(opt.case_dir + ": no test_data_set_* directory");

    // Graph inputs that are not initializers, in order: input_<k>.pb is the k-th.
    std::vector<std::string> input_names;
    for (const auto& gi : model.graph().input()) {
        bool init = false;
        for (const auto& t : model.graph().initializer())
            init |= t.name() == gi.name();
        if (!init)
            input_names.push_back(gi.name());
    }
    // One network for all data sets: they must bind the same parameters.
    std::optional<onnx_import::check_network> cn;
    std::map<std::string, onnx_tensor> first_bound;
    std::vector<std::vector<nn::tensor>> input_sets;
    std::vector<std::vector<onnx_tensor>> expected;
    for (const fs::path& set : sets) {
        const std::vector<onnx_tensor> ins = read_numbered(set, "input");
        const std::vector<onnx_tensor> outs = read_numbered(set, "output");
        if (ins.size() > input_names.size())
            throw onnx_error(set.string() + ": " + std::to_string(ins.size()) +
                             " input files, the model has " + std::to_string(input_names.size()) +
                             " inputs");
        if (outs.size() != static_cast<std::size_t>(model.graph().output_size()))
            throw onnx_error(
                set.string() + ": " + std::to_string(outs.size()) + " output files: expected " +
                std::to_string(model.graph().output_size()) + " (one per graph output)");
        std::map<std::string, onnx_tensor> bound;
        for (std::size_t k = 0; k < ins.size(); ++k)
            bound[input_names[k]] = ins[k];
        if (!cn) {
            cn = onnx_import::import_for_check(model, bound, model_path);
            first_bound = bound;
        }
        std::vector<nn::tensor> data;
        for (const onnx_import::port& p : cn->inputs)
            data.push_back(onnx_import::to_package(p, bound.at(p.name)));
        for (const auto& [name, v] : bound) {
            bool runtime = false;
            for (const onnx_import::port& p : cn->inputs)
                runtime |= p.name == name;
            if (!runtime && v.data.bytes() != first_bound.at(name).data.bytes())
                throw onnx_error(set.string() + ": parameter '" + name +
                                 "' differs from the first data set's (one network per case)");
        }
        input_sets.push_back(std::move(data));
        expected.push_back(outs);
    }
    const std::vector<std::vector<nn::tensor>> got = run_network(*cn, input_sets, opt);
    const std::vector<onnx_import::port> ports = output_ports(*cn);
    bool all_match = true;
    for (std::size_t i = 0; i < sets.size(); ++i)
        for (std::size_t k = 0; k < ports.size(); ++k) {
            const std::string label =
                sets[i].filename().string() + " output '" + ports[k].name + "'";
            all_match &=
                compare(onnx_import::from_package(ports[k], got[i][k]), expected[i][k], label);
        }
    return all_match ? 0 : 1;
}

}  // namespace

int run_check(int argc, char* argv[]) {
    check_options opt;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--platform" && i + 1 < argc) {
            opt.platform = argv[++i];
        } else if (a == "--mode" && i + 1 < argc) {
            const std::string mode = argv[++i];
            if (mode != "functional") {
                std::cerr << "nnvp check: --mode " << mode
                          << ": expected functional (a check compares computed values)\n";
                return 2;
            }
        } else if (a == "--host") {
            opt.host = true;
        } else if (a == "--help" || a == "-h") {
            usage(std::cout);
            return 0;
        } else if (opt.case_dir.empty() && a.rfind("--", 0) != 0) {
            opt.case_dir = a;
        } else {
            std::cerr << "nnvp check: unexpected argument \"" << a << "\"\n";
            usage(std::cerr);
            return 2;
        }
    }
    if (opt.case_dir.empty()) {
        usage(std::cerr);
        return 2;
    }
    if (!opt.platform.empty() && !fs::exists(opt.platform)) {
        std::cerr << "nnvp check: --platform " << opt.platform << ": no such file\n";
        return 2;
    }
    try {
        return check_case(opt);
    } catch (const onnx_error& e) {
        std::cerr << "nnvp check: " << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "nnvp check: " << opt.case_dir << ": " << e.what() << "\n";
        return 2;
    }
}

}  // namespace nnvp
