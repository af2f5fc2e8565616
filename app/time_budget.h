// Wall-clock time a run would take, estimated before it starts: a run
// inside every accepted range (a million ResNet-50 inferences) would
// otherwise go on for days. Past the scenario's max_estimated_hours
// (default 24, `nnvp run --max-hours H`) the run is refused, naming the
// workload fields that cost the time. Zoo CNNs only: an ONNX model's or a
// transformer's size is known once it is imported (max_wall_s bounds those).
#pragma once

#include "app/scenario.h"

namespace nnvp {

// Seconds of wall-clock time; 0 when the workload is not a zoo CNN (or none).
double estimate_wall_s(const scenario& sc);

// config_error naming sc.file, the estimate and how to raise the limit, when
// the estimate exceeds sc.max_estimated_hours.
void check_time_budget(const scenario& sc);

}  // namespace nnvp
