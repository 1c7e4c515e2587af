#pragma once
// Private: the report's plots (gnuplot data files and script in OUT/plots/, SVG and PNG when
// gnuplot is installed).
#include <filesystem>
#include <vector>

#include "lnslab/study/report.hpp"

namespace lnslab::study::detail {

inline constexpr const char* plot_names[] = {"score_vs_bits", "relative_vs_bits", "loss_curves",
                                             "energy_by_component", "score_vs_lr"};

/// Writes the data, the script and (with gnuplot) the pictures; returns the pictures written.
std::vector<std::filesystem::path> write_plots(const StudyResults& r,
                                               const std::filesystem::path& plots);

}  // namespace lnslab::study::detail
