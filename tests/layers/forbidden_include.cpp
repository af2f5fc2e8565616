// Built only by the layers.forbidden_include_fails_to_build test, which
// expects this to fail: a firmware driver may not see the SoC model (its
// library's include roots hold only the HAL, arch/ and the drivers).
#include "platform/soc.h"
