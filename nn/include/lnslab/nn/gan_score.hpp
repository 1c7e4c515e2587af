#pragma once
// Scores of a class-conditional generator: the Fréchet distance between Gaussian fits of a
// classifier's penultimate features of real test images and of generated images, and that
// classifier's accuracy on the generated images against the class they were conditioned on.
//
// The classifier is lnslab's own, fixed so that scores are comparable: the cnn model with widths
// 16,32,128 (two convolutions, a hidden Linear(128) whose ReLU output is the 128-value feature),
// Adam lr 1e-3, batch 128, 3 epochs, seed 1, trained on the whole training set of the run's data.
// It is trained once and cached as a checkpoint in a cache directory, under a name derived from
// its settings and a checksum of the training data; every score records the CRC-32 of that
// checkpoint file (`checkpoint_hash`), so two scores are comparable when their hashes agree.
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/frechet.hpp"
#include "lnslab/nn/network.hpp"
#include "lnslab/nn/train_config.hpp"

namespace lnslab::nn {

struct SampleScore {
  double frechet_distance = 0.0;  ///< squared feature units, lower is better
  double class_accuracy = 0.0;    ///< fraction of samples classified as their conditioned class
};

/// The default cache directory: $XDG_CACHE_HOME/lnslab, else $HOME/.cache/lnslab (empty when
/// neither is set).
std::filesystem::path default_score_cache_dir();

class FeatureClassifier {
 public:
  /// The fixed settings of the classifier for data `data_dir` (recorded in its checkpoint).
  static TrainConfig settings(const std::string& data_dir);
  /// Loads the cached classifier of `train` from `cache_dir`, or trains it (on all of `train`,
  /// evaluated on `test`) and writes it there atomically. `log` receives progress lines.
  /// Throws ConfigError / CheckpointError / util::FileError.
  static FeatureClassifier load_or_train(const Dataset& train, const Dataset& test,
                                         const std::string& data_dir,
                                         const std::filesystem::path& cache_dir,
                                         const std::function<void(const std::string&)>& log);

  const std::string& checkpoint_hash() const { return hash_; }  ///< "crc32:xxxxxxxx"
  const std::filesystem::path& checkpoint_path() const { return path_; }
  double test_accuracy() const { return test_accuracy_; }
  Shape input_shape() const { return network_.input_shape(); }
  int feature_size() const;

  /// images [n, C*H*W] -> penultimate features [n, feature_size()] (eval mode).
  Eigen::MatrixXd features(const Matrix<float>& images);
  /// images [n, C*H*W] -> predicted classes [n] (eval mode).
  std::vector<int> predict(const Matrix<float>& images);

  /// Scores generated images [n, C*H*W] conditioned on `labels` against the fit of real features.
  SampleScore score(const Matrix<float>& generated, std::span<const int> labels,
                    const GaussianFit& real);

 private:
  FeatureClassifier(Network<float> network, std::string hash, std::filesystem::path path,
                    double test_accuracy)
      : network_(std::move(network)),
        hash_(std::move(hash)),
        path_(std::move(path)),
        test_accuracy_(test_accuracy) {}
  const Matrix<float>& run(const Matrix<float>& images, std::size_t first, std::size_t n);

  Network<float> network_;
  std::string hash_;
  std::filesystem::path path_;
  double test_accuracy_ = 0.0;
};

/// The first `per_class` images of each class of `data` in index order, grouped by class:
/// images [per_class * classes, C*H*W] and labels. Throws DataError when a class has fewer.
void balanced_subset(const Dataset& data, std::size_t per_class, Matrix<float>& images,
                     std::vector<int>& labels);

/// The smallest number of images of one class in `data`.
std::size_t smallest_class_count(const Dataset& data);

}  // namespace lnslab::nn
