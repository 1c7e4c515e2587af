#include "lnslab/study/score.hpp"

#include <fmt/format.h>

#include <cmath>

#include "lnslab/nn/cgan_trainer.hpp"
#include "lnslab/study/spec.hpp"

namespace lnslab::study {

std::string Score::show(double value) const {
  return fmt::format("{:.{}f}", scale * value, decimals);
}

std::string Score::show_difference(double difference) const {
  return fmt::format("{:+.{}f}", scale * difference, decimals);
}

const Score& score_of(const std::string& model) {
  static const Score accuracy{score_test_accuracy, "test acc %", false, 100.0, 2, "points"};
  static const Score bits{metric_val_bits_per_char, "val bits/char", true, 1.0, 4, "bits/char"};
  static const Score frechet{nn::metric_frechet_distance, "Fréchet distance", true, 1.0, 2,
                             "Fréchet distance"};
  if (model == "mlp" || model == "cnn") return accuracy;
  if (model == "transformer") return bits;
  if (model == "cgan") return frechet;
  throw StudyError("model '" + model + "' has no score the study knows how to compare");
}

std::map<std::string, double> final_metrics(const nn::RunRecord& record) {
  if (record.epochs.empty()) return {};
  if (record.data.text) {
    const std::optional<double> bits = record.final_val_bits_per_char();
    if (!bits) return {};
    // Perplexity per character: 2^(bits per character) = e^(nats per character).
    return {{metric_val_bits_per_char, *bits}, {metric_val_perplexity_per_char, std::exp2(*bits)}};
  }
  return record.epochs.back().metrics;
}

std::string describe_metrics(const std::string& model) {
  if (model == "transformer")
    return "transformer: validation bits per character and perplexity per character (2^bits, "
           "each seed's; lower is better)";
  if (model == "cgan")
    return "cgan: Fréchet distance of the feature classifier's features, lower is better; class "
           "accuracy of the samples; generator loss";
  return "";
}

std::optional<double> final_score(const Score& score, const nn::RunRecord& record) {
  if (score.name == score_test_accuracy) return record.final_test_accuracy();
  const std::map<std::string, double> metrics = final_metrics(record);
  const auto it = metrics.find(score.name);
  if (it == metrics.end() || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

std::vector<double> held_out_loss(const nn::RunRecord& record) {
  std::vector<double> loss;
  for (const nn::EpochRecord& e : record.epochs) {
    const double l = record.data.text ? e.val_loss : e.test_loss;
    if (!std::isfinite(l)) return {};
    loss.push_back(l);
  }
  return loss;
}

std::string held_out_loss_name(const std::string& model) {
  return model == "transformer" ? "val_loss" : "test_loss";
}

}  // namespace lnslab::study
