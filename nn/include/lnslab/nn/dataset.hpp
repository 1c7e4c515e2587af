#pragma once
// In-memory classification datasets: IDX files (MNIST, Fashion-MNIST), a seeded synthetic set,
// validation splits and per-epoch shuffling.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

struct Dataset {
  std::string name;
  Shape shape;  ///< per-sample shape, e.g. 1x28x28
  int classes = 0;
  std::vector<float> images;  ///< [size, shape.size()], pixels scaled to [0, 1]
  std::vector<int> labels;    ///< [size], in [0, classes)

  std::size_t size() const { return labels.size(); }
  std::span<const float> image(std::size_t i) const {
    return std::span<const float>(images).subspan(i * static_cast<std::size_t>(shape.size()),
                                                  static_cast<std::size_t>(shape.size()));
  }
  /// The first n samples (all if n is 0 or larger than the set).
  Dataset head(std::size_t n) const&;
  /// The same without a copy: the set is truncated in place and moved out.
  Dataset head(std::size_t n) &&;
  /// Copies samples `order[first .. first+count)` into a batch x: [count, shape.size()], y:
  /// [count].
  void gather(std::span<const std::size_t> order, std::size_t first, std::size_t count,
              Matrix<float>& x, std::vector<int>& y) const;
};

/// The default data directory (the Debian package dataset-fashion-mnist).
inline constexpr const char* default_data_dir = "/usr/share/datasets/fashion-mnist";

/// The sample shape and class count of `lnslab train --data synthetic` (and so of a study on it).
inline constexpr Shape synthetic_shape{1, 16, 16};
inline constexpr int synthetic_classes = 10;

/// Reads an IDX image file (magic 0x00000803, u8 pixels, N x rows x cols; gzip or plain) and its
/// IDX label file (magic 0x00000801, u8 labels, N). Validates magic numbers, dimensions, sizes
/// (truncated or trailing data), equal counts and labels < classes. Throws DataError.
Dataset load_idx(const std::filesystem::path& images, const std::filesystem::path& labels,
                 int classes = 10);

/// Loads "<dir>/<split>-images-idx3-ubyte[.gz]" and the matching labels ("train" or "t10k").
Dataset load_idx_split(const std::filesystem::path& dir, const std::string& split,
                       int classes = 10);

/// A seeded synthetic set: each class c has a random prototype image in [0, 1] drawn from
/// `prototype_seed` (so a training and a test set made with the same prototype seed share their
/// classes); a sample is its class prototype plus N(0, noise^2) pixel noise, clipped to [0, 1],
/// drawn from `sample_seed`.
Dataset make_synthetic(std::size_t count, Shape shape, int classes, std::uint64_t prototype_seed,
                       std::uint64_t sample_seed, double noise = 0.35);

/// The synthetic set of `--data synthetic` (lnslab train, lnslab bound): synthetic_classes
/// classes of synthetic_shape images, 2000 training and 500 test samples, its prototypes and
/// samples drawn from `seed`.
Dataset synthetic_split(std::uint64_t seed, bool train);

/// Moves a seeded random `fraction` of `train` into a returned validation set.
Dataset split_validation(Dataset& train, double fraction, std::uint64_t seed);

/// A uniformly random permutation of [0, n) (Fisher-Yates with lns::Rng).
std::vector<std::size_t> shuffled_order(std::size_t n, lns::Rng& rng);

}  // namespace lnslab::nn
