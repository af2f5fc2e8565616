#include "app/package_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/package_codec.h"
#include "sw/dataset/fmnist_model.h"

namespace nnvp {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr char entry_magic[8] = {'N', 'N', 'V', 'P', 'P', 'K', 'G', 'C'};
constexpr uint32_t entry_version = 2;
// magic, version, checksum of everything after it
constexpr std::size_t entry_header = 8 + 4 + 8;

// Keys of the workload section that the network does not depend on: only
// the run reads them (when and how often it runs, its power policy, checks).
const char* const run_only_keys[] = {"inferences", "arrival", "power", "log_steps", "check"};

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get_u64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= uint64_t{p[i]} << (8 * i);
    return v;
}

void put_text(std::vector<uint8_t>& out, const std::string& s) {
    put_u64(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

// The text at `at` (a length, then bytes); false when it runs past the end.
bool get_text(const std::vector<uint8_t>& in, std::size_t& at, std::string& s) {
    if (in.size() - at < 8)
        return false;
    const uint64_t n = get_u64(in.data() + at);
    at += 8;
    if (n > in.size() - at)
        return false;
    s.assign(reinterpret_cast<const char*>(in.data() + at), n);
    at += n;
    return true;
}

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// What a workload reads from files, if anything ("" when nothing).
std::string file_input(const workload_spec& w) {
    if (!w.network_path.empty())
        return "an ONNX model";
    if (!w.weights_path.empty() || w.network == dataset::fmnist_network_name)
        return "a weights file";
    if (!w.dataset.name.empty())
        return "a dataset";
    if (!w.input_files.empty())
        return "input files";
    return "";
}

}  // namespace

std::string package_cache_refusal(const scenario& sc) {
    if (!sc.workload)
        return "no workload";
    if (sc.workload->generate > 0)
        return "a generation workload";
    const std::string files = file_input(*sc.workload);
    return files.empty()
               ? ""
               : "the network comes from " + files + ", whose contents the key does not hold";
}

json package_network_identity(const scenario& sc) {
    if (!package_cache_refusal(sc).empty())
        return nullptr;
    json workload = sc.resolved.value("workload", json::object());
    for (const char* key : run_only_keys)
        workload.erase(key);
    return {{"mode", sc.mode}, {"workload", workload}};
}

// Every field but `core` is listed here; the core's parameters are the
// platform's "nncore" section (and the nncore domain's nominal voltage),
// which parse_core_params reads alone.
static_assert(sizeof(compiler::build_options) == 88 + sizeof(std::optional<cost::core_params>),
              "build_options changed: add the new option to package_inputs()");

json package_inputs(const json& network_identity, const compiler::build_options& o,
                    const json& nncore_section) {
    json core = nullptr;
    if (o.core)
        core = {{"nncore", nncore_section}, {"nominal_v", o.core->nominal_v}};
    return {{"entry_version", entry_version},
            {"network", network_identity},
            {"load_address", o.load_address},
            {"arena_base", o.arena_base},
            {"arena_capacity", o.arena_capacity},
            {"overflow_arena_base", o.overflow_arena_base},
            {"buffers_kb", {o.buffers.input_kb, o.buffers.weight_kb, o.buffers.output_kb}},
            {"dataflow", static_cast<int>(o.df)},
            {"weight_format", static_cast<int>(o.weight_format)},
            {"core", core},
            {"dram_bytes_per_cycle", o.dram_bytes_per_cycle},
            {"dram_pj_per_byte", o.dram_pj_per_byte},
            {"dram_burst_bytes", o.dram_burst_bytes},
            {"dram_burst_cycles", o.dram_burst_cycles},
            {"channel_split", static_cast<int>(o.channel_split)},
            {"core_precisions", o.core_precisions},
            {"reuse_arena", o.reuse_arena}};
}

std::string nnvp_build_stamp() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return "unknown";
    const auto size = fs::file_size(exe, ec);
    const auto time = fs::last_write_time(exe, ec);
    if (ec)
        return exe.string();
    return exe.string() + " " + std::to_string(size) + " bytes, modified " +
           std::to_string(time.time_since_epoch().count());
}

json package_cache_use::json() const {
    nlohmann::json j = {{"entry", entry}, {"outcome", outcome}};
    if (!problem.empty())
        j["problem"] = problem;
    return j;
}

std::string package_cache_use::console_line() const {
    if (outcome == "hit")
        return "package cache: hit, the package comes from " + entry;
    if (outcome == "replaced")
        return "package cache: refused " + entry + " (" + problem +
               "); compiled again and replaced it";
    std::string line = "package cache: miss; compiled and stored " + entry;
    if (!problem.empty())
        line = "package cache: miss; compiled, but could not store " + entry + ": " + problem;
    return line;
}

package_cache::package_cache(std::string dir, std::string stamp)
    : m_dir(std::move(dir)), m_stamp(std::move(stamp)) {}

