// lnslab bound: the descent bound of Theorem 1 (Madam paper) for a model at its initialisation or
// at a checkpoint, with optional checks of the theorem (--verify) and of its assumption, deep
// relative trust, and Lemma 1 (--trust). The work happens in lnslab::nn (bound.hpp);
// docs/theory.md explains the quantities.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "lnslab/lns/format.hpp"
#include "lnslab/nn/bound.hpp"
#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/trainer.hpp"
#include "lnslab_version.hpp"

namespace lnslab::cli {
namespace {

// Streams of nn::derive_seed(seed, stream, index) used by this command.
constexpr std::uint64_t bound_stream = 700;

struct BoundArgs {
  std::string model = "mlp";
  bool model_given = false;
  std::vector<int> widths;
  std::string checkpoint;
  std::string data;
  std::size_t batches = 8;
  std::size_t batch_size = 128;
  std::uint64_t seed = 1;
  bool with_biases = false;
  bool verify = false;
  std::size_t verify_batches = 64;
  std::vector<double> multiples{0.25, 0.5, 1.0, 2.0, 4.0, 16.0};
  bool trust = false;
  std::vector<double> radii{0.001, 0.01, 0.05, 0.1, 0.5};
  int perturbations = 4;
  std::size_t trust_batches = 4;
  int t_steps = 8;
  std::string json;
  std::string isa;  ///< empty: the checkpoint's, else best
};

std::string read_binary(const std::string& path) {
  try {
    return util::read_file(path, "--checkpoint");
  } catch (const util::FileError& e) {
    throw InputError(std::string(e.what()) + " (expected a checkpoint file)");
  }
}

nn::Dataset load_train(const std::string& dir, std::uint64_t data_seed) {
  if (dir == "synthetic")  // the same set as `lnslab train --data synthetic --seed S`
    return nn::synthetic_split(data_seed, true);
  return nn::load_idx_split(dir, "train");
}

void validate(const BoundArgs& a) {
  if (a.model != "mlp" && a.model != "cnn")
    throw InputError("--model " + a.model + ": expected mlp or cnn");
  if (a.batches < 1) throw InputError("--batches: expected at least 1");
  if (a.batch_size < 1) throw InputError("--batch-size: expected at least 1");
  if (a.verify_batches < 1) throw InputError("--verify-batches: expected at least 1");
  if (a.trust_batches < 1) throw InputError("--trust-batches: expected at least 1");
  if (a.perturbations < 1) throw InputError("--perturbations: expected at least 1");
  if (a.t_steps < 1 || a.t_steps > 1000) throw InputError("--t-steps: expected 1..1000");
  if (!a.isa.empty()) {
    const std::optional<nn::Isa> isa = nn::parse_isa(a.isa);
    if (!isa) throw InputError("--isa " + a.isa + ": expected avx512, avx2 or portable");
    if (!nn::cpu_supports(*isa))
      throw InputError("--isa " + a.isa + ": this CPU does not support it (best: " +
                       nn::to_string(nn::best_isa()) + ")");
  }
  for (double m : a.multiples)
    if (!(m > 0.0) || !std::isfinite(m))
      throw InputError(fmt::format("--multiples: {} is not a positive number", m));
  for (double r : a.radii)
    if (!(r > 0.0) || !std::isfinite(r))
      throw InputError(fmt::format("--radii: {} is not a positive number", r));
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void run(const BoundArgs& a) {
  validate(a);
  // The model: the checkpoint's, or the initialisation `lnslab train --seed S` would start from.
  nn::TrainConfig config;
  std::string file;
  if (!a.checkpoint.empty()) {
    file = read_binary(a.checkpoint);
    config = nn::Trainer::checkpoint_config(file);
    if (config.model.kind == "transformer")
      throw InputError("--checkpoint " + a.checkpoint +
                       ": holds a transformer; lnslab bound takes checkpoints of mlp or cnn "
                       "runs (their Linear/Conv2d layers)");
    if (a.model_given && config.model.kind != a.model)
      throw InputError(fmt::format("--model {}: the checkpoint {} holds a {} model", a.model,
                                   a.checkpoint, config.model.kind));
  } else {
    config.model.kind = a.model;
    config.model.widths = a.widths;
    config.seed = a.seed;
  }
  std::string data_dir = a.data;
  if (data_dir.empty())
    data_dir = (!a.checkpoint.empty() && !config.data_dir.empty()) ? config.data_dir
                                                                   : nn::default_data_dir;
  const nn::Dataset train = load_train(data_dir, config.seed);
  if (a.batch_size > train.size())
    throw InputError(fmt::format("--batch-size {}: the training set {} has only {} samples",
                                 a.batch_size, train.name, train.size()));

  const nn::Dataset small = train.head(std::min<std::size_t>(train.size(), 64));
  nn::Trainer trainer(config, small, small);
  int epochs_done = 0;
  if (!a.checkpoint.empty()) {
    trainer.restore(file);
    epochs_done = trainer.completed_epochs();
  }
  // The trainer fixed the float environment at its ISA; --isa sets the bound's own.
  if (!a.isa.empty()) nn::fix_training_environment(*nn::parse_isa(a.isa));
  if (trainer.network().input_shape() != train.shape)
    throw InputError(fmt::format("--data {}: samples are {}, the model expects {}", data_dir,
                                 train.shape.str(), trainer.network().input_shape().str()));

  nn::Network<double> net =
      nn::build_model<double>(trainer.config().model, train.shape, train.classes);
  nn::load_values(net.params(), trainer.network().params());
  const auto layers = nn::bound_layers(net.params(), a.with_biases);
  if (layers.empty()) throw InputError("--model: the model has no weight tensors");

  const std::uint64_t order_seed = nn::derive_seed(a.seed, bound_stream, 0);
  const std::uint64_t perturb_seed = nn::derive_seed(a.seed, bound_stream, 1);
  const std::size_t verify_count = a.verify ? a.verify_batches : 0;
  const auto all = nn::draw_batches(train, a.batches + verify_count, a.batch_size, order_seed);
  const std::span<const nn::BoundBatch> bound_batches(all.data(), a.batches);
  const std::span<const nn::BoundBatch> verify_batches(all.data() + a.batches, verify_count);

  const nn::BoundResult br = nn::compute_bound(net, layers, bound_batches);
  const double eta_min = *std::min_element(br.batch_eta.begin(), br.batch_eta.end());
  const double eta_max = *std::max_element(br.batch_eta.begin(), br.batch_eta.end());
  const double eta_median = median(br.batch_eta);

  nlohmann::json j;
  j["command"] = "bound";
  j["provenance"] = {
      {"build", build_provenance()},
      {"git_revision", LNSLAB_GIT_REVISION},
      {"compiler", LNSLAB_CXX_COMPILER},
      {"build_type", LNSLAB_BUILD_TYPE},
      {"flags", LNSLAB_CXX_FLAGS},
      {"threads", 1},
      {"isa", nn::to_string(nn::active_isa())},
      {"machine",
       {{"cpu", cpu_model()}, {"hardware_threads", std::thread::hardware_concurrency()}}}};
  j["model"] = trainer.config().model.kind;
  j["widths"] = nn::model_widths(trainer.config().model);
  j["checkpoint"] = a.checkpoint.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.checkpoint);
  j["epochs_completed"] = epochs_done;
  j["init_seed"] = trainer.config().seed;
  j["data"] = {{"dir", data_dir}, {"name", train.name}, {"samples", train.size()}};
  j["batches"] = a.batches;
  j["batch_size"] = a.batch_size;
  j["seed"] = a.seed;
  j["batch_order_seed"] = order_seed;
  j["perturbation_seed"] = perturb_seed;
  j["include_biases"] = a.with_biases;
  j["depth"] = br.depth;
  j["loss"] = br.loss;
  j["eta_bound"] = br.eta_bound;
  j["limiting_layer"] = br.layers[br.limiting].name;
  j["batch_eta"] = br.batch_eta;
  j["batch_eta_min"] = eta_min;
  j["batch_eta_median"] = eta_median;
  j["batch_eta_max"] = eta_max;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : br.layers)
    j["layers"].push_back({{"name", l.name},
                           {"size", l.size},
                           {"gamma_deg", l.gamma_deg},
                           {"cos_gamma", l.cos_gamma},
                           {"w_norm", l.w_norm},
                           {"g_norm", l.g_norm},
                           {"eta_bound", l.eta_bound}});

