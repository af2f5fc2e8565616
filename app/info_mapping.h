// `nnvp info --mapping SCENARIO.json [--set key=value]... [--json]`: how the
// compiler tiled every NN-core layer of the scenario's network for its
// platform (sw/compiler/mapper.h): the tiling it chose, the estimate it chose
// by, and the tilings it weighed. Compiles only (timing mode), no simulation.
#pragma once

namespace nnvp {

// argv as main() receives it (argv[1] == "info"). Exit codes: 0, 2 bad input.
int run_info_mapping(int argc, char* argv[]);

}  // namespace nnvp
