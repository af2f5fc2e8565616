// A firmware library with a single program: a scenario may leave
// firmware.program out.
#include "firmware/programs/firmware_library.h"

namespace {

int only(nnvp::fw::hal& h, const nnvp::fw::program_args&) {
    h.log("only: ran");
    return 0;
}

const nnvp::fw::program programs[] = {{"only", "logs one line", {}, only}};

}  // namespace

NNVP_FIRMWARE_ENTRY const nnvp::fw::firmware_manifest* nnvp_firmware() {
    return nnvp::fw::manifest_of(programs);
}