  std::printf("lnslab bound: %s\n", build_provenance().c_str());
  std::printf("model %s", trainer.config().model.kind.c_str());
  if (a.checkpoint.empty())
    std::printf(" at initialisation, init seed %llu\n",
                static_cast<unsigned long long>(trainer.config().seed));
  else
    std::printf(" from checkpoint %s after %d epochs\n", a.checkpoint.c_str(), epochs_done);
  std::printf("data %s: %zu batches of %zu samples; seed %llu (batch order seed %llu",
              train.name.c_str(), a.batches, a.batch_size, static_cast<unsigned long long>(a.seed),
              static_cast<unsigned long long>(order_seed));
  if (a.trust)
    std::printf(", perturbation seed %llu", static_cast<unsigned long long>(perturb_seed));
  std::printf(")\n");
  std::printf(
      "depth L %d (%s); mean loss %.6f; gradient = mean of the %zu batch gradients\n\n", br.depth,
      a.with_biases ? "weight tensors with their biases" : "weight tensors; biases held fixed",
      br.loss, a.batches);
  std::printf("%-10s %9s %10s %10s %12s %12s %10s\n", "layer", "size", "gamma_deg", "cos_gamma",
              "w_norm", "g_norm", "eta_bound");
  for (const auto& l : br.layers)
    std::printf("%-10s %9zu %10.3f %10.6f %12.4e %12.4e %10.6f\n", l.name.c_str(), l.size,
                l.gamma_deg, l.cos_gamma, l.w_norm, l.g_norm, l.eta_bound);
  std::printf("\nnetwork bound eta_bound %.6f (limited by %s)\n", br.eta_bound,
              br.layers[br.limiting].name.c_str());
  std::printf("bound from single batches: min %.6f median %.6f max %.6f\n", eta_min, eta_median,
              eta_max);

