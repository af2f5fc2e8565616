// Every firmware program a scenario can boot.
#include "firmware/programs/program.h"

namespace nnvp::fw {

extern const program dma_tensor_demo_program;
extern const program dma_error_demo_program;
extern const program nn_layer_demo_program;
extern const program nn_package_demo_program;
extern const program nn_network_program;
extern const program llm_generate_program;

const std::vector<program>& programs() {
    static const std::vector<program> all = {dma_tensor_demo_program, dma_error_demo_program,
                                              nn_layer_demo_program, nn_package_demo_program,
                                              nn_network_program, llm_generate_program};
    return all;
}

}  // namespace nnvp::fw
