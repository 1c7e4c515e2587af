#pragma once
// Output of `lnslab train`: the progress display and the files written into --out
// (metrics.csv, run.json, checkpoint.lnsck).
#include <filesystem>
#include <string>

#include "lnslab/nn/run_record.hpp"
#include "lnslab/nn/trainer.hpp"

namespace lnslab::cli {

/// Progress bar per epoch (loss, accuracy, images/s, ETA) on a terminal, plain lines otherwise.
/// A language model (`text_context` > 0, its window length) shows bits per character and
/// tokens/s instead.
class TrainProgress {
 public:
  TrainProgress(int epochs, bool terminal, int text_context = 0)
      : epochs_(epochs), terminal_(terminal), text_context_(text_context) {}
  void batch(const nn::BatchProgress& p);
  void epoch(const nn::EpochRecord& r);
  /// An epoch's line for a model with its own metrics: epoch, lr, `metrics`, time, images/s.
  void epoch_line(const nn::EpochRecord& r, const std::string& metrics);

 private:
  int epochs_;
  bool terminal_;
  int text_context_;
  double last_shown_ = -1.0;
};

/// metrics.csv: one row per epoch (epoch, lr, train loss, train accuracy, test loss, test
/// accuracy, seconds; validation columns when a validation split is used). A language model:
/// epoch, lr, train and validation loss (nats/char), bits/char, next-character accuracy,
/// validation perplexity per character, seconds, tokens/s.
std::string train_metrics_csv(const nn::Trainer& trainer);
/// The provenance of a run of this binary (version, revision, compiler, flags, CPU), one
/// training thread.
nn::Provenance this_build_provenance();
/// run.json: every setting, the seed, provenance, per-epoch records, final test accuracy.
std::string train_run_json(const nn::Trainer& trainer, double wall_seconds);
/// Writes the three files of --out atomically (creating the directory).
void train_write_outputs(const std::filesystem::path& dir, const nn::Trainer& trainer,
                         double wall_seconds);

}  // namespace lnslab::cli
