#include "app/firmware_library.h"

#include "ip/common/config_reader.h"

#include <dlfcn.h>

#include <filesystem>
#include <map>
#include <memory>
#include <system_error>

namespace nnvp {

namespace fs = std::filesystem;

namespace {

// Rebuilding against the installed SDK is the fix for every version problem.
const char* rebuild_hint =
    "rebuild it against this nnvp's SDK (find_package(nnvp) with CMAKE_PREFIX_PATH set to "
    "where this nnvp is installed; docs/bringup.md)";

// The manifest's fields, checked before anything else of the library is used.
void check_manifest(const fw::firmware_manifest* m, const std::string& where) {
    if (!m)
        throw config_error(where + ": " + fw::firmware_entry_symbol + "() returned no manifest");
    if (m->abi_version != fw::firmware_abi_version)
        throw config_error(where + ": built for nnvp firmware ABI " +
                           std::to_string(m->abi_version) + ", this nnvp " + fw::sdk_version() +
                           " has ABI " + std::to_string(fw::firmware_abi_version) + ": " +
                           rebuild_hint);
    const std::string version = m->sdk_version ? m->sdk_version : "(none)";
    if (version != fw::sdk_version())
        throw config_error(where + ": built against nnvp SDK " + version + ", this is nnvp " +
                           fw::sdk_version() + ": " + rebuild_hint);
    if (m->program_size != sizeof(fw::program))
        throw config_error(where + ": its program struct has " + std::to_string(m->program_size) +
                           " bytes, nnvp's " + std::to_string(sizeof(fw::program)) +
                           " (another compiler or C++ standard library?): " + rebuild_hint);
    if (!m->programs || m->count == 0)
        throw config_error(where + ": declares no program");
}

firmware_library open_library(const std::string& path, const std::string& origin) {
    const std::string where = origin + ": firmware library " + path;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw config_error(where +
                           ": no such file (a path relative to the scenario's folder, "
                           "or --firmware relative to the current folder)");
    if (!fs::is_regular_file(path, ec))
        throw config_error(where +
                           ": not a regular file (expected the .so nnvp_add_firmware "
                           "builds)");
    // dlopen searches the library path for a name without a slash.
    const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
    void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        throw config_error(where + ": cannot be loaded as a shared library: " + dlerror());
    // Kept open for the life of the process: the programs point into it.
    dlerror();
    void* sym = dlsym(handle, fw::firmware_entry_symbol);
    if (!sym)
        throw config_error(where + ": has no entry point " + fw::firmware_entry_symbol +
                           " (declare one with NNVP_FIRMWARE_ENTRY, firmware_library.h; built "
                           "with nnvp_add_firmware?)");
    const auto entry = reinterpret_cast<fw::firmware_entry_fn>(sym);
    const fw::firmware_manifest* m = entry();
    check_manifest(m, where);
    firmware_library lib;
    lib.path = path;
    for (std::size_t i = 0; i < m->count; ++i) {
        const fw::program& p = m->programs[i];
        if (p.name.empty() || !p.entry)
            throw config_error(where + ": program " + std::to_string(i) +
                               " has no name or no entry function");
        lib.programs.push_back(&p);
    }
    return lib;
}

}  // namespace

const fw::program& firmware_library::pick(const std::string& name,
                                          const std::string& origin) const {
    std::string known;
    for (const fw::program* p : programs) {
        if (p->name == name || (name.empty() && programs.size() == 1))
            return *p;
        known += (known.empty() ? "" : ", ") + p->name;
    }
    if (name.empty())
        throw config_error(origin + ": firmware library " + path + " has " +
                           std::to_string(programs.size()) + " programs (" + known +
                           "): name one in firmware.program");
    throw config_error(origin + ": unknown program \"" + name + "\" in firmware library " + path +
                       " (it has: " + known + ")");
}

const firmware_library& load_firmware_library(const std::string& path, const std::string& origin) {
    static std::map<std::string, std::unique_ptr<firmware_library>> loaded;
    std::error_code ec;
    const std::string key = fs::weakly_canonical(path, ec).string();
    auto it = loaded.find(key);
    if (it == loaded.end())
        it = loaded.emplace(key, std::make_unique<firmware_library>(open_library(path, origin)))
                 .first;
    return *it->second;
}

}  // namespace nnvp
