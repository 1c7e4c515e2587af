// lnslab train: trains an MLP or a small CNN on IDX data (Fashion-MNIST by default), or a small
// character-level transformer on text (the fortunes corpus by default), with SGD, Adam, Madam or
// B-bit LNS Madam, FP32 or with LNS-stored weights; writes metrics.csv, run.json and a resumable
// checkpoint into --out. The work happens in lnslab::nn.
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
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
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/nn/run_record.hpp"
#include "lnslab/nn/text_corpus.hpp"
#include "lnslab/nn/trainer.hpp"
#include "lnslab/nn/transformer.hpp"
#include "lnslab_version.hpp"
#include "mpi_env.hpp"
#include "train_cgan.hpp"
#include "train_report.hpp"
#ifdef LNSLAB_HAVE_MPI
#include "lnslab/dist/session.hpp"
#endif

namespace lnslab::cli {
namespace {

struct TrainArgs {
  nn::TrainConfig c;  // holds the parsed values (defaults as in TrainConfig)
  std::string init = "uniform";
  std::string out;
  std::string resume;
  bool micro_batches_given = false;
  std::string score_cache;
};

// The ranks of an `mpirun -n N lnslab train --micro-batches S` job (one process otherwise): who
// reads the checkpoint and writes the outputs (rank 0), and the agreement that every rank is set
// up before the first step.
class Ranks {
 public:
  explicit Ranks(bool join) {
#ifdef LNSLAB_HAVE_MPI
    if (join) {
      session_.emplace();
      group_.emplace(*session_);
    }
#else
    if (join)
      throw InputError(std::string("train under mpirun with several ranks: ") + built_without_mpi);
#endif
  }
  int rank() const {
    return group() ? group()->rank() : 0;
  }
  int size() const {
    return group() ? group()->size() : 1;
  }
  nn::MicroBatchGroup* group() const {
#ifdef LNSLAB_HAVE_MPI
    if (group_) return &*group_;
#endif
    return nullptr;
  }
  /// Rank 0's bytes on every rank, or rank 0's error on every rank (exit 2).
  std::string from_rank0(const std::function<std::string()>& read) {
    if (size() == 1) return read();
    std::string error, bytes;
    if (rank() == 0) {
      try {
        bytes = read();
      } catch (const InputError& e) {
        error = e.what();
      }
    }
#ifdef LNSLAB_HAVE_MPI
    error = session_->broadcast(error);
    if (!error.empty()) session_->exit_together(2, "lnslab: error: " + error);
    bytes = session_->broadcast(bytes);
#endif
    return bytes;
  }
  /// Runs `f` (rank 0's work the others wait for); with several ranks an error in it ends the
  /// whole job (exit 2) instead of leaving them waiting in the next step.
  void alone_or_abort(const std::function<void()>& f) {
    if (size() == 1) return f();
#ifdef LNSLAB_HAVE_MPI
    try {
      f();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lnslab: error: %s (ending the MPI job)\n", e.what());
      std::fflush(stderr);
      session_->abort(2);
    }
#endif
  }
  /// Exits 2 on every rank when setting up failed on any (`error` empty: this rank is ready).
  void agree(const std::string& error) {
    if (size() == 1) {
      if (!error.empty()) throw InputError(error);
      return;
    }
    std::vector<double> failed{error.empty() ? 0.0 : 1.0};
    group()->all_sum(failed);
#ifdef LNSLAB_HAVE_MPI
    if (!error.empty()) session_->exit_together(2, "lnslab: error: " + error);
    if (failed[0] > 0)
      session_->exit_together(
          2, fmt::format("lnslab: error: rank {}: another rank could not set up the run (its "
                         "message above)",
                         rank()));
#endif
  }