std::string package_cache::entry_path(const json& inputs) const {
    const std::string text = inputs.dump();
    const uint64_t h = checksum64(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    return (fs::path(m_dir) / (hex64(h) + ".pkg")).string();
}

std::optional<compiler::built_package> package_cache::find(const json& inputs,
                                                           std::string& problem) const {
    problem.clear();
    std::ifstream in(entry_path(inputs), std::ios::binary | std::ios::ate);
    if (!in)
        return std::nullopt;  // a plain miss
    std::vector<uint8_t> bytes(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) {
        problem = "corrupt: cannot be read whole";
        return std::nullopt;
    }
    if (bytes.size() < entry_header || std::memcmp(bytes.data(), entry_magic, 8) != 0) {
        problem = "not a package-cache entry";
        return std::nullopt;
    }
    const uint64_t version = bytes[8] | bytes[9] << 8 | bytes[10] << 16 | uint64_t{bytes[11]} << 24;
    if (version != entry_version) {
        problem = "entry format " + std::to_string(version) + ", expected " +
                  std::to_string(entry_version);
        return std::nullopt;
    }
    if (get_u64(bytes.data() + 12) !=
        checksum64(bytes.data() + entry_header, bytes.size() - entry_header)) {
        problem = "corrupt: its checksum does not match its contents";
        return std::nullopt;
    }
    std::size_t at = entry_header;
    std::string stored_inputs, stored_stamp;
    if (!get_text(bytes, at, stored_inputs) || !get_text(bytes, at, stored_stamp)) {
        problem = "corrupt: truncated";
        return std::nullopt;
    }
    if (stored_inputs != inputs.dump()) {
        problem = "stale: built for other inputs";
        return std::nullopt;
    }
    if (stored_stamp != m_stamp) {
        problem = "stale: written by another nnvp build (" + stored_stamp + ")";
        return std::nullopt;
    }
    try {
        bytes.erase(bytes.begin(), bytes.begin() + static_cast<long>(at));  // the package
        return decode_built_package(bytes);
    } catch (const package_codec_error& e) {
        problem = std::string("corrupt: ") + e.what();
    }
    return std::nullopt;
}

std::string package_cache::store(const json& inputs, const compiler::built_package& pkg) const {
    std::vector<uint8_t> rest;
    put_text(rest, inputs.dump());
    put_text(rest, m_stamp);
    const std::vector<uint8_t> body = encode_built_package(pkg);
    rest.insert(rest.end(), body.begin(), body.end());
    std::vector<uint8_t> bytes(entry_magic, entry_magic + 8);
    for (int i = 0; i < 4; ++i)
        bytes.push_back(static_cast<uint8_t>(entry_version >> (8 * i)));
    put_u64(bytes, checksum64(rest.data(), rest.size()));
    bytes.insert(bytes.end(), rest.begin(), rest.end());

    const std::string path = entry_path(inputs);
    const std::string temp = path + ".tmp" + std::to_string(::getpid());
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    {
        std::ofstream out(temp, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            fs::remove(temp, ec);
            return "cannot write " + temp;
        }
    }
    fs::rename(temp, path, ec);  // atomic: readers see the old entry or the new one
    if (ec) {
        fs::remove(temp, ec);
        return "cannot rename " + temp + ": " + ec.message();
    }
    return "";
}

namespace {

// A cached package must describe this network: as many tensors and steps.
bool fits_network(const compiler::built_package& pkg, const compiler::network& net) {
    const std::size_t ops = net.ops.size();
    return pkg.tensors.size() == static_cast<std::size_t>(net.tensor_count()) &&
           pkg.kinds.size() == ops && pkg.core_programs.size() == ops &&
           pkg.mappings.size() == ops && pkg.cpu_reasons.size() == ops && !pkg.image.empty();
}

}  // namespace

compiler::built_package build_with_cache(const compiler::network& net,
                                         const compiler::build_options& o,
                                         const platform_config& cfg, const std::string& cache_dir,
                                         const json& network_identity,
                                         std::optional<package_cache_use>& use) {
    const package_cache cache(cache_dir);
    const json inputs = package_inputs(network_identity, o, cfg.resolved.value("nncore", json()));
    package_cache_use u;
    u.entry = cache.entry_path(inputs);
    std::optional<compiler::built_package> found = cache.find(inputs, u.problem);
    if (found && !fits_network(*found, net)) {
        found.reset();
        u.problem = "corrupt: it does not match the network's tensors and steps";
    }
    if (found) {
        u.outcome = "hit";
        use = u;
        return std::move(*found);
    }
    u.outcome = u.problem.empty() ? "stored" : "replaced";
    compiler::built_package pkg = compiler::build(net, o);
    const std::string not_stored = cache.store(inputs, pkg);
    if (!not_stored.empty())
        u.problem += (u.problem.empty() ? "" : "; ") + not_stored;
    use = u;
    return pkg;
}

}  // namespace nnvp
