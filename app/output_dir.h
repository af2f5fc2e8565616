// The output folder of a run: checked before the simulation (an unwritable
// --out must not cost a whole run), and every file written into it checked.
#pragma once

#include <fstream>
#include <string>

namespace nnvp {

// Creates `dir` (and its parents) and writes and removes a probe file in it;
// config_error naming `what` ("--out") and the reason when that fails.
void prepare_output_dir(const std::string& dir, const std::string& what);

// Flushes and closes `out` (a file of the output folder at `path`);
// std::runtime_error "path: cannot write (reason)" when any write failed.
void finish_output_file(std::ofstream& out, const std::string& path);

}  // namespace nnvp
