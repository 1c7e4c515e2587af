#include "train_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common.hpp"
#include "lnslab_version.hpp"

namespace lnslab::cli {

namespace {
std::string duration(double s) {
  if (!(s >= 0) || !std::isfinite(s)) return "?";
  const auto t = static_cast<long>(std::lround(s));
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60)
                   : fmt::format("{}:{:02}", t / 60, t % 60);
}

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
}  // namespace

void TrainProgress::batch(const nn::BatchProgress& p) {
  if (!terminal_) return;
  const double done = static_cast<double>(p.batch) / static_cast<double>(p.batches);
  if (p.batch != p.batches && done - last_shown_ < 0.005) return;
  last_shown_ = done;
  constexpr int width = 30;
  const int filled = static_cast<int>(done * width);
  std::fprintf(stdout, "\repoch %d/%d [%s%s] %3.0f%%  loss %.4f  acc %.2f%%  %.0f img/s  ETA %s ",
               p.epoch, epochs_, std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(width - filled), '.').c_str(), done * 100.0,
               p.loss, p.accuracy * 100.0, p.images_per_second, duration(p.eta_seconds).c_str());
  std::fflush(stdout);
}

void TrainProgress::epoch(const nn::EpochRecord& r) {
  if (terminal_) std::fputs("\r\033[K", stdout);
  last_shown_ = -1.0;
  std::string line = fmt::format("epoch {}/{}  lr {:.4g}{}  train loss {:.4f} acc {:.2f}%", r.epoch,
                                 epochs_, r.lr, r.lr_note.empty() ? "" : " (" + r.lr_note + ")",
                                 r.train_loss, r.train_accuracy * 100.0);
  if (std::isfinite(r.val_loss))
    line += fmt::format("  val loss {:.4f} acc {:.2f}%", r.val_loss, r.val_accuracy * 100.0);
  line += fmt::format("  test loss {:.4f} acc {:.2f}%  {:.1f} s  {:.0f} img/s", r.test_loss,
                      r.test_accuracy * 100.0, r.seconds, r.images_per_second);
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

std::string train_metrics_csv(const nn::Trainer& trainer) {
  const bool val = trainer.validation_set().size() > 0;
  std::string out = "epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,seconds";
  out += val ? ",val_loss,val_accuracy\n" : "\n";
  for (const auto& r : trainer.history()) {
    out += fmt::format("{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.3f}", r.epoch, r.lr, r.train_loss,
                       r.train_accuracy, r.test_loss, r.test_accuracy, r.seconds);
    out += val ? fmt::format(",{:.9g},{:.9g}\n", r.val_loss, r.val_accuracy) : "\n";
  }
  return out;
}

std::string train_run_json(const nn::Trainer& trainer, double wall_seconds) {
  nlohmann::json j;
  j["settings"] = nn::to_json(trainer.config());
  j["seed"] = trainer.config().seed;
  j["provenance"] = {
      {"lnslab_version", LNSLAB_VERSION},
      {"git_revision", LNSLAB_GIT_REVISION},
      {"compiler", LNSLAB_CXX_COMPILER},
      {"build_type", LNSLAB_BUILD_TYPE},
      {"flags", LNSLAB_CXX_FLAGS},
      {"threads", 1},
      {"machine",
       {{"cpu", cpu_model()}, {"hardware_threads", std::thread::hardware_concurrency()}}},
  };
  j["data"] = {{"train", trainer.train_set().name},
               {"train_images", trainer.train_set().size()},
               {"validation_images", trainer.validation_set().size()},
               {"test", trainer.test_set().name},
               {"test_images", trainer.test_set().size()}};
  j["parameters"] = {
      {"trainable", trainer.network().params().trainable_size()},
      {"storage", trainer.config().lns_weights() ? trainer.config().format : std::string("fp32")}};
  nlohmann::json epochs = nlohmann::json::array();
  for (const auto& r : trainer.history())
    epochs.push_back({{"epoch", r.epoch},
                      {"lr", r.lr},
                      {"lr_note", r.lr_note},
                      {"train_loss", r.train_loss},
                      {"train_accuracy", r.train_accuracy},
                      {"val_loss", number_or_null(r.val_loss)},
                      {"val_accuracy", number_or_null(r.val_accuracy)},
                      {"test_loss", r.test_loss},
                      {"test_accuracy", r.test_accuracy},
                      {"seconds", r.seconds},
                      {"images_per_second", r.images_per_second}});
  j["epochs"] = epochs;
  j["completed_epochs"] = trainer.completed_epochs();
  j["steps"] = trainer.steps();
  j["wall_seconds_this_invocation"] = wall_seconds;
  if (const nn::SimulatedSteps* s = trainer.simulated()) {
    // lns-full: every GEMM of training ran on the simulated accelerator (bit-exact datapath).
    j["simulated"] = {{"accelerator", s->accelerator},
                      {"steps", s->steps},
                      {"cycles_per_step", s->cycles_per_step()},
                      {"energy_pj_per_step", s->energy_pj_per_step()}};
  }
  j["final_test_accuracy"] = trainer.history().empty()
                                 ? nlohmann::json(nullptr)
                                 : nlohmann::json(trainer.history().back().test_accuracy);
  return j.dump(2) + "\n";
}

void train_write_outputs(const std::filesystem::path& dir, const nn::Trainer& trainer,
                         double wall_seconds) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError("--out " + dir.string() + ": cannot create the directory (" + ec.message() +
                     "; expected a writable directory path)");
  // A failed write replaces none of the three. The checkpoint is renamed last: it is what
  // --resume continues from, so a kill between the renames leaves records at least as new as
  // the checkpoint, and resuming rewrites them all.
  write_files_atomically({{dir / "metrics.csv", train_metrics_csv(trainer)},
                          {dir / "run.json", train_run_json(trainer, wall_seconds)},
                          {dir / "checkpoint.lnsck", trainer.checkpoint()}});
}

}  // namespace lnslab::cli
