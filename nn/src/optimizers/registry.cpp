#include "lnslab/nn/optimizers/registry.hpp"

#include <algorithm>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/optimizers/adam.hpp"
#include "lnslab/nn/optimizers/lion.hpp"
#include "lnslab/nn/optimizers/lns_madam.hpp"
#include "lnslab/nn/optimizers/madam.hpp"
#include "lnslab/nn/optimizers/sgd.hpp"
#include "lnslab/nn/train_config.hpp"

namespace lnslab::nn {
namespace {

// The float optimizer `base` on weights stored as LNS codes of the run's format.
OptimizerDescriptor lns_stored(const OptimizerDescriptor& base) {
  OptimizerDescriptor d;
  d.name = "lns-" + base.name;
  d.description = base.name + " on LNS-stored weights (re-encoded after every step)";
  d.default_lr = base.default_lr;
  d.options = base.options;
  for (OptimizerOption o :
       {OptimizerOption::p_scale, OptimizerOption::rounding, OptimizerOption::format})
    if (!d.takes(o)) d.options.push_back(o);
  d.lns_weights = true;
  d.fp32_family = base.name;
  d.make = [make = base.make](const TrainConfig& c) -> std::unique_ptr<Optimizer> {
    lns::Rounding r{};
    lns::parse_rounding(c.rounding, r);
    return std::make_unique<LnsStored>(make(c), lns::Format::parse(c.format), c.p_scale, r);
  };
  // The float rule's counts; the simulator adds the decode and re-encoding of LNS-stored weights.
  d.update_rule = base.update_rule;
  return d;
}

std::vector<OptimizerDescriptor> build() {
  // One line per optimizer.
  std::vector<OptimizerDescriptor> list{
      sgd_descriptor(),   adam_descriptor(),      lion_descriptor(),
      madam_descriptor(), lns_madam_descriptor(),
  };
  for (OptimizerDescriptor& d : list)
    if (d.fp32_family.empty()) d.fp32_family = d.name;
  const std::size_t n = list.size();
  for (std::size_t i = 0; i < n; ++i)
    if (list[i].lns_stored_variant) list.push_back(lns_stored(list[i]));
  return list;
}

}  // namespace

std::string_view to_string(OptimizerOption o) {
  switch (o) {
    case OptimizerOption::momentum:
      return "momentum";
    case OptimizerOption::nesterov:
      return "nesterov";
    case OptimizerOption::weight_decay:
      return "weight_decay";
    case OptimizerOption::p_scale:
      return "p_scale";
    case OptimizerOption::g_bound:
      return "g_bound";
    case OptimizerOption::rounding:
      return "rounding";
    case OptimizerOption::random_exponents:
      return "random_exponents";
    case OptimizerOption::format:
      return "format";
  }
  return "?";
}

const std::vector<OptimizerOption>& all_optimizer_options() {
  static const std::vector<OptimizerOption> all{
      OptimizerOption::momentum,         OptimizerOption::nesterov, OptimizerOption::weight_decay,
      OptimizerOption::p_scale,          OptimizerOption::g_bound,  OptimizerOption::rounding,
      OptimizerOption::random_exponents, OptimizerOption::format};
  return all;
}

bool OptimizerDescriptor::takes(OptimizerOption o) const {
  return std::find(options.begin(), options.end(), o) != options.end();
}

const std::vector<OptimizerDescriptor>& optimizer_registry() {
  static const std::vector<OptimizerDescriptor> registry = build();
  return registry;
}

const OptimizerDescriptor* find_optimizer(std::string_view name) {
  for (const OptimizerDescriptor& d : optimizer_registry())
    if (d.name == name) return &d;
  return nullptr;
}

const OptimizerDescriptor& optimizer(std::string_view name) {
  if (const OptimizerDescriptor* d = find_optimizer(name)) return *d;
  throw ConfigError("unknown optimizer '" + std::string(name) + "': expected " + optimizer_names());
}

std::string optimizer_names() {
  std::string s;
  for (const OptimizerDescriptor& d : optimizer_registry()) s += (s.empty() ? "" : ", ") + d.name;
  return s;
}

sim::UpdateRule default_update_rule(const sim::Config& c) {
  const TrainConfig defaults;
  return optimizer(c.pe.stores_lns_weights() ? "lns-madam" : "madam").update_rule(defaults);
}

}  // namespace lnslab::nn
