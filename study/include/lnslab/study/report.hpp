#pragma once
// The study's report: the printed tables, OUT/report.md, OUT/results.csv, OUT/results.json, the
// derived accelerator configs in OUT/hardware/ and gnuplot plots (SVG and PNG) in OUT/plots/.
#include <filesystem>
#include <string>
#include <vector>

#include "lnslab/study/lr_sweep.hpp"
#include "lnslab/study/results.hpp"
#include "lnslab/study/spec.hpp"

namespace lnslab::study {

/// Provenance of the report: revision, compiler, flags, machine.
struct Provenance {
  std::string revision, compiler, flags, machine, command;
  int jobs = 1;
};

/// Everything a report shows, computed once (collect, cost, crossover, lr_sweeps).
struct StudyResults {
  std::vector<GroupResult> groups;
  std::vector<ModelCosts> models;
  std::vector<Crossover> crossovers;
  std::vector<LrSweep> lr_sweeps;
};
StudyResults analyse(const Study& study, const std::filesystem::path& out);

/// The tables printed at the end of a study (also the tables of report.md), markdown.
std::string format_tables(const StudyResults& results);
/// Writes every report file (atomically); returns the plot files written (empty without gnuplot).
std::vector<std::filesystem::path> write_report(const Study& study, const StudyResults& results,
                                                const std::filesystem::path& out,
                                                const Provenance& provenance);

}  // namespace lnslab::study
