// lnslab train: trains an MLP or a small CNN on IDX data (Fashion-MNIST by default) with SGD,
// Adam, Madam or B-bit LNS Madam, FP32 or with LNS-stored weights; writes metrics.csv, run.json
// and a resumable checkpoint into --out. The work happens in lnslab::nn.
#include <unistd.h>

#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "data_dir.hpp"
#include "lnslab/lns/format.hpp"
#include "lnslab/nn/cgan_trainer.hpp"
#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/gan_score.hpp"
#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/nn/trainer.hpp"
#include "lnslab_version.hpp"
#include "train_cgan.hpp"
#include "train_report.hpp"

namespace lnslab::cli {
namespace {

struct TrainArgs {
  nn::TrainConfig c;  // holds the parsed values (defaults as in TrainConfig)
  std::string init = "uniform";
  std::string out;
  std::string resume;
  std::string score_cache;
};

/// One command-line setting: its option and how it is copied into a config; an optimizer
/// setting names the registry option it sets (given to an optimizer that does not take it, it is
/// an error).
struct Setting {
  CLI::Option* option;
  std::function<void(const TrainArgs&, nn::TrainConfig&)> apply;
  std::optional<nn::OptimizerOption> optimizer_option;
};

// Every optimizer setting given on the command line must be one the run's optimizer takes.
void check_optimizer_options(const nn::TrainConfig& config, const std::vector<Setting>& settings) {
  const nn::OptimizerDescriptor& d = nn::effective_optimizer(config);
  for (const Setting& s : settings)
    if (s.optimizer_option && s.option->count() > 0 && !d.takes(*s.optimizer_option)) {
      std::string takes;
      for (const Setting& t : settings)
        if (t.optimizer_option && d.takes(*t.optimizer_option))
          takes += (takes.empty() ? "" : ", ") + t.option->get_name();
      throw InputError(fmt::format("{}: does not apply to optimizer '{}' (it takes: {})",
                                   s.option->get_name(), d.name,
                                   takes.empty() ? "no optimizer settings" : takes));
    }
}

std::string read_binary(const std::string& path) {
  try {
    return util::read_file(path, "--resume");
  } catch (const util::FileError& e) {
    throw InputError(std::string(e.what()) + " (expected a checkpoint file)");
  }
}

nn::Dataset load(const nn::TrainConfig& c, bool train) {
  if (c.data_dir == "synthetic") return nn::synthetic_split(c.seed, train);
  return nn::load_idx_split(c.data_dir, train ? "train" : "t10k");
}

// lns-full's default accelerator: the 8-bit LNS one shipped in configs/.
std::string default_accelerator() {
  return find_data_file("accelerators/lns8.toml",
                        "--numerics lns-full: no --accelerator given and the default accelerator")
      .string();
}

void run(const TrainArgs& args, const std::vector<Setting>& settings) {
  const auto start = std::chrono::steady_clock::now();
  nn::TrainConfig config;
  std::string checkpoint;
  if (!args.resume.empty()) {
    checkpoint = read_binary(args.resume);
    config = nn::CganTrainer::is_checkpoint(checkpoint)
                 ? nn::CganTrainer::checkpoint_config(checkpoint)
                 : nn::Trainer::checkpoint_config(checkpoint);
    // Explicit options must agree with the checkpoint (restore() names any difference), except
    // --epochs, which may extend the run.
    for (const Setting& s : settings)
      if (s.option->count() > 0) s.apply(args, config);
  } else {
    for (const Setting& s : settings) s.apply(args, config);
  }
  check_optimizer_options(config, settings);
  if (config.data_dir.empty()) config.data_dir = nn::default_data_dir;
  if (config.numerics == "lns-full" && config.accelerator.empty())
    config.accelerator = default_accelerator();

  if (config.model.kind == "cgan") {
    config.resolve();
    run_cgan({config, checkpoint, args.resume, args.out,
              args.score_cache.empty() ? nn::default_score_cache_dir()
                                       : std::filesystem::path(args.score_cache)});
    return;
  }
  if (!args.score_cache.empty())
    throw InputError("--score-cache: applies to --model cgan only (its feature classifier)");

  nn::Dataset train = load(config, true);
  nn::Dataset test = load(config, false);
  nn::Trainer trainer(config, std::move(train), std::move(test));
  if (!checkpoint.empty()) {
    trainer.restore(checkpoint);
    if (trainer.completed_epochs() >= trainer.config().epochs)
      throw InputError(
          fmt::format("--resume {}: the checkpoint has already completed {} epochs; "
                      "pass --epochs N with N > {} to continue",
                      args.resume, trainer.completed_epochs(), trainer.completed_epochs()));
  }

  const nn::TrainConfig& c = trainer.config();
  std::printf("lnslab train: %s, seed %llu\n", build_provenance().c_str(),
              static_cast<unsigned long long>(c.seed));
  std::printf("data: %s (%zu train, %zu validation), %s (%zu test)\n",
              trainer.train_set().name.c_str(), trainer.train_set().size(),
              trainer.validation_set().size(), trainer.test_set().name.c_str(),
              trainer.test_set().size());
  std::printf("optimizer %s, numerics %s%s, lr %g, schedule %s, batch %d, epochs %d\n",
              c.optimizer.c_str(), c.numerics.c_str(),
              c.lns_weights() ? (" (" + c.format + ")").c_str() : "", c.lr, c.schedule.c_str(),
              c.batch, c.epochs);
  std::fputs(trainer.network().summary().c_str(), stdout);
  if (trainer.completed_epochs() > 0)
    std::printf("resuming after epoch %d of %s\n", trainer.completed_epochs(), args.resume.c_str());
  std::fflush(stdout);

  TrainProgress progress(c.epochs, isatty(fileno(stdout)) != 0);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  trainer.run([&](const nn::BatchProgress& p) { progress.batch(p); },
              [&](const nn::EpochRecord& r) {
                progress.epoch(r);
                if (!args.out.empty()) train_write_outputs(args.out, trainer, elapsed());
              });

  const auto& last = trainer.history().back();
  double images = 0.0, seconds = 0.0;
  for (const auto& r : trainer.history()) {
    seconds += r.seconds;
    images += r.images_per_second > 0 ? r.images_per_second : 0.0;
  }
  std::printf(
      "final: test accuracy %.2f%% (loss %.4f) after %d epochs, %llu steps; %.1f s "
      "training time, mean %.0f img/s\n",
      last.test_accuracy * 100.0, last.test_loss, trainer.completed_epochs(),
      static_cast<unsigned long long>(trainer.steps()), seconds,
      images / static_cast<double>(trainer.history().size()));
  if (!args.out.empty())
    std::printf("wrote %s/{metrics.csv,run.json,checkpoint.lnsck}\n", args.out.c_str());
}

}  // namespace

void register_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto settings = std::make_shared<std::vector<Setting>>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train an MLP or CNN on IDX data (Fashion-MNIST by default) with SGD, Adam, Madam or B-bit "
      "LNS Madam; FP32 or LNS-stored weights");
  nn::TrainConfig& c = args->c;
  auto add = [&](CLI::Option* o, std::function<void(const TrainArgs&, nn::TrainConfig&)> f,
                 std::optional<nn::OptimizerOption> optimizer_option = std::nullopt) {
    settings->push_back({o, std::move(f), optimizer_option});
  };
  using Opt = nn::OptimizerOption;
  add(cmd->add_option("--model", c.model.kind,
                      "mlp | cnn | cgan (class-conditional GAN, scored by a Fréchet distance)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.model.kind = a.c.model.kind; });
  add(cmd->add_option("--widths", c.model.widths,
                      "mlp hidden widths (default 256), cnn channels (default 16,32) or the cgan "
                      "base width (default 32)")
          ->delimiter(','),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.widths = a.c.model.widths.empty() ? nn::model_widths(a.c.model) : a.c.model.widths;
      });
  add(cmd->add_flag("--batchnorm", c.model.batchnorm, "batch normalisation after hidden layers"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.model.batchnorm = a.c.model.batchnorm; });
  add(cmd->add_flag("--batchnorm-affine", c.model.batchnorm_affine,
                    "learnable batch-norm scale and shift (off, as in the Madam paper)"),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.batchnorm_affine = a.c.model.batchnorm_affine;
      });
  add(cmd->add_option("--optimizer", c.optimizer, nn::optimizer_names())->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.optimizer = a.c.optimizer; });
  add(cmd->add_option("--numerics", c.numerics,
                      "fp32 | lns-weights | lns-full (default: lns-weights for lns-* optimizers)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.numerics = a.c.numerics; });
  add(
      cmd->add_option("--format", c.format, "LNS weight format for lns-weights (bias is K)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.format = a.c.format; }, Opt::format);
  add(cmd->add_option("--lr", c.lr,
                      "learning rate (default: sgd 0.1, adam 0.001, madam 0.01, lns-madam 0.016)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.lr = a.c.lr; });
  add(cmd->add_option("--epochs", c.epochs, "epochs")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.epochs = a.c.epochs; });
  add(cmd->add_option("--batch", c.batch, "mini-batch size")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.batch = a.c.batch; });
  add(cmd->add_option("--schedule", c.schedule,
                      "none, or comma-separated step=E (x factor after epoch E), plateau=P, "
                      "factor=F (0.1), warmup=W")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.schedule = a.c.schedule; });
  add(cmd->add_option("--seed", c.seed, "seed of every random choice")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.seed = a.c.seed; });
  add(cmd->add_option(
          "--data", c.data_dir,
          std::string("IDX data directory (default ") + nn::default_data_dir + "), or 'synthetic'"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.data_dir = a.c.data_dir; });
  add(cmd->add_option("--train-limit", c.train_limit, "use the first N training images (0: all)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.train_limit = a.c.train_limit; });
  add(cmd->add_option("--test-limit", c.test_limit, "use the first N test images (0: all)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.test_limit = a.c.test_limit; });
  add(cmd->add_option("--validation", c.validation,
                      "fraction of the training set held out for validation (0: none)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.validation = a.c.validation; });
  add(
      cmd->add_option("--momentum", c.momentum, "sgd momentum")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.momentum = a.c.momentum; }, Opt::momentum);
  add(
      cmd->add_flag("--nesterov", c.nesterov, "Nesterov momentum (sgd)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.nesterov = a.c.nesterov; }, Opt::nesterov);
  add(
      cmd->add_option("--weight-decay", c.weight_decay, "L2 weight decay (sgd, adam)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.weight_decay = a.c.weight_decay; },
      Opt::weight_decay);
  add(
      cmd->add_option("--p-scale", c.p_scale, "madam / LNS storage: sigma* = p_scale * RMS(W0)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.p_scale = a.c.p_scale; }, Opt::p_scale);
  add(
      cmd->add_option("--g-bound", c.g_bound, "madam: clamp of the normalised gradient")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.g_bound = a.c.g_bound; }, Opt::g_bound);
  add(
      cmd->add_option("--rounding", c.rounding,
                      "lns-sgd / lns-adam re-encoding: nearest | stochastic")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.rounding = a.c.rounding; }, Opt::rounding);
  add(
      cmd->add_flag("--random-exponents", c.random_exponents,
                    "lns-madam: random initial exponents, as the reference code"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.random_exponents = a.c.random_exponents; },
      Opt::random_exponents);
  add(cmd->add_option("--init", args->init, "weight init: uniform (PyTorch) | he | xavier")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        if (!nn::parse_weight_init(a.init, t.init.weights))
          throw InputError("--init " + a.init + ": expected uniform, he or xavier");
      });
  add(cmd->add_option("--bias-std", c.init.bias_std, "biases start N(0, bias_std^2)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.init.bias_std = a.c.init.bias_std; });
  add(cmd->add_option("--accelerator", c.accelerator,
                      "lns-full: simulated accelerator config (default: accelerators/lns8.toml in "
                      "the data directory, <lnslab dir>/../share/lnslab or $LNSLAB_DATA_DIR)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.accelerator = a.c.accelerator; });
  add(cmd->add_option("--activation-format", c.activation_format,
                      "lns-full: activations' LNS format (default: the accelerator's)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.activation_format = a.c.activation_format; });
  add(cmd->add_option("--gradient-format", c.gradient_format,
                      "lns-full: activation gradients' LNS format (default: the accelerator's)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.gradient_format = a.c.gradient_format; });
  add(cmd->add_option("--weight-gemm-format", c.weight_gemm_format,
                      "lns-full: weights' LNS format inside GEMMs (default: the accelerator's)"),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.weight_gemm_format = a.c.weight_gemm_format;
      });
  cmd->add_option("--out", args->out, "directory for metrics.csv, run.json, checkpoint.lnsck");
  cmd->add_option("--resume", args->resume, "continue a checkpoint (checkpoint.lnsck)");
  cmd->add_option("--score-cache", args->score_cache,
                  "cgan: directory of the cached feature classifier (default "
                  "$XDG_CACHE_HOME/lnslab, else $HOME/.cache/lnslab)");

  cmd->callback([args, settings] {
    try {
      run(*args, *settings);
    } catch (const nn::ConfigError& e) {
      throw InputError(std::string("train: ") + e.what());
    } catch (const nn::DataError& e) {
      throw InputError(std::string("--data: ") + e.what());
    } catch (const nn::CheckpointError& e) {
      throw InputError("--resume " + args->resume + ": " + e.what());
    } catch (const lns::FormatError& e) {
      throw InputError(std::string("--format: ") + e.what());
    }
  });
}

}  // namespace lnslab::cli
