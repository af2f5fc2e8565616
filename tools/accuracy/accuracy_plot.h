// The plot of docs/accuracy.svg: top-1 accuracy of each scheme against its
// energy per inference (or its stored bits per weight), one labelled point
// per row. A standalone SVG (its own <style>), drawn with app/svg_plot.h.
#pragma once

#include <string>
#include <vector>

#include "tools/accuracy/accuracy_rows.h"

namespace nnvp::accuracy {

enum class plot_x { energy, bits_per_weight };

std::string accuracy_svg(const std::vector<accuracy_row>& rows, plot_x x);

}  // namespace nnvp::accuracy
