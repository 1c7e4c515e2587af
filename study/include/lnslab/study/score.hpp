#pragma once
// A model's score: the one number per run by which a study compares its configurations (the
// main table, the difference to the FP32 run, the best lr of a sweep, the score-vs-bits and
// score-vs-lr plots), with its direction. One per model kind:
//
//   mlp, cnn     final test accuracy (fraction, shown in percent), higher is better
//   transformer  final validation bits per character, lower is better
//   cgan         final Fréchet distance of the feature classifier's features, lower is better
//
// Beside it, a run has model-specific final metrics (the report's second table): the
// transformer's validation bits and perplexity per character, the cgan's Fréchet distance,
// class accuracy of its samples and generator loss; none for the classifiers, whose main table
// says everything.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lnslab/nn/run_record.hpp"

namespace lnslab::study {

/// The classifiers' score (its name in results.json, as in run.json's final_test_accuracy).
inline constexpr const char* score_test_accuracy = "test_accuracy";
/// A language model's metric names (as its run.json epochs spell them).
inline constexpr const char* metric_val_bits_per_char = "val_bits_per_char";
inline constexpr const char* metric_val_perplexity_per_char = "val_perplexity_per_char";

struct Score {
  std::string name;      ///< its key in results.json and run metrics: test_accuracy, ...
  std::string title;     ///< table header and plot axis, e.g. "test acc %"
  bool lower_is_better;  ///< bits per character, Fréchet distance; accuracy is higher-better
  double scale;          ///< shown value = scale x value (100: a fraction shown in percent)
  int decimals;          ///< shown digits after the point
  std::string unit;      ///< of a shown difference: "points" (of percent), "bits/char", ...

  /// Whether `a` is strictly better than `b`.
  bool better(double a, double b) const { return lower_is_better ? a < b : a > b; }
  /// How much worse `value` is than `best` (>= 0 when best is the better), in the score's units.
  double shortfall(double value, double best) const {
    return lower_is_better ? value - best : best - value;
  }
  /// A value as the tables show it, e.g. "85.30" for an accuracy of 0.853.
  std::string show(double value) const;
  /// A signed difference as the tables show it, e.g. "+0.52".
  std::string show_difference(double difference) const;
};

/// The score of a model kind (StudyError for a kind without one).
const Score& score_of(const std::string& model);

/// A finished run's final value of its model's score (none when the record has none, e.g. a
/// diverged language model whose validation loss is not finite).
std::optional<double> final_score(const Score& score, const nn::RunRecord& record);

/// A run's model-specific final metrics by name (see above).
std::map<std::string, double> final_metrics(const nn::RunRecord& record);

/// What a model's final metrics are, for the report ("" for a model without any).
std::string describe_metrics(const std::string& model);

/// The held-out loss per epoch that the report's loss plot draws: test loss of a classifier,
/// validation loss (nats per character) of a language model; empty for a model without one (cgan).
std::vector<double> held_out_loss(const nn::RunRecord& record);
/// Its name for a model: "test_loss", or "val_loss" for the transformer (nats per character).
std::string held_out_loss_name(const std::string& model);

}  // namespace lnslab::study