  if (a.verify) {
    const nn::VerifyResult v =
        nn::verify_descent(net, layers, verify_batches, br.eta_bound, a.multiples);
    std::printf(
        "\nverify: W <- W (1 - eta sign W sign g) on %zu further batches, each with its own "
        "gradient; loss on the same batch\n",
        verify_count);
    std::printf("%9s %10s %9s %7s %9s %8s %12s %12s %9s\n", "multiple", "eta", "decreased",
                "trials", "fraction", "premise", "mean_dloss", "worst_dloss", "rel_step");
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : v.rows) {
      std::printf("%9.3f %10.6f %9zu %7zu %9.4f %8zu %12.4e %12.4e %9.6f\n", r.multiple, r.eta,
                  r.decreases, r.trials, r.fraction, r.premise, r.mean_change, r.worst_change,
                  r.mean_rel_step);
      rows.push_back({{"multiple", r.multiple},
                      {"eta", r.eta},
                      {"decreases", r.decreases},
                      {"trials", r.trials},
                      {"fraction", r.fraction},
                      {"premise", r.premise},
                      {"mean_loss_change", r.mean_change},
                      {"worst_loss_change", r.worst_change},
                      {"mean_rel_step", r.mean_rel_step}});
    }
    std::printf("largest tested eta that never failed: %.6f (%.3f x bound)\n", v.largest_safe_eta,
                v.largest_safe_multiple);
    j["verify"] = {{"batches", verify_count},
                   {"eta_ref", v.eta_ref},
                   {"rows", rows},
                   {"largest_safe_eta", v.largest_safe_eta},
                   {"largest_safe_multiple", v.largest_safe_multiple}};
  }

  if (a.trust) {
    const std::size_t tb = std::min(a.trust_batches, a.batches);
    const nn::TrustResult t =
        nn::measure_trust(net, layers, bound_batches.first(tb), a.radii, a.perturbations,
                          perturb_seed, br.eta_bound, a.t_steps);
    std::printf(
        "\ntrust: random dW_l = r ||W_l|| u/||u|| in every layer at once, %d per r on %zu "
        "batches; change = ||g_k(W+dW) - g_k(W)|| / ||g_k(W)|| vs predicted (1+r)^L - 1\n",
        t.perturbations, tb);
    std::printf("%8s %11s %-10s %12s %12s %10s %10s %6s %7s\n", "r", "predicted", "layer",
                "mean_change", "max_change", "mean_ratio", "max_ratio", "held", "trials");
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : t.rows) {
      nlohmann::json lj = nlohmann::json::array();
      for (std::size_t k = 0; k < layers.size(); ++k) {
        const auto& s = row.layers[k];
        std::printf("%8.4f %11.6f %-10s %12.4e %12.4e %10.4f %10.4f %6zu %7zu\n", row.r,
                    row.predicted, layers[k].name.c_str(), s.mean_change, s.max_change,
                    s.mean_ratio, s.max_ratio, s.held, s.trials);
        lj.push_back({{"name", layers[k].name},
                      {"mean_change", s.mean_change},
                      {"max_change", s.max_change},
                      {"mean_ratio", s.mean_ratio},
                      {"max_ratio", s.max_ratio},
                      {"held", s.held},
                      {"trials", s.trials}});
      }
      rows.push_back({{"r", row.r},
                      {"predicted", row.predicted},
                      {"held_all_layers", row.held},
                      {"trials", row.trials},
                      {"layers", lj}});
    }
    std::printf("perturbations where every layer held, per r:");
    for (const auto& row : t.rows) std::printf(" %zu/%zu", row.held, row.trials);
    std::printf("\n");
    std::printf(
        "\nLemma 1 for the theorem's step at eta %.6f, each batch with its own gradient; "
        "max over t = j/%d; trust predicts a change of at most %.6f\n",
        t.lemma_eta, t.t_steps, t.trust_predicted);
    std::printf("%-10s %10s %11s %12s %12s %9s %10s %7s\n", "layer", "cos_theta", "max_change",
                "mean_bracket", "min_bracket", "positive", "trust_held", "within");
    nlohmann::json lemma = nlohmann::json::array();
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const auto& s = t.lemma[k];
      std::printf("%-10s %10.6f %11.6f %12.6f %12.6f %9zu %10zu %7zu\n", layers[k].name.c_str(),
                  s.mean_cos_theta, s.mean_max_change, s.mean_bracket, s.min_bracket, s.positive,
                  s.trust_held, s.within);
      lemma.push_back({{"name", layers[k].name},
                       {"mean_cos_theta", s.mean_cos_theta},
                       {"mean_max_change", s.mean_max_change},
                       {"mean_bracket", s.mean_bracket},
                       {"min_bracket", s.min_bracket},
                       {"positive", s.positive},
                       {"trust_held", s.trust_held},
                       {"within_prediction", s.within}});
    }
    std::printf(
        "loss change mean %.4e, Lemma 1 bound mean %.4e; lemma held on %zu of %zu batches, "
        "loss decreased on %zu\n",
        t.mean_loss_change, t.mean_rhs, t.lemma_held, t.lemma_batches, t.descents);
    j["trust"] = {{"batches", tb},
                  {"perturbations", t.perturbations},
                  {"seed", t.seed},
                  {"rows", rows},
                  {"lemma",
                   {{"eta", t.lemma_eta},
                    {"t_steps", t.t_steps},
                    {"trust_predicted", t.trust_predicted},
                    {"layers", lemma},
                    {"batches", t.lemma_batches},
                    {"held", t.lemma_held},
                    {"descents", t.descents},
                    {"mean_loss_change", t.mean_loss_change},
                    {"mean_bound", t.mean_rhs}}}};
  }

  if (!a.json.empty()) {
    write_file_atomically(a.json, j.dump(2) + "\n");
    std::printf("\nwrote %s\n", a.json.c_str());
  }
}

}  // namespace

