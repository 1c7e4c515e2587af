#pragma once
// The study's report: the printed table, OUT/report.md, OUT/results.csv, OUT/results.json and
// gnuplot plots (SVG and PNG) in OUT/plots/.
#include <filesystem>
#include <string>
#include <vector>

#include "lnslab/study/results.hpp"
#include "lnslab/study/spec.hpp"

namespace lnslab::study {

/// Provenance of the report: revision, compiler, flags, machine.
struct Provenance {
  std::string revision, compiler, flags, machine, command;
  int jobs = 1;
};

/// The table printed at the end of a study (also the table of report.md).
std::string format_table(const std::vector<GroupResult>& groups);
/// Writes every report file (atomically); returns the plot files written (empty without gnuplot).
std::vector<std::filesystem::path> write_report(const Study& study,
                                                const std::vector<GroupResult>& groups,
                                                const std::filesystem::path& out,
                                                const Provenance& provenance);

}  // namespace lnslab::study