 private:
#ifdef LNSLAB_HAVE_MPI
  std::optional<dist::Session> session_;
  mutable std::optional<dist::RankGroup> group_;
#endif
};

/// Which models a setting applies to (given for another model, it is an error).
enum class ModelScope { any, classifier, transformer };

/// One command-line setting: its option and how it is copied into a config; an optimizer
/// setting names the registry option it sets (given to an optimizer that does not take it, it is
/// an error).
struct Setting {
  CLI::Option* option;
  std::function<void(const TrainArgs&, nn::TrainConfig&)> apply;
  std::optional<nn::OptimizerOption> optimizer_option;
  ModelScope scope = ModelScope::any;
};

// Every model setting given on the command line must be one of the run's model.
void check_model_options(const nn::TrainConfig& config, const std::vector<Setting>& settings) {
  const bool transformer = config.model.kind == "transformer";
  for (const Setting& s : settings) {
    if (s.option->count() == 0 || s.scope == ModelScope::any) continue;
    if (transformer && s.scope == ModelScope::classifier)
      throw InputError(fmt::format(
          "{}: does not apply to --model transformer (it takes --layers, --width, --heads, "
          "--context, --layernorm-affine; the corpus fixes its validation text)",
          s.option->get_name()));
    if (!transformer && s.scope == ModelScope::transformer)
      throw InputError(fmt::format("{}: applies only to --model transformer, not to '{}'",
                                   s.option->get_name(), config.model.kind));
  }
}

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

nn::TextCorpus load_text(const nn::TrainConfig& c) {
  return nn::load_text_corpus(c.data_dir);
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
  // Ranks share the micro-batches of each step when started by mpirun with several ranks (one
  // rank alone, e.g. a study's run, is a process of its own).
  if (!args.micro_batches_given && args.resume.empty() && mpirun_world_size() > 1)
    throw InputError(
        fmt::format("lnslab train under mpirun with {} ranks needs --micro-batches S "
                    "(the ranks share each step's S micro-batches)",
                    mpirun_world_size()));
  Ranks ranks(mpirun_world_size() > 1);
  nn::TrainConfig config;
  std::string checkpoint;
  if (!args.resume.empty()) {
    checkpoint = ranks.from_rank0([&] { return read_binary(args.resume); });
    config = nn::CganTrainer::is_checkpoint(checkpoint)
                 ? nn::CganTrainer::checkpoint_config(checkpoint)
                 : nn::Trainer::checkpoint_config(checkpoint);
    // Explicit options must agree with the checkpoint (restore() names any difference), except
    // --epochs, which may extend the run.
    for (const Setting& s : settings)
      if (s.option->count() > 0) s.apply(args, config);
    const std::optional<nn::Isa> isa = nn::parse_isa(config.isa);
    if (isa && !nn::cpu_supports(*isa))
      throw InputError(fmt::format(
          "--resume {}: the checkpoint was trained with isa {}, which this CPU does not support "
          "(best here: {}); float products are bit-identical only at the same ISA",
          args.resume, config.isa, nn::to_string(nn::best_isa())));
  } else {
    for (const Setting& s : settings) s.apply(args, config);
  }
  check_optimizer_options(config, settings);
  check_model_options(config, settings);
  const bool text = config.model.kind == "transformer";
  const bool batch_given = std::any_of(settings.begin(), settings.end(), [](const Setting& s) {
    return s.option->get_name() == "--batch" && s.option->count() > 0;
  });
  if (text && args.resume.empty() && !batch_given) config.batch = nn::default_text_batch;
  if (config.data_dir.empty()) config.data_dir = text ? nn::default_text_dir : nn::default_data_dir;
  if (config.numerics == "lns-full" && config.accelerator.empty())
    config.accelerator = default_accelerator();

  if (config.model.kind == "cgan") {
    // The GAN's step splits no batch (micro-batches, ranks): refused, never ignored.
    if (ranks.size() > 1 || config.micro_batches != 1)
      throw InputError("--micro-batches: does not apply to --model cgan (its step takes none)");
    config.resolve();
    run_cgan({config, checkpoint, args.resume, args.out,
              args.score_cache.empty() ? nn::default_score_cache_dir()
                                       : std::filesystem::path(args.score_cache)});
    return;
  }
  if (!args.score_cache.empty())
    throw InputError("--score-cache: applies to --model cgan only (its feature classifier)");

  std::unique_ptr<nn::Trainer> made;
  std::string setup_error;
  try {
    if (text) {
      made = std::make_unique<nn::Trainer>(config, load_text(config));
    } else {
      nn::Dataset train = load(config, true);  // the training set first: its errors first
      nn::Dataset test = load(config, false);
      made = std::make_unique<nn::Trainer>(config, std::move(train), std::move(test));
    }
    if (ranks.group()) made->share_micro_batches(*ranks.group());
    if (!checkpoint.empty()) made->restore(checkpoint);
  } catch (const nn::ConfigError& e) {
    setup_error = std::string("train: ") + e.what();
  } catch (const nn::DataError& e) {
    setup_error = std::string("--data: ") + e.what();
  } catch (const nn::CheckpointError& e) {
    setup_error = "--resume " + args.resume + ": " + e.what();
  } catch (const lns::FormatError& e) {
    setup_error = std::string("--format: ") + e.what();
  }
  if (ranks.size() == 1 && !setup_error.empty()) throw InputError(setup_error);
  ranks.agree(setup_error);
  nn::Trainer& trainer = *made;
  if (!checkpoint.empty() && trainer.completed_epochs() >= trainer.config().epochs)
    ranks.agree(
        fmt::format("--resume {}: the checkpoint has already completed {} epochs; "
                    "pass --epochs N with N > {} to continue",
                    args.resume, trainer.completed_epochs(), trainer.completed_epochs()));
  // Only rank 0 reports and writes outputs.
  const bool speaks = ranks.rank() == 0;
  if (!speaks) {
    trainer.run();
    return;
  }

  const nn::TrainConfig& c = trainer.config();
  std::printf("lnslab train: %s, seed %llu\n", build_provenance().c_str(),
              static_cast<unsigned long long>(c.seed));
  if (const nn::TextCorpus* corpus = trainer.corpus()) {
    std::printf(
        "data: %s (%zu files; %zu training characters in %zu documents, %zu validation "
        "characters in %zu); an epoch is %zu windows of %d characters\n",
        corpus->name.c_str(), corpus->files, corpus->train.size(), corpus->train_documents,
        corpus->validation.size(), corpus->validation_documents,
        corpus->train.size() / static_cast<std::size_t>(c.model.transformer.context),
        c.model.transformer.context);
  } else {
    std::printf("data: %s (%zu train, %zu validation), %s (%zu test)\n",
                trainer.train_set().name.c_str(), trainer.train_set().size(),
                trainer.validation_set().size(), trainer.test_set().name.c_str(),
                trainer.test_set().size());
  }
  std::printf("optimizer %s, numerics %s%s, lr %g, schedule %s, batch %d, epochs %d, isa %s\n",
              c.optimizer.c_str(), c.numerics.c_str(),
              c.lns_weights() ? (" (" + c.format + ")").c_str() : "", c.lr, c.schedule.c_str(),
              c.batch, c.epochs, c.isa.c_str());
  std::fputs(trainer.network().summary().c_str(), stdout);
  if (trainer.completed_epochs() > 0)
    std::printf("resuming after epoch %d of %s\n", trainer.completed_epochs(), args.resume.c_str());
  if (ranks.size() > 1) {
    const std::size_t block = trainer.micro_batch_bytes();
    const auto mine = static_cast<std::size_t>(c.micro_batches / ranks.size());
    std::printf(
        "micro-batches: %d per step on %d ranks; each step all-gathers %d x %zu bytes (%zu "
        "bytes sent and %zu received per rank)\n",
        c.micro_batches, ranks.size(), c.micro_batches, block, block * mine,
        block * (static_cast<std::size_t>(c.micro_batches) - mine));
  } else if (c.micro_batches > 1) {
    std::printf("micro-batches: %d per step, all in this process\n", c.micro_batches);
  }
  std::fflush(stdout);

  TrainProgress progress(c.epochs, isatty(fileno(stdout)) != 0,
                         trainer.corpus() ? c.model.transformer.context : 0);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto write_outputs = [&] {
    if (!args.out.empty()) train_write_outputs(args.out, trainer, elapsed());
  };
  trainer.run([&](const nn::BatchProgress& p) { progress.batch(p); },
              [&](const nn::EpochRecord& r) {
                progress.epoch(r);
                ranks.alone_or_abort(write_outputs);
              });

  const auto& last = trainer.history().back();
  double images = 0.0, seconds = 0.0;
  for (const auto& r : trainer.history()) {
    seconds += r.seconds;
    images += r.images_per_second > 0 ? r.images_per_second : 0.0;
  }
  if (const nn::TextCorpus* corpus = trainer.corpus()) {
    std::printf(
        "final: validation %.4f bits/char (loss %.4f nats, perplexity %.3f per char; unigram "
        "model %.4f bits/char) after %d epochs, %llu steps; %.1f s training time, mean %.0f "
        "tokens/s\n",
        nn::bits_per_char(last.val_loss), last.val_loss, std::exp(last.val_loss),
        nn::bits_per_char(nn::unigram_cross_entropy(corpus->train, corpus->validation)),
        trainer.completed_epochs(), static_cast<unsigned long long>(trainer.steps()), seconds,
        images / static_cast<double>(trainer.history().size()) * c.model.transformer.context);
  } else {
    std::printf(
        "final: test accuracy %.2f%% (loss %.4f) after %d epochs, %llu steps; %.1f s "
        "training time, mean %.0f img/s\n",
        last.test_accuracy * 100.0, last.test_loss, trainer.completed_epochs(),
        static_cast<unsigned long long>(trainer.steps()), seconds,
        images / static_cast<double>(trainer.history().size()));
  }
  if (!args.out.empty())
    std::printf("wrote %s/{metrics.csv,run.json,checkpoint.lnsck}\n", args.out.c_str());
}

}  // namespace

void register_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto settings = std::make_shared<std::vector<Setting>>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train an MLP or CNN on IDX data (Fashion-MNIST by default), or a character-level "
      "transformer on text (fortunes by default), with SGD, Adam, Madam or B-bit LNS Madam; FP32 "
      "or LNS-stored weights");
  nn::TrainConfig& c = args->c;
  auto add = [&](CLI::Option* o, std::function<void(const TrainArgs&, nn::TrainConfig&)> f,
                 std::optional<nn::OptimizerOption> optimizer_option = std::nullopt,
                 ModelScope scope = ModelScope::any) {
    settings->push_back({o, std::move(f), optimizer_option, scope});
  };
  const std::optional<nn::OptimizerOption> none;
  using Opt = nn::OptimizerOption;
  add(cmd->add_option("--model", c.model.kind,
                      "mlp | cnn | transformer | cgan (class-conditional GAN, scored by a Fréchet "
                      "distance)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.model.kind = a.c.model.kind; });
  add(
      cmd->add_option("--widths", c.model.widths,
                      "mlp hidden widths (default 256), cnn channels (default 16,32) or the cgan "
                      "base width (default 32)")
          ->delimiter(','),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.widths = a.c.model.widths.empty() ? nn::model_widths(a.c.model) : a.c.model.widths;
      },
      none, ModelScope::classifier);
  add(
      cmd->add_flag("--batchnorm", c.model.batchnorm, "batch normalisation after hidden layers"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.model.batchnorm = a.c.model.batchnorm; }, none,
      ModelScope::classifier);
  add(
      cmd->add_flag("--batchnorm-affine", c.model.batchnorm_affine,
                    "learnable batch-norm scale and shift (off, as in the Madam paper)"),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.batchnorm_affine = a.c.model.batchnorm_affine;
      },
      none, ModelScope::classifier);
  nn::TransformerSpec& tf = c.model.transformer;
  add(
      cmd->add_option("--layers", tf.layers, "transformer: pre-norm blocks")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.transformer.layers = a.c.model.transformer.layers;
      },
      none, ModelScope::transformer);
  add(
      cmd->add_option("--width", tf.width, "transformer: model width (a multiple of --heads)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.transformer.width = a.c.model.transformer.width;
      },
      none, ModelScope::transformer);
  add(
      cmd->add_option("--heads", tf.heads, "transformer: attention heads")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.transformer.heads = a.c.model.transformer.heads;
      },
      none, ModelScope::transformer);
  add(
      cmd->add_option("--context", tf.context, "transformer: characters per window")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.transformer.context = a.c.model.transformer.context;
      },
      none, ModelScope::transformer);
  add(
      cmd->add_flag("--layernorm-affine", tf.layernorm_affine,
                    "transformer: learnable LayerNorm scale and shift (off, as the Madam paper's "
                    "batch norm)"),
      [](const TrainArgs& a, nn::TrainConfig& t) {
        t.model.transformer.layernorm_affine = a.c.model.transformer.layernorm_affine;
      },
      none, ModelScope::transformer);
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
  add(cmd->add_option("--batch", c.batch, "mini-batch size (transformer: windows, default 32)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.batch = a.c.batch; });
  auto* micro = cmd->add_option("--micro-batches", c.micro_batches,
                                "split each step's batch into S fixed micro-batches, gradients "
                                "summed in order; under mpirun -n N (N divides S) the ranks share "
                                "them and the run's bits do not depend on N");
  add(
      micro, [](const TrainArgs& a, nn::TrainConfig& t) { t.micro_batches = a.c.micro_batches; },
      none, ModelScope::classifier);
  add(cmd->add_option("--schedule", c.schedule,
                      "none, or comma-separated step=E (x factor after epoch E), plateau=P, "
                      "factor=F (0.1), warmup=W")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.schedule = a.c.schedule; });
  add(cmd->add_option("--seed", c.seed, "seed of every random choice")->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.seed = a.c.seed; });
  add(cmd->add_option("--data", c.data_dir,
                      std::string("IDX data directory (default ") + nn::default_data_dir +
                          "), or 'synthetic'; transformer: a text file or directory (default " +
                          nn::default_text_dir + ")"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.data_dir = a.c.data_dir; });
  add(
      cmd->add_option("--train-limit", c.train_limit, "use the first N training images (0: all)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.train_limit = a.c.train_limit; }, none,
      ModelScope::classifier);
  add(
      cmd->add_option("--test-limit", c.test_limit, "use the first N test images (0: all)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.test_limit = a.c.test_limit; }, none,
      ModelScope::classifier);
  add(
      cmd->add_option("--validation", c.validation,
                      "fraction of the training set held out for validation (0: none)"),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.validation = a.c.validation; }, none,
      ModelScope::classifier);
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
  add(cmd->add_option("--isa", c.isa,
                      "instruction set of the float products: best | avx512 | avx2 | portable "
                      "(runs are bit-identical per ISA; portable reproduces across x86-64 "
                      "machines; a resumed run keeps its checkpoint's)")
          ->capture_default_str(),
      [](const TrainArgs& a, nn::TrainConfig& t) { t.isa = a.c.isa; });
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

  cmd->callback([args, settings, micro] {
    args->micro_batches_given = micro->count() > 0;
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