void register_bound(CLI::App& app) {
  auto a = std::make_shared<BoundArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bound",
      "Theorem 1 of the Madam paper: the per-layer descent bound eta_k = (1 + cos gamma_k)^(1/L) "
      "- 1 of the multiplicative update, with checks of the theorem and of deep relative trust");
  CLI::Option* model = cmd->add_option("--model", a->model, "mlp | cnn (a checkpoint's by default)")
                           ->capture_default_str();
  cmd->add_option("--widths", a->widths, "mlp hidden widths or cnn channels (model defaults)")
      ->delimiter(',');
  cmd->add_option("--checkpoint", a->checkpoint, "a checkpoint of lnslab train (checkpoint.lnsck)");
  cmd->add_option("--data", a->data,
                  std::string("IDX data directory (default ") + nn::default_data_dir +
                      ", or the checkpoint's), or 'synthetic'");
  cmd->add_option("--batches", a->batches, "batches whose mean gradient gives the bound")
      ->capture_default_str();
  cmd->add_option("--batch-size", a->batch_size, "samples per batch")->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of the batch order, perturbations and initialisation")
      ->capture_default_str();
  cmd->add_flag("--with-biases", a->with_biases,
                "make each layer its weight and bias together (default: biases held fixed)");
  cmd->add_flag("--verify", a->verify, "take the theorem's step at multiples of the bound");
  cmd->add_option("--verify-batches", a->verify_batches, "batches for --verify")
      ->capture_default_str();
  cmd->add_option("--multiples", a->multiples, "multiples of the bound tried by --verify")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--trust", a->trust, "measure deep relative trust and Lemma 1");
  cmd->add_option("--radii", a->radii, "relative perturbation sizes r for --trust")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--perturbations", a->perturbations, "random perturbations per batch and r")
      ->capture_default_str();
  cmd->add_option("--trust-batches", a->trust_batches, "batches for --trust (the first ones)")
      ->capture_default_str();
  cmd->add_option("--t-steps", a->t_steps, "grid of t in Lemma 1's maximum")->capture_default_str();
  cmd->add_option("--json", a->json, "write every figure as JSON");
  cmd->add_option("--isa", a->isa,
                  "instruction set of the double products: avx512 | avx2 | portable (default: "
                  "the checkpoint's, else the best this CPU has; figures are bit-identical per "
                  "ISA, portable reproduces across x86-64 machines)");
  cmd->callback([a, model] {
    a->model_given = model->count() > 0;
    try {
      run(*a);
    } catch (const nn::ConfigError& e) {
      throw InputError(std::string("bound: ") + e.what());
    } catch (const nn::DataError& e) {
      throw InputError("--data " + (a->data.empty() ? std::string("(default)") : a->data) + ": " +
                       e.what());
    } catch (const nn::CheckpointError& e) {
      throw InputError("--checkpoint " + a->checkpoint + ": " + e.what());
    } catch (const lns::FormatError& e) {
      throw InputError(std::string("bound: ") + e.what());
    }
  });
}

}  // namespace lnslab::cli
