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

/// Accuracy and own-hardware cost of every configuration.
std::string main_table(const StudyResults& r);
/// Energy per step split into compute, on-chip, off-chip and update, configurations and baselines.
std::string energy_table(const StudyResults& r);
/// The model-specific final metrics (e.g. a cgan's frechet_distance, lower is better, and
/// sample_class_accuracy), mean and range over seeds; empty when no configuration has any.
std::string metrics_table(const StudyResults& r);
/// Each model's step on the listed accelerators as configured (cross-costing).
std::string listed_table(const StudyResults& r);
/// LNS vs INT8 over array and batch sizes, and what it says.
std::string crossover_text(const StudyResults& r);
/// Best lr, accuracy there and at the default, per model.
std::string lr_tables(const StudyResults& r);

/// Aligned markdown table; the first row is the header.
std::string markdown(const std::vector<std::vector<std::string>>& rows);

}  // namespace lnslab::study::detail
