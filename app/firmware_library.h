// Firmware libraries (firmware/programs/firmware_library.h): loads one with
// dlopen, checks that it was built against this nnvp's SDK and hands out its
// programs. Every problem is a config_error naming where the path came from.
#pragma once

#include "firmware/programs/firmware_library.h"

#include <string>
#include <vector>

namespace nnvp {

struct firmware_library {
    std::string path;  // as given, after resolving against the scenario's folder
    std::vector<const fw::program*> programs;

    // The program called `name`; an empty name picks the only one.
    // `origin` names the field for messages ("s.json: firmware.program").
    const fw::program& pick(const std::string& name, const std::string& origin) const;
};

// Loads the library at `path` once per process and keeps it loaded (the
// programs live in it). `origin` says where the path came from, for messages.
const firmware_library& load_firmware_library(const std::string& path, const std::string& origin);

}  // namespace nnvp
