// sc_main of every SystemC test binary: GoogleTest runs inside the SystemC
// kernel; ctest runs each TEST in its own process (SystemC elaborates once).
#include <gtest/gtest.h>
#include <systemc>

namespace nnvp::test {
void report_handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions);
}

int sc_main(int argc, char* argv[]) {
    ::testing::InitGoogleTest(&argc, argv);
    sc_core::sc_report_handler::set_handler(nnvp::test::report_handler);
    return RUN_ALL_TESTS();
}
