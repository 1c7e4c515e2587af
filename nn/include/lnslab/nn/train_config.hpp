#pragma once
// Every setting of a training run, its defaults, validation and JSON form (run.json, checkpoints).
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "lnslab/nn/init.hpp"
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/optimizers/registry.hpp"

namespace lnslab::nn {

struct TrainConfig {
  ModelSpec model;
  /// A name of the optimizer registry (optimizers/registry.hpp): sgd, adam, lion, madam,
  /// lns-madam, lns-sgd, lns-adam, lns-lion.
  std::string optimizer = "adam";
  /// fp32 | lns-weights | lns-full; empty: lns-weights for the lns-* optimizers, else fp32.
  /// `madam`, `sgd`, `adam` with lns-weights mean lns-madam, lns-sgd, lns-adam.
  std::string numerics;
  /// Weight format for lns-weights (bias is K; see lns_weights.hpp).
  std::string format = "lns8:eta0=0.016";
  double lr =
      0.0;  ///< 0: the optimizer's default (sgd 0.1, adam 1e-3, madam 0.01, lns-madam 0.016)
  int epochs = 10;
  int batch = 128;
  /// Each step's batch is split into this many fixed micro-batches whose gradients are summed in
  /// micro-batch order (micro_batches.hpp): the run's bits then do not depend on how many
  /// processes share the micro-batches. 1: the whole batch at once.
  int micro_batches = 1;
  std::string schedule = "none";  ///< see schedule.hpp
  std::uint64_t seed = 1;
  std::string data_dir;         ///< empty: the synthetic set (tests); the CLI fills the default
  std::size_t train_limit = 0;  ///< use only the first N training images (0: all)
  std::size_t test_limit = 0;   ///< use only the first N test images (0: all)
  double validation = 0.0;      ///< fraction of the training set held out (0: none)
  // optimizer settings; each optimizer takes a subset (its registry entry), any other that
  // differs from its default is a ConfigError
  double momentum = 0.9;  ///< sgd / lns-sgd
  bool nesterov = false;
  double weight_decay = 0.0;         ///< sgd / adam (L2)
  double p_scale = 3.0;              ///< madam / lns-* : sigma* = p_scale * RMS(initial W)
  double g_bound = 10.0;             ///< madam / lns-madam
  std::string rounding = "nearest";  ///< lns-sgd / lns-adam re-encoding: nearest | stochastic
  bool random_exponents = false;     ///< lns-madam: the reference code's random initial exponents
  // lns-full: the simulated accelerator every matrix product runs on, and the operand formats
  // (empty: the accelerator's PE format).
  std::string accelerator;  ///< sim config file (the CLI fills configs/accelerators/lns8.toml)
  std::string activation_format;
  std::string gradient_format;
  std::string weight_gemm_format;
  InitConfig init;
  /// The instruction set of the float products (isa.hpp): best (this CPU's widest, resolved to
  /// its name), avx512, avx2 or portable. Runs are bit-identical per ISA, not across ISAs.
  std::string isa = "best";

  /// Fills defaults, canonicalises optimizer/numerics and validates everything (ConfigError).
  void resolve();
  /// Weights stored as LNS codes (lns-weights, and lns-full which also runs every GEMM in LNS).
  bool lns_weights() const { return numerics == "lns-weights" || numerics == "lns-full"; }
  double default_lr() const;
  /// The optimizer's registry entry (ConfigError for an unknown name).
  const OptimizerDescriptor& descriptor() const;
};

nlohmann::json to_json(const TrainConfig& c);
/// Inverse of to_json (ConfigError on a missing or mistyped key).
TrainConfig train_config_from_json(const nlohmann::json& j);

/// The optimizer `c` trains with once resolved (`madam` with numerics lns-weights is lns-madam;
/// numerics empty counts as fp32). ConfigError for an unknown name.
const OptimizerDescriptor& effective_optimizer(const TrainConfig& c);

/// The optimizer of a resolved config.
std::unique_ptr<Optimizer> make_optimizer(const TrainConfig& c);
/// Its weight update as the simulator's update unit computes it.
sim::UpdateRule update_rule(const TrainConfig& c);

}  // namespace lnslab::nn
