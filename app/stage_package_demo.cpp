// Host side of nn_package_demo: the tiny classifier its arguments describe,
// compiled into a package for the platform (loaded 16 MiB into DRAM, arena at
// 32 MiB, every intermediate kept so the firmware can check it), a seeded
// input at 48 MiB and, in functional mode, the chained reference executor's
// tensors at 56 MiB as golden copies (one per step, 64-byte aligned).
#include <stdexcept>

#include "app/firmware_staging.h"
#include "ip/common/config_reader.h"
#include "sw/compiler/sample_network.h"

namespace nnvp {

namespace {

constexpr uint64_t MiB = 0x100000;

uint64_t align64(uint64_t v) {
    return (v + 63) / 64 * 64;
}

}  // namespace

firmware_staging stage_package_demo(const fw::program_args& args, const platform_config& cfg) {
    compiler::sample_shape shape;
    shape.size = static_cast<int>(args.get("size"));
    shape.channels = static_cast<int>(args.get("channels"));
    shape.classes = static_cast<int>(args.get("classes"));
    const auto seed = static_cast<uint32_t>(args.get("seed"));
    compiler::network net = compiler::tiny_classifier(seed, shape);
    if (args.get("fc_on_cpu") != 0)
        net.ops[3].where = compiler::placement::cpu;
    const uint64_t dram = cfg.map.at("dram").base;
    const cost::core_params& core = cfg.nncore.core;
    compiler::build_options opt;
    opt.load_address = dram + 16 * MiB;
    opt.arena_base = dram + 32 * MiB;
    opt.reuse_arena = false;  // every intermediate survives, for checking
    opt.buffers = {core.input_kb, core.weight_kb, core.output_kb};
    opt.core_precisions = (1u << cost::num_precisions) - 1;  // the core runs every precision
    compiler::built_package pkg;
    try {
        pkg = compiler::build(net, opt);
    } catch (const std::invalid_argument& e) {
        throw config_error("firmware.args: nn_package_demo cannot build the package: " +
                           std::string(e.what()));
    }
    const nn::tensor input = compiler::random_input(net, seed);
    firmware_staging s;
    s.blocks.push_back({opt.load_address, compiler::to_vector(pkg.image)});
    s.blocks.push_back({dram + 48 * MiB, input.bytes()});
    s.args = {{"package", static_cast<int64_t>(opt.load_address)},
              {"input", static_cast<int64_t>(dram + 48 * MiB)}};
    if (args.get("timing") == 0) {
        const std::vector<nn::tensor> ref = compiler::reference_run(net, input);
        staged_block golden{dram + 56 * MiB, {}};
        for (std::size_t i = 1; i < ref.size(); ++i) {
            const std::vector<uint8_t>& b = ref[i].bytes();
            golden.bytes.insert(golden.bytes.end(), b.begin(), b.end());
            golden.bytes.resize(align64(golden.bytes.size()), 0);
        }
        s.blocks.push_back(std::move(golden));
        s.args["expected"] = static_cast<int64_t>(dram + 56 * MiB);
    }
    return s;
}

}  // namespace nnvp
