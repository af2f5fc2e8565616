#include "app/firmware_staging.h"

namespace nnvp {

std::optional<firmware_staging> stage_firmware(const fw::program& program,
                                               const fw::program_args& args,
                                               const platform_config& cfg) {
    if (program.name == "nn_layer_demo")
        return stage_layer_demo(args, cfg);
    if (program.name == "nn_package_demo")
        return stage_package_demo(args, cfg);
    return std::nullopt;
}

fw::program_args with_staging(const fw::program& program, const fw::program_args& args,
                              const firmware_staging& s) {
    std::map<std::string, int64_t> values = args.values();
    for (const auto& [key, value] : s.args)
        values[key] = value;
    const std::string problem = program.resolve(values);
    if (!problem.empty())
        throw config_error("firmware.args: " + problem);
    return fw::program_args(values);
}

void preload(const firmware_staging& s, soc& chip) {
    const uint64_t base = chip.config().map.at("dram").base;
    for (const staged_block& b : s.blocks)
        chip.dram().load(b.address - base, b.bytes.data(), b.bytes.size());
}

}  // namespace nnvp
