#pragma once
// Private: the report's markdown tables and the sentences that read them.
#include <string>
#include <vector>

#include "lnslab/study/report.hpp"

namespace lnslab::study::detail {

/// "LNS Madam lns8:eta0=0.016 (lns-full)"
std::string config_name(const GroupResult& g);
/// The baseline of `pe` (fp32, int8, ...) for a model and batch, or nullptr.
const HardwareCost* baseline(const StudyResults& r, const std::string& model, int batch,
                             const std::string& pe);

/// The model scores of the study's configurations, in order of first appearance.
std::vector<const Score*> scores_of(const StudyResults& r);
/// Score, other model-specific metrics (score.hpp) and own-hardware cost of every
/// configuration.
std::string main_table(const StudyResults& r);
/// Energy per step split into compute, on-chip, off-chip and update, configurations and baselines.
std::string energy_table(const StudyResults& r);
/// Each model's step on the listed accelerators as configured (cross-costing).
std::string listed_table(const StudyResults& r);
/// LNS vs INT8 over array and batch sizes, and what it says.
std::string crossover_text(const StudyResults& r);
/// Best lr, the score there and at the default, per model.
std::string lr_tables(const StudyResults& r);

/// Aligned markdown table; the first row is the header.
std::string markdown(const std::vector<std::vector<std::string>>& rows);

}  // namespace lnslab::study::detail
