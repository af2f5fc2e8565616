// libFuzzer target: a package image as the firmware's loader sees it. The
// validator must accept or reject any bytes without crashing or reading
// outside them.
#include <cstddef>
#include <cstdint>

#include "arch/package/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const nnvp::package::memory_window dram{0x80000000ull, 1ull << 30};
    nnvp::package::package_view view;
    nnvp::package::validate(data, size, 0x80000000ull + (64u << 20), dram, &view);
    return 0;
}
