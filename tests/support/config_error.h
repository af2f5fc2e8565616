// The message of the config_error `f` throws, or "(no error)": config tests
// compare it with the exact text a user would see.
#pragma once

#include "ip/common/config_reader.h"

#include <functional>
#include <string>

namespace nnvp::test {

inline std::string config_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace nnvp::test
