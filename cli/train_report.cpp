#include "train_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common.hpp"
#include "lnslab/nn/run_record.hpp"
#include "lnslab_version.hpp"

namespace lnslab::cli {

namespace {
std::string duration(double s) {
  if (!(s >= 0) || !std::isfinite(s)) return "?";
  const auto t = static_cast<long>(std::lround(s));
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60)
                   : fmt::format("{}:{:02}", t / 60, t % 60);
}
}  // namespace

void TrainProgress::batch(const nn::BatchProgress& p) {
  if (!terminal_) return;
  const double done = static_cast<double>(p.batch) / static_cast<double>(p.batches);
  if (p.batch != p.batches && done - last_shown_ < 0.005) return;
  last_shown_ = done;
  constexpr int width = 30;
  const int filled = static_cast<int>(done * width);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(width - filled), '.');
  if (text_context_ > 0)
    std::fprintf(
        stdout, "\repoch %d/%d [%s] %3.0f%%  %.4f bits/char  acc %.2f%%  %.0f tokens/s  ETA %s ",
        p.epoch, epochs_, bar.c_str(), done * 100.0, nn::bits_per_char(p.loss), p.accuracy * 100.0,
        p.images_per_second * text_context_, duration(p.eta_seconds).c_str());
  else
    std::fprintf(stdout, "\repoch %d/%d [%s] %3.0f%%  loss %.4f  acc %.2f%%  %.0f img/s  ETA %s ",
                 p.epoch, epochs_, bar.c_str(), done * 100.0, p.loss, p.accuracy * 100.0,
                 p.images_per_second, duration(p.eta_seconds).c_str());
  std::fflush(stdout);
}

void TrainProgress::epoch(const nn::EpochRecord& r) {
  if (terminal_) std::fputs("\r\033[K", stdout);
  last_shown_ = -1.0;
  if (text_context_ > 0) {
    std::fprintf(stdout,
                 "epoch %d/%d  lr %.4g%s  train %.4f bits/char (loss %.4f)  val %.4f bits/char "
                 "(loss %.4f, perplexity %.3f, acc %.2f%%)  %.1f s  %.0f tokens/s\n",
                 r.epoch, epochs_, r.lr, r.lr_note.empty() ? "" : (" (" + r.lr_note + ")").c_str(),
                 nn::bits_per_char(r.train_loss), r.train_loss, nn::bits_per_char(r.val_loss),
                 r.val_loss, std::exp(r.val_loss), r.val_accuracy * 100.0, r.seconds,
                 r.images_per_second * text_context_);
    std::fflush(stdout);
    return;
  }
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

void TrainProgress::epoch_line(const nn::EpochRecord& r, const std::string& metrics) {
  if (terminal_) std::fputs("\r\033[K", stdout);
  last_shown_ = -1.0;
  std::fprintf(stdout, "%s\n",
               fmt::format("epoch {}/{}  lr {:.4g}{}  {}  {:.1f} s  {:.0f} img/s", r.epoch, epochs_,
                           r.lr, r.lr_note.empty() ? "" : " (" + r.lr_note + ")", metrics,
                           r.seconds, r.images_per_second)
                   .c_str());
  std::fflush(stdout);
}

std::string train_metrics_csv(const nn::Trainer& trainer) {
  if (trainer.corpus() != nullptr) {
    const int context = trainer.config().model.transformer.context;
    std::string out =
        "epoch,lr,train_loss,train_bits_per_char,train_accuracy,val_loss,val_bits_per_char,"
        "val_perplexity_per_char,val_accuracy,seconds,tokens_per_second\n";
    for (const auto& r : trainer.history())
      out += fmt::format(
          "{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.3f},{:.1f}\n", r.epoch,
          r.lr, r.train_loss, nn::bits_per_char(r.train_loss), r.train_accuracy, r.val_loss,
          nn::bits_per_char(r.val_loss), std::exp(r.val_loss), r.val_accuracy, r.seconds,
          r.images_per_second * context);
    return out;
  }
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

nn::Provenance this_build_provenance() {
  return nn::Provenance{LNSLAB_VERSION,      LNSLAB_GIT_REVISION,
                        LNSLAB_CXX_COMPILER, LNSLAB_BUILD_TYPE,
                        LNSLAB_CXX_FLAGS,    1,
                        cpu_model(),         std::thread::hardware_concurrency()};
}

std::string train_run_json(const nn::Trainer& trainer, double wall_seconds) {
  return nn::to_json(nn::make_run_record(trainer, this_build_provenance(), wall_seconds)).dump(2) +
         "\n";
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
