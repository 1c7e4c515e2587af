#pragma once
// The training loop: seeded init, per-epoch reshuffle, mini-batch steps, evaluation, per-epoch
// records, and checkpoints that a new Trainer continues bit-identically.
//
// Randomness: every stream is an lns::Rng seeded from (seed, stream, index): weights
// initialisation, optimizer attach (random exponents), the validation split, epoch e's shuffle,
// step s's generator (stochastic rounding). A resumed run therefore needs no generator state.
// Eigen runs single-threaded with fixed cache-size hints, so results do not depend on the
// machine's thread count.
//
// A language model (model "transformer", the TextCorpus constructor) trains on text instead: an
// epoch is floor(training characters / context) windows, in batches of `batch` windows drawn at
// random starts from epoch e's generator; losses are in nats per character (mean over every
// predicted position), accuracies are next-character accuracies; evaluation reads the
// validation text as consecutive non-overlapping windows. There is no test set (test fields NaN).
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/lns_matmul.hpp"
#include "lnslab/nn/micro_batches.hpp"
#include "lnslab/nn/network.hpp"
#include "lnslab/nn/optimizer.hpp"
#include "lnslab/nn/schedule.hpp"
#include "lnslab/nn/text_corpus.hpp"
#include "lnslab/nn/train_config.hpp"

namespace lnslab::nn {

/// One row of metrics.csv.
struct EpochRecord {
  int epoch = 0;
  double lr = 0.0;          ///< the epoch's scheduled lr (after warm-up)
  std::string lr_note;      ///< e.g. "m=16" for LNS Madam
  double train_loss = 0.0;  ///< mean over the epoch's mini-batches (before each update)
  double train_accuracy = 0.0;
  double val_loss = std::numeric_limits<double>::quiet_NaN();
  double val_accuracy = std::numeric_limits<double>::quiet_NaN();
  double test_loss = 0.0;
  double test_accuracy = 0.0;      ///< fraction in [0, 1]
  double seconds = 0.0;            ///< wall time of the epoch (training and evaluation)
  double images_per_second = 0.0;  ///< training images (language model: windows) per second
  /// Model-specific metrics by name (cgan: frechet_distance, sample_class_accuracy,
  /// generator_loss; empty for the classifiers).
  std::map<std::string, double> metrics;
};

struct BatchProgress {
  int epoch = 0;
  std::size_t batch = 0;    ///< batches done in this epoch
  std::size_t batches = 0;  ///< batches per epoch
  double loss = 0.0;        ///< running mean of this epoch
  double accuracy = 0.0;
  double images_per_second = 0.0;
  double eta_seconds = 0.0;  ///< to the end of this epoch's training

  /// The report after `batch` of `batches` batches of `epoch`: `loss` and `accuracy` the running
  /// means, throughput and time left from `seen` of the epoch's `total` items in `seconds`.
  static BatchProgress after(int epoch, std::size_t batch, std::size_t batches, double loss,
                             double accuracy, std::size_t seen, std::size_t total, double seconds);
};

struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
};

/// Deterministic seed of stream `stream`, element `index` (splitmix64 mixing).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

class Trainer {
 public:
  /// `config` is resolved here (ConfigError). The datasets must match the model's input.
  Trainer(TrainConfig config, Dataset train, Dataset test);
  /// A language model on `corpus` (config.model.kind must be "transformer"). DataError when the
  /// training or validation text is not longer than the context.
  Trainer(TrainConfig config, TextCorpus corpus);

  const TrainConfig& config() const { return config_; }
  Network<float>& network() { return network_; }
  const Network<float>& network() const { return network_; }
  const Optimizer& optimizer() const { return *optimizer_; }
  const Dataset& train_set() const { return train_; }
  const Dataset& validation_set() const { return validation_; }
  const Dataset& test_set() const { return test_; }
  /// The text of a language model (nullptr for a classifier).
  const TextCorpus* corpus() const { return corpus_.get(); }
  int completed_epochs() const { return completed_; }
  std::uint64_t steps() const { return steps_; }
  const std::vector<EpochRecord>& history() const { return history_; }
  /// lns-full: the simulated accelerator's totals over the training steps of this process
  /// (evaluation passes are computed on it too but not counted); nullptr otherwise.
  /// With micro-batches shared by several processes: every process's training steps.
  const SimulatedSteps* simulated() const;

  /// Shares each step's micro-batches (config().micro_batches of them) with the other processes
  /// of `ranks`, which must outlive the Trainer; its size must divide the micro-batch count
  /// (ConfigError). Every process of the group runs the same Trainer calls.
  void share_micro_batches(MicroBatchGroup& ranks);
  /// Bytes of one micro-batch's result (its gradient, loss, batch-norm statistics); a step
  /// all-gathers config().micro_batches of them.
  std::size_t micro_batch_bytes() const;

  /// Trains one more epoch and evaluates; `progress` is called after every batch.
  EpochRecord run_epoch(const std::function<void(const BatchProgress&)>& progress = {});
  /// Runs epochs up to config().epochs.
  void run(const std::function<void(const BatchProgress&)>& progress = {},
           const std::function<void(const EpochRecord&)>& epoch_end = {});
  Evaluation evaluate(const Dataset& data);
  /// A language model's loss (nats per character) and next-character accuracy on `text`.
  Evaluation evaluate_text(const std::vector<std::uint8_t>& text);

  /// The full state after the completed epochs, in the checkpoint container.
  std::string checkpoint() const;
  /// Restores a checkpoint of a run with the same settings (CheckpointError otherwise; the epoch
  /// count may differ).
  void restore(std::string_view file);
  /// The settings stored in a checkpoint (to rebuild the Trainer before restore()).
  static TrainConfig checkpoint_config(std::string_view file);
  /// The parameter buffer stored in a checkpoint into `values` (of the network its settings
  /// build; CheckpointError for another size). For inference without the training data.
  static void checkpoint_parameters(std::string_view file, std::span<float> values);

 private:
  void setup();  // initialisation, optimizer attach, the lns-full backend (both constructors)
  EpochRecord run_text_epoch(const std::function<void(const BatchProgress&)>& progress);

  TrainConfig config_;
  Dataset train_, validation_, test_;
  Network<float> network_;
  std::unique_ptr<Optimizer> optimizer_;
  LrSchedule schedule_;
  int completed_ = 0;
  std::uint64_t steps_ = 0;
  std::vector<EpochRecord> history_;
  std::unique_ptr<LnsMatmul> lns_;      ///< lns-full only; the network's layers point at it
  std::unique_ptr<TextCorpus> corpus_;  ///< language models only

  struct StepSums {
    double loss = 0.0;  ///< summed over the batch's samples
    std::size_t correct = 0;
  };
  /// Forward and backward of the batch order[first, first + n) into the gradient buffer, split
  /// into micro-batches (micro_batches.hpp) and shared with group().
  StepSums micro_batch_pass(const std::vector<std::size_t>& order, std::size_t first,
                            std::size_t n);
  MicroBatchGroup* shared_ = nullptr;  ///< share_micro_batches(); nullptr: this process alone
  MicroBatchGroup& group() const;
  std::vector<std::size_t> running_stats_;  ///< indices of the non-trainable values
  SimulatedSteps group_totals_;             ///< simulated(): summed over group_ after an epoch
};

}  // namespace lnslab::nn
