// libFuzzer target: an ONNX model, loaded and imported as `nnvp check` and
// `nnvp run` do. Any input must import or be refused with onnx_error.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/nnvp_fuzz_input.onnx";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data),
                                                static_cast<std::streamsize>(size));
    try {
        const onnx::ModelProto m = nnvp::onnx_import::load_model(path);
        nnvp::onnx_import::import_for_check(m, {}, path);
    } catch (const nnvp::onnx_import::onnx_error&) {
    }
    return 0;
}
