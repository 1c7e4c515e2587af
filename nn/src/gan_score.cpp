#include "lnslab/nn/gan_score.hpp"

#include <zlib.h>

#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/trainer.hpp"
#include "lnslab/util/files.hpp"

namespace lnslab::nn {
namespace {

std::uint32_t crc(std::uint32_t c, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const Bytef*>(data);
  while (bytes > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes, 1u << 30));
    c = static_cast<std::uint32_t>(crc32(c, p, chunk));
    p += chunk;
    bytes -= chunk;
  }
  return c;
}

// Identifies the classifier a cache file holds: its settings and the training data.
std::string cache_key(const TrainConfig& settings, const Dataset& train) {
  std::uint32_t c = static_cast<std::uint32_t>(crc32(0L, Z_NULL, 0));
  const std::string text = to_json(settings).dump();
  c = crc(c, text.data(), text.size());
  c = crc(c, train.images.data(), train.images.size() * sizeof(float));
  c = crc(c, train.labels.data(), train.labels.size() * sizeof(int));
  return fmt::format("{:08x}", c);
}

std::string file_hash(const std::string& bytes) {
  return fmt::format("crc32:{:08x}", crc(static_cast<std::uint32_t>(crc32(0L, Z_NULL, 0)),
                                         bytes.data(), bytes.size()));
}

constexpr std::size_t chunk = 1000;

}  // namespace

std::filesystem::path default_score_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0')
    return std::filesystem::path(xdg) / "lnslab";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::filesystem::path(home) / ".cache" / "lnslab";
  return {};
}

TrainConfig FeatureClassifier::settings(const std::string& data_dir) {
  TrainConfig c;
  c.model.kind = "cnn";
  c.model.widths = {16, 32, 128};
  c.optimizer = "adam";
  c.lr = 1e-3;
  c.epochs = 3;
  c.batch = 128;
  c.seed = 1;
  c.data_dir = data_dir;
  // At the base flags: the classifier's bits, hence its hash and every score made with it, are
  // then the same on every x86-64 machine.
  c.isa = "portable";
  c.resolve();
  return c;
}

FeatureClassifier FeatureClassifier::load_or_train(
    const Dataset& train, const Dataset& test, const std::string& data_dir,
    const std::filesystem::path& cache_dir, const std::function<void(const std::string&)>& log) {
  const TrainConfig c = settings(data_dir);
  const std::filesystem::path path =
      cache_dir / ("feature-classifier-" + cache_key(c, train) + ".lnsck");
  Trainer trainer(c, train, test);
  std::string bytes;
  if (std::filesystem::exists(path)) {
    bytes = util::read_file(path, "feature classifier");
    try {
      trainer.restore(bytes);
    } catch (const CheckpointError& e) {
      throw CheckpointError(fmt::format("feature classifier {}: {} (delete the file to retrain it)",
                                        path.string(), e.what()));
    }
    log(fmt::format("feature classifier: {} ({})", path.string(), file_hash(bytes)));
  } else {
    log(fmt::format("feature classifier: training it once (cnn 16,32,128, adam, {} epochs) into {}",
                    c.epochs, path.string()));
    trainer.run({}, [&](const EpochRecord& r) {
      log(fmt::format("  epoch {}: test accuracy {:.2f}%", r.epoch, r.test_accuracy * 100.0));
    });
    bytes = trainer.checkpoint();
    std::error_code ec;
    std::filesystem::create_directories(cache_dir, ec);
    util::write_file_atomically(path, bytes);
    log(fmt::format("feature classifier: wrote {} ({})", path.string(), file_hash(bytes)));
  }
  const double accuracy = trainer.history().back().test_accuracy;
  return FeatureClassifier(std::move(trainer.network()), file_hash(bytes), path, accuracy);
}

int FeatureClassifier::feature_size() const {
  return network_.layer(network_.layer_count() - 2).output_shape().size();
}

const Matrix<float>& FeatureClassifier::run(const Matrix<float>& images, std::size_t first,
                                            std::size_t n) {
  const Matrix<float> part =
      images.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(n));
  return network_.forward(part, Mode::eval);
}

Eigen::MatrixXd FeatureClassifier::features(const Matrix<float>& images) {
  const auto rows = static_cast<std::size_t>(images.rows());
  Eigen::MatrixXd out(images.rows(), feature_size());
  for (std::size_t first = 0; first < rows; first += chunk) {
    const std::size_t n = std::min(chunk, rows - first);
    run(images, first, n);
    out.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(n)) =
        network_.layer_output(network_.layer_count() - 2).cast<double>();
  }
  return out;
}

std::vector<int> FeatureClassifier::predict(const Matrix<float>& images) {
  const auto rows = static_cast<std::size_t>(images.rows());
  std::vector<int> out(rows);
  for (std::size_t first = 0; first < rows; first += chunk) {
    const std::size_t n = std::min(chunk, rows - first);
    const Matrix<float>& logits = run(images, first, n);
    for (std::size_t i = 0; i < n; ++i) {
      Eigen::Index best = 0;
      logits.row(static_cast<Eigen::Index>(i)).maxCoeff(&best);  // first maximum on ties
      out[first + i] = static_cast<int>(best);
    }
  }
  return out;
}

SampleScore FeatureClassifier::score(const Matrix<float>& generated, std::span<const int> labels,
                                     const GaussianFit& real) {
  SampleScore s;
  s.frechet_distance = frechet_distance(fit_gaussian(features(generated)), real);
  const std::vector<int> predicted = predict(generated);
  std::size_t right = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == labels[i] ? 1 : 0;
  s.class_accuracy = static_cast<double>(right) / static_cast<double>(predicted.size());
  return s;
}

std::size_t smallest_class_count(const Dataset& data) {
  std::vector<std::size_t> counts(static_cast<std::size_t>(data.classes), 0);
  for (int y : data.labels) ++counts[static_cast<std::size_t>(y)];
  return *std::min_element(counts.begin(), counts.end());
}

void balanced_subset(const Dataset& data, std::size_t per_class, Matrix<float>& images,
                     std::vector<int>& labels) {
  std::vector<std::size_t> order;
  for (int c = 0; c < data.classes; ++c) {
    std::size_t taken = 0;
    for (std::size_t i = 0; i < data.size() && taken < per_class; ++i)
      if (data.labels[i] == c) {
        order.push_back(i);
        ++taken;
      }
    if (taken < per_class)
      throw DataError(
          fmt::format("{} has {} images of class {}, {} needed", data.name, taken, c, per_class));
  }
  data.gather(order, 0, order.size(), images, labels);
}

}  // namespace lnslab::nn
