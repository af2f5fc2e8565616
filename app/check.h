// `nnvp check CASE_DIR [--platform FILE] [--mode functional]`: runs one ONNX
// backend test case (model.onnx, test_data_set_*/input_*.pb and
// output_*.pb) and compares the outputs: integer outputs bit-exact, float
// outputs within the ONNX backend tests' tolerance |got - want| <= atol +
// rtol * |want| (rtol 1e-3, atol 1e-7, numpy.testing.assert_allclose).
#pragma once

namespace nnvp {

// argv as main() receives it (argv[1] == "check"). Exit codes: 0 every
// output matches, 1 a mismatch (the first mismatching elements printed), 2
// unsupported op or bad input.
int run_check(int argc, char* argv[]);

}  // namespace nnvp
