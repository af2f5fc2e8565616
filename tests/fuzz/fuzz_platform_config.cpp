// libFuzzer target: a platform config. Any input must parse or be refused
// with config_error; any other exception or crash is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ip/common/config_reader.h"
#include "platform/platform_config.h"

// The SystemC library nnvp_platform links wants an sc_main; the fuzzer never
// elaborates a model.
int sc_main(int, char**) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {  // the loader nnvp uses: depth, syntax and number range checked
        const nnvp::config_node doc = nnvp::parse_config_text(text, "fuzz.json");
        nnvp::parse_platform_config(doc.json(), "fuzz.json");
    } catch (const nnvp::config_error&) {
    }
    return 0;
}
