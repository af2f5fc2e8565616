// Every firmware program a scenario can boot.
#include "firmware/programs/registry.h"

namespace nnvp::fw {

extern const program dma_tensor_demo_program;
extern const program dma_error_demo_program;
extern const program nn_layer_demo_program;
extern const program nn_package_demo_program;
extern const program nn_network_program;
extern const program llm_generate_program;
extern const program guest_fuzz_program;

const std::vector<program>& programs() {
    static const std::vector<program> all = {dma_tensor_demo_program, dma_error_demo_program,
                                              nn_layer_demo_program, nn_package_demo_program,
                                              nn_network_program, llm_generate_program,
                                              guest_fuzz_program};
    return all;
}

const program* find_program(const std::string& name) {
    for (const auto& p : programs())
        if (p.name == name)
            return &p;
    return nullptr;
}

}  // namespace nnvp::fw
