#include "arch/hal/hal.h"

namespace nnvp::fw {

const char* to_string(bus_status s) {
    switch (s) {
    case bus_status::ok: return "ok";
    case bus_status::address_error: return "address error";
    case bus_status::access_error: return "access error";
    case bus_status::generic_error: return "bus error";
    }
    return "?";
}

}  // namespace nnvp::fw
