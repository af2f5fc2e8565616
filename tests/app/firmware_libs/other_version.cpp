// A library as another nnvp's SDK would have built it: the manifest is
// written by hand with a different ABI or SDK version (OTHER_ABI /
// OTHER_SDK), so nnvp must refuse it before looking at its programs.
#include "firmware/programs/firmware_library.h"

namespace {

int never(nnvp::fw::hal&, const nnvp::fw::program_args&) {
    return 0;
}

const nnvp::fw::program programs[] = {{"never", "must not run", {}, never}};

}  // namespace

NNVP_FIRMWARE_ENTRY const nnvp::fw::firmware_manifest* nnvp_firmware() {
#ifdef OTHER_ABI
    static const nnvp::fw::firmware_manifest m{nnvp::fw::firmware_abi_version + 1,
                                               sizeof(nnvp::fw::program), nnvp::fw::sdk_version(),
                                               programs, 1};
#else
    static const nnvp::fw::firmware_manifest m{
        nnvp::fw::firmware_abi_version, sizeof(nnvp::fw::program), "0.0.1-other", programs, 1};
#endif
    return &m;
}
