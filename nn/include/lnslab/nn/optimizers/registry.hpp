#pragma once
// The optimizer registry: one descriptor per optimizer, the only place that knows optimizers by
// name. `lnslab train`, the study, the Python module and the simulator's update costs all read it.
//
// Adding an optimizer: write its class and its descriptor function in its own file under
// nn/optimizers/ and add one line to the list in registry.cpp. A float optimizer marked
// `lns_stored_variant` also gets its LNS-stored twin ("lns-" + name: weights kept as LNS codes
// and re-encoded after every step) without further code.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/nn/optimizer.hpp"
#include "lnslab/sim/config.hpp"

namespace lnslab::nn {

struct TrainConfig;

/// The optimizer settings of TrainConfig. An optimizer takes a subset; any other given to it is
/// an error (ConfigError naming the setting and the optimizer).
enum class OptimizerOption {
  momentum,
  nesterov,
  weight_decay,
  p_scale,
  g_bound,
  rounding,
  random_exponents,
  format,
};
/// The setting's key in TrainConfig's JSON and study files ("weight_decay"); the command line
/// spells it with dashes ("--weight-decay").
std::string_view to_string(OptimizerOption o);
const std::vector<OptimizerOption>& all_optimizer_options();

struct OptimizerDescriptor {
  std::string name;         ///< "sgd", "lns-madam", ...
  std::string description;  ///< one line for --help and docs
  double default_lr = 0.0;
  std::vector<OptimizerOption> options;  ///< the settings it takes
  bool lns_weights = false;  ///< stores weights as LNS codes (needs numerics lns-weights/lns-full)
  /// The float optimizer this one is the LNS form of ("madam" for lns-madam); itself otherwise.
  std::string fp32_family;
  /// A float optimizer: the registry adds "lns-" + name over LnsStored.
  bool lns_stored_variant = false;
  /// The optimizer of a resolved config.
  std::function<std::unique_ptr<Optimizer>(const TrainConfig&)> make;
  /// Its weight update as the simulator's update unit computes it (per-weight counts), for the
  /// settings of `c` (e.g. SGD's momentum buffer).
  std::function<sim::UpdateRule(const TrainConfig&)> update_rule;

  bool takes(OptimizerOption o) const;
};

/// Every optimizer, in a fixed order (the float ones first, their LNS forms after).
const std::vector<OptimizerDescriptor>& optimizer_registry();
/// nullptr for an unknown name.
const OptimizerDescriptor* find_optimizer(std::string_view name);
/// Throws ConfigError listing the known names.
const OptimizerDescriptor& optimizer(std::string_view name);
/// "sgd, adam, ..." for messages and --help.
std::string optimizer_names();

/// The update rule an accelerator config without one is costed with (`lnslab sim --train`, the
/// study's baselines and listed accelerators): the Madam paper's, LNS Madam's where the config
/// stores weights as LNS codes, else FP32 Madam's, at their default settings.
sim::UpdateRule default_update_rule(const sim::Config& c);

}  // namespace lnslab::nn
