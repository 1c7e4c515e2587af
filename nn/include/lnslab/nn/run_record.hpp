#pragma once
// The record of one training run (run.json): its settings, provenance, data, per-epoch metrics,
// the final metrics and, for lns-full, the simulated accelerator's costs. `lnslab train` writes
// it; the study reads it back. One type, one JSON form (to_json / run_record_from_json).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "lnslab/nn/train_config.hpp"
#include "lnslab/nn/trainer.hpp"

namespace lnslab::nn {

/// Which build made the run, and where (filled by the program that trains).
struct Provenance {
  std::string lnslab_version, git_revision, compiler, build_type, flags;
  int threads = 1;
  std::string cpu;
  unsigned hardware_threads = 0;
};

/// A language model's text (TextCorpus): sizes, and the unigram baseline.
struct TextSummary {
  std::size_t files = 0, train_characters = 0, validation_characters = 0;
  std::size_t train_documents = 0, validation_documents = 0;
  /// Validation cross-entropy of the training text's byte frequencies (add-one smoothed), in bits
  /// per character: what a model must beat to have learned more than letter frequencies.
  double unigram_val_bits_per_char = 0;
};

struct DataSummary {
  std::string train, test;  ///< dataset names (a language model: the corpus, and none)
  std::size_t train_images = 0, validation_images = 0, test_images = 0;  ///< LM: windows
  std::optional<TextSummary> text;                                       ///< language models only
};

/// lns-full: every GEMM of training ran on this simulated accelerator.
struct SimulatedSummary {
  std::string accelerator;
  std::uint64_t steps = 0;
  double cycles_per_step = 0, energy_pj_per_step = 0;
};

struct RunRecord {
  TrainConfig settings;
  Provenance provenance;
  DataSummary data;
  std::size_t trainable_parameters = 0;
  std::string storage;  ///< "fp32" or the LNS weight format
  std::vector<EpochRecord> epochs;
  int completed_epochs = 0;
  std::uint64_t steps = 0;
  double wall_seconds_this_invocation = 0;
  std::optional<SimulatedSummary> simulated;
  /// Model-specific metrics before the first step (cgan: the untrained generator's scores).
  std::map<std::string, double> initial_metrics;
  /// What the model-specific scores were computed with (cgan: the feature classifier's
  /// checkpoint hash, file and test accuracy, and the samples scored per class).
  std::map<std::string, std::string> scorer;
  /// The last epoch's test accuracy (none before the first epoch, for a language model or a model
  /// without one).
  std::optional<double> final_test_accuracy() const;
  /// A language model's last validation loss in bits per character (none otherwise).
  std::optional<double> final_val_bits_per_char() const;
};

/// Nats to bits.
inline double bits_per_char(double nats) {
  return nats / 0.69314718055994530942;
}

/// The record of `trainer` as it stands.
RunRecord make_run_record(const Trainer& trainer, Provenance provenance, double wall_seconds);

nlohmann::json to_json(const RunRecord& r);
/// Inverse of to_json. Throws ConfigError naming the missing or mistyped key.
RunRecord run_record_from_json(const nlohmann::json& j);

}  // namespace lnslab::nn
