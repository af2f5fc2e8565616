// The programs built into nnvp (registry.cpp). Not part of the SDK: a
// firmware library declares its own (firmware_library.h).
#pragma once

#include "firmware/programs/program.h"

#include <string>
#include <vector>

namespace nnvp::fw {

const std::vector<program>& programs();
const program* find_program(const std::string& name);

}  // namespace nnvp::fw
