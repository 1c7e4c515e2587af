#pragma once
// The training loop of the class-conditional GAN (`lnslab train --model cgan`, nn/cgan.hpp):
// both networks with the same optimizer and lr (each its own optimizer state, so lns-weights
// stores both as LNS codes), per-epoch scores and checkpoints that a new CganTrainer continues
// bit-identically.
//
// One step on a batch of n real images x with labels y (the same labels condition the fakes):
//   z ~ N(0, I) [n, latent];  fake = G([z, onehot y])
//   D on [real; fake] (2n rows, fake detached): loss_D = mean softplus(-s_real) +
//   mean softplus(s_fake); D backward; D update
//   D (updated) on fake: loss_G = mean softplus(-s_fake); D backward to its input; G backward;
//   G update
// Per epoch: the Fréchet distance and class accuracy (gan_score.hpp) of score_per_class samples
// per class from fixed latents against as many real test images per class, and the sample grid
// (grid_per_class fixed latents per class). Randomness as in Trainer: every stream derived from
// (seed, stream, index).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/gan_score.hpp"
#include "lnslab/nn/network.hpp"
#include "lnslab/nn/optimizer.hpp"
#include "lnslab/nn/run_record.hpp"
#include "lnslab/nn/schedule.hpp"
#include "lnslab/nn/train_config.hpp"
#include "lnslab/nn/trainer.hpp"

namespace lnslab::nn {

/// Names of the per-epoch metrics of a cgan run (EpochRecord::metrics); train_loss and
/// train_accuracy hold the discriminator's loss and accuracy.
inline constexpr const char* metric_frechet_distance = "frechet_distance";
inline constexpr const char* metric_sample_class_accuracy = "sample_class_accuracy";
inline constexpr const char* metric_generator_loss = "generator_loss";

class CganTrainer {
 public:
  static constexpr std::size_t score_per_class = 200;
  static constexpr int grid_per_class = 10;

  /// `config.model.kind` must be "cgan" (ConfigError otherwise, or for settings that do not
  /// apply: lns-full, validation, batchnorm options). `scorer` must take the data's images.
  CganTrainer(TrainConfig config, Dataset train, Dataset test, FeatureClassifier scorer);

  const TrainConfig& config() const { return config_; }
  Network<float>& generator() { return generator_; }
  Network<float>& discriminator() { return discriminator_; }
  const Network<float>& generator() const { return generator_; }
  const Network<float>& discriminator() const { return discriminator_; }
  const Dataset& train_set() const { return train_; }
  const Dataset& test_set() const { return test_; }
  const FeatureClassifier& scorer() const { return scorer_; }
  int completed_epochs() const { return completed_; }
  std::uint64_t steps() const { return steps_; }
  const std::vector<EpochRecord>& history() const { return history_; }
  /// The scores of the generator before its first step (metric names as in the epochs).
  const std::map<std::string, double>& initial_metrics() const { return initial_; }
  /// Real and generated samples per class scored each epoch.
  std::size_t scored_per_class() const { return per_class_; }

  struct StepResult {
    double discriminator_loss = 0.0;  ///< on the real and generated rows of the step
    double generator_loss = 0.0;
    int discriminator_correct = 0;  ///< of the 2n rows
  };
  /// One step (see the top of this file) on real images x [n, C*H*W] with labels y, at `lr`.
  StepResult train_step(const Matrix<float>& x, std::span<const int> y, double lr);
  /// Routes both networks' matrix products through `backend` (must outlive the trainer; the
  /// scores' classifier keeps its own).
  void set_backend(MatmulBackend<float>& backend);

  EpochRecord run_epoch(const std::function<void(const BatchProgress&)>& progress = {});
  void run(const std::function<void(const BatchProgress&)>& progress = {},
           const std::function<void(const EpochRecord&)>& epoch_end = {});

  /// The generator's images of the fixed grid latents (eval mode): [classes * grid_per_class,
  /// C*H*W], class c in rows c*grid_per_class ...
  Matrix<float> grid_samples();
  /// The current generator's scores (eval mode, fixed latents).
  SampleScore score();

  std::string checkpoint() const;
  void restore(std::string_view file);
  static bool is_checkpoint(std::string_view file);
  static TrainConfig checkpoint_config(std::string_view file);

 private:
  Matrix<float> generate(const Matrix<float>& z, std::span<const int> labels);

  TrainConfig config_;
  Dataset train_, test_;
  FeatureClassifier scorer_;
  Network<float> generator_, discriminator_;
  std::unique_ptr<Optimizer> g_optimizer_, d_optimizer_;
  LrSchedule schedule_;
  std::size_t per_class_ = 0;
  GaussianFit real_fit_;
  Matrix<float> score_z_, grid_z_;
  std::vector<int> score_labels_, grid_labels_;
  std::map<std::string, double> initial_;
  int completed_ = 0;
  std::uint64_t steps_ = 0;
  std::vector<EpochRecord> history_;
};

/// The record (run.json) of a cgan run as it stands: epochs with their metrics, the untrained
/// generator's scores as initial_metrics, the feature classifier in `scorer`.
RunRecord make_run_record(const CganTrainer& trainer, Provenance provenance, double wall_seconds);

}  // namespace lnslab::nn
