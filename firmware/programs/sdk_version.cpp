#include "firmware/programs/firmware_library.h"

namespace nnvp::fw {

// NNVP_SDK_VERSION comes from project(VERSION) (firmware/programs/CMakeLists.txt).
const char* sdk_version() {
    return NNVP_SDK_VERSION;
}

}  // namespace nnvp::fw
