#include "train_cgan.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "lnslab/nn/cgan_trainer.hpp"
#include "lnslab/util/png.hpp"
#include "lnslab_version.hpp"
#include "train_report.hpp"

namespace lnslab::cli {
namespace {

nn::Dataset load(const nn::TrainConfig& c, bool train) {
  if (c.data_dir == "synthetic") return nn::synthetic_split(c.seed, train);
  return nn::load_idx_split(c.data_dir, train ? "train" : "t10k");
}

std::string metrics_csv(const nn::CganTrainer& t) {
  std::string out =
      "epoch,lr,discriminator_loss,discriminator_accuracy,generator_loss,frechet_distance,"
      "sample_class_accuracy,seconds\n";
  for (const auto& r : t.history())
    out += fmt::format("{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.3f}\n", r.epoch, r.lr,
                       r.train_loss, r.train_accuracy, r.metrics.at(nn::metric_generator_loss),
                       r.metrics.at(nn::metric_frechet_distance),
                       r.metrics.at(nn::metric_sample_class_accuracy), r.seconds);
  return out;
}

std::string run_json(const nn::CganTrainer& t, double wall_seconds) {
  return nn::to_json(nn::make_run_record(t, this_build_provenance(), wall_seconds)).dump(2) + "\n";
}

// The grid: one row per class, grid_per_class samples per row, 2-pixel gray gaps.
std::string grid_png(nn::CganTrainer& t) {
  const nn::Matrix<float> images = t.grid_samples();
  const nn::Shape s = t.train_set().shape;
  const int cols = nn::CganTrainer::grid_per_class, rows = t.train_set().classes, gap = 2;
  const int width = cols * s.width + (cols + 1) * gap, height = rows * s.height + (rows + 1) * gap;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height, 96);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      for (int y = 0; y < s.height; ++y)
        for (int x = 0; x < s.width; ++x) {
          // channel 0 (the data is grayscale)
          const float v = images(r * cols + c, y * s.width + x);
          const auto px = static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255));
          pixels[static_cast<std::size_t>(gap + r * (s.height + gap) + y) * width + gap +
                 c * (s.width + gap) + x] = px;
        }
  return util::encode_png_gray8(width, height, pixels);
}

void write_outputs(const std::filesystem::path& dir, nn::CganTrainer& t, double wall_seconds) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError("--out " + dir.string() + ": cannot create the directory (" + ec.message() +
                     "; expected a writable directory path)");
  // As train_write_outputs: all or none, the checkpoint renamed last.
  write_files_atomically(
      {{dir / fmt::format("samples-epoch-{}.png", t.completed_epochs()), grid_png(t)},
       {dir / "metrics.csv", metrics_csv(t)},
       {dir / "run.json", run_json(t, wall_seconds)},
       {dir / "checkpoint.lnsck", t.checkpoint()}});
}

}  // namespace

void run_cgan(const CganRunArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const nn::TrainConfig& config = args.config;
  if (args.cache.empty())
    throw InputError(
        "--score-cache: no directory given and neither $XDG_CACHE_HOME nor $HOME is set "
        "(expected a directory for the feature classifier)");
  nn::Dataset train = load(config, true);
  nn::Dataset test = load(config, false);
  nn::FeatureClassifier scorer = nn::FeatureClassifier::load_or_train(
      train, test, config.data_dir, args.cache, [](const std::string& line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
      });
  nn::CganTrainer trainer(config, std::move(train), std::move(test), std::move(scorer));
  if (!args.checkpoint.empty()) {
    trainer.restore(args.checkpoint);
    if (trainer.completed_epochs() >= trainer.config().epochs)
      throw InputError(
          fmt::format("--resume {}: the checkpoint has already completed {} epochs; "
                      "pass --epochs N with N > {} to continue",
                      args.resume, trainer.completed_epochs(), trainer.completed_epochs()));
  }
  const nn::TrainConfig& c = trainer.config();
  std::printf("lnslab train: %s, seed %llu\n", build_provenance().c_str(),
              static_cast<unsigned long long>(c.seed));
  std::printf("data: %s (%zu train), %s (%zu test; %zu per class scored)\n",
              trainer.train_set().name.c_str(), trainer.train_set().size(),
              trainer.test_set().name.c_str(), trainer.test_set().size(),
              trainer.scored_per_class());
  std::printf(
      "optimizer %s for both networks, numerics %s%s, lr %g, schedule %s, batch %d, "
      "epochs %d\n",
      c.optimizer.c_str(), c.numerics.c_str(),
      c.lns_weights() ? (" (" + c.format + ")").c_str() : "", c.lr, c.schedule.c_str(), c.batch,
      c.epochs);
  std::printf("generator\n%sdiscriminator\n%s", trainer.generator().summary().c_str(),
              trainer.discriminator().summary().c_str());
  std::printf("untrained generator: Fréchet distance %.3f, sample class accuracy %.2f%%\n",
              trainer.initial_metrics().at(nn::metric_frechet_distance),
              trainer.initial_metrics().at(nn::metric_sample_class_accuracy) * 100.0);
  if (trainer.completed_epochs() > 0)
    std::printf("resuming after epoch %d of %s\n", trainer.completed_epochs(), args.resume.c_str());
  std::fflush(stdout);

  TrainProgress progress(c.epochs, isatty(fileno(stdout)) != 0);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  trainer.run([&](const nn::BatchProgress& p) { progress.batch(p); },
              [&](const nn::EpochRecord& r) {
                progress.epoch_line(
                    r, fmt::format("D loss {:.4f} acc {:.2f}%  G loss {:.4f}  Fréchet {:.3f}  "
                                   "class acc {:.2f}%",
                                   r.train_loss, r.train_accuracy * 100.0,
                                   r.metrics.at(nn::metric_generator_loss),
                                   r.metrics.at(nn::metric_frechet_distance),
                                   r.metrics.at(nn::metric_sample_class_accuracy) * 100.0));
                if (!args.out.empty()) write_outputs(args.out, trainer, elapsed());
              });
  const auto& last = trainer.history().back();
  std::printf(
      "final: Fréchet distance %.3f (untrained %.3f), sample class accuracy %.2f%% after "
      "%d epochs, %llu steps\n",
      last.metrics.at(nn::metric_frechet_distance),
      trainer.initial_metrics().at(nn::metric_frechet_distance),
      last.metrics.at(nn::metric_sample_class_accuracy) * 100.0, trainer.completed_epochs(),
      static_cast<unsigned long long>(trainer.steps()));
  if (!args.out.empty())
    std::printf("wrote %s/{metrics.csv,run.json,samples-epoch-N.png,checkpoint.lnsck}\n",
                args.out.string().c_str());
}

}  // namespace lnslab::cli
