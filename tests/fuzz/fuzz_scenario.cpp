// libFuzzer target: a scenario file. Any input must load or be refused with
// config_error (nnvp's exit 2); any other exception or crash is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/scenario.h"
#include "ip/common/config_reader.h"

// The SystemC library nnvp_app links wants an sc_main; the fuzzer never
// elaborates a model.
int sc_main(int, char**) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    // Two levels below a link to the repo's platform configs, as scenarios
    // lie, so "../../platform/configs/default.json" resolves.
    static const std::string path = [] {
        namespace fs = std::filesystem;
        const fs::path root = fs::temp_directory_path() / "nnvp_fuzz_scenario";
        fs::create_directories(root / "scenarios" / "fuzz");
        if (!fs::exists(root / "platform"))
            fs::create_directory_symlink(fs::path(NNVP_SOURCE_DIR) / "platform", root / "platform");
        return (root / "scenarios" / "fuzz" / "input.json").string();
    }();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data),
                                                static_cast<std::streamsize>(size));
    try {
        nnvp::load_scenario(path, {});
    } catch (const nnvp::config_error&) {
    }
    return 0;
}
