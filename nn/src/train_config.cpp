#include "lnslab/nn/train_config.hpp"

#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/lns_weights.hpp"
#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/nn/schedule.hpp"

namespace lnslab::nn {

namespace {

// Whether `c`'s value of the setting differs from TrainConfig's default (a setting that was given).
bool differs_from_default(const TrainConfig& c, OptimizerOption o) {
  static const TrainConfig d;
  switch (o) {
    case OptimizerOption::momentum:
      return c.momentum != d.momentum;
    case OptimizerOption::nesterov:
      return c.nesterov != d.nesterov;
    case OptimizerOption::weight_decay:
      return c.weight_decay != d.weight_decay;
    case OptimizerOption::p_scale:
      return c.p_scale != d.p_scale;
    case OptimizerOption::g_bound:
      return c.g_bound != d.g_bound;
    case OptimizerOption::rounding:
      return c.rounding != d.rounding;
    case OptimizerOption::random_exponents:
      return c.random_exponents != d.random_exponents;
    case OptimizerOption::format:
      return c.format != d.format;
  }
  return false;
}

std::string option_list(const OptimizerDescriptor& d) {
  std::string s;
  for (OptimizerOption o : d.options) s += (s.empty() ? "" : ", ") + std::string(to_string(o));
  return s.empty() ? "none" : s;
}

// Settings of one kind of model given to another are errors, never ignored.
void check_model_settings(const TrainConfig& c) {
  const bool text = c.model.kind == "transformer";
  if (text) {
    const TransformerSpec& t = c.model.transformer;
    if (!c.model.widths.empty())
      throw ConfigError("widths do not apply to model transformer (use layers, width, heads)");
    if (c.model.batchnorm || c.model.batchnorm_affine)
      throw ConfigError("batchnorm does not apply to model transformer (it has LayerNorm)");
    if (c.train_limit != 0 || c.test_limit != 0)
      throw ConfigError(
          "train_limit and test_limit do not apply to model transformer (it reads "
          "the whole corpus; point data at a smaller one)");
    if (c.validation != 0.0)
      throw ConfigError(
          "validation does not apply to model transformer (every tenth document "
          "of the corpus is its validation text)");
    if (t.layers < 1 || t.width < 1 || t.heads < 1 || t.context < 1)
      throw ConfigError(fmt::format(
          "model transformer: layers {}, width {}, heads {}, context {} must all be positive",
          t.layers, t.width, t.heads, t.context));
    if (t.width % t.heads != 0)
      throw ConfigError(fmt::format("model transformer: width {} is not a multiple of heads {}",
                                    t.width, t.heads));
  } else if (!(c.model.transformer == TransformerSpec{})) {
    throw ConfigError(
        "layers, width, heads, context and layernorm_affine apply only to model "
        "transformer, not to '" +
        c.model.kind + "'");
  }
}

}  // namespace

double TrainConfig::default_lr() const {
  const OptimizerDescriptor* d = find_optimizer(optimizer);
  return d ? d->default_lr : 0.0;
}

const OptimizerDescriptor& TrainConfig::descriptor() const {
  return nn::optimizer(optimizer);
}

const OptimizerDescriptor& effective_optimizer(const TrainConfig& c) {
  const OptimizerDescriptor& d = optimizer(c.optimizer);
  const bool lns = c.numerics == "lns-weights" || c.numerics == "lns-full";
  if (!lns || d.lns_weights) return d;
  // `madam` with lns-weights means lns-madam, `sgd` lns-sgd, ...
  const OptimizerDescriptor* l = find_optimizer("lns-" + d.name);
  if (!l) throw ConfigError("optimizer '" + d.name + "' has no form on LNS-stored weights");
  return *l;
}

namespace {
// The cgan's networks are fixed but for their width (cgan.hpp); settings of the classifiers'
// training that it has no use for are errors.
void check_cgan_settings(const TrainConfig& c) {
  if (c.numerics == "lns-full")
    throw ConfigError("model cgan trains with fp32 or lns-weights numerics, not lns-full");
  if (c.validation != 0.0)
    throw ConfigError("model cgan takes no validation split (its scores use the test set)");
  if (c.model.batchnorm || c.model.batchnorm_affine)
    throw ConfigError(
        "model cgan has its own batch norm (generator only, not affine): "
        "batchnorm options do not apply");
  if (model_widths(c.model).size() != 1 || model_widths(c.model)[0] < 1)
    throw ConfigError("model cgan: --widths expects one positive base width (default 32)");
}
}  // namespace

void TrainConfig::resolve() {
  const OptimizerDescriptor* d = &nn::optimizer(optimizer);
  if (numerics.empty()) numerics = d->lns_weights ? "lns-weights" : "fp32";
  if (numerics == "lns-full" && accelerator.empty())
    throw ConfigError("numerics 'lns-full' needs an accelerator config (--accelerator FILE)");
  if (numerics != "fp32" && numerics != "lns-weights" && numerics != "lns-full")
    throw ConfigError("unknown numerics '" + numerics +
                      "': expected fp32, lns-weights or lns-full");
  if (numerics == "fp32" && d->lns_weights)
    throw ConfigError("optimizer '" + optimizer +
                      "' stores weights as LNS codes: use --numerics "
                      "lns-weights (or leave --numerics out)");
  d = &effective_optimizer(*this);
  optimizer = d->name;
  for (OptimizerOption o : all_optimizer_options())
    if (!d->takes(o) && differs_from_default(*this, o))
      throw ConfigError(fmt::format("setting '{}' does not apply to optimizer '{}' (it takes: {})",
                                    to_string(o), d->name, option_list(*d)));
  if (model.kind != "mlp" && model.kind != "cnn" && model.kind != "transformer" &&
      model.kind != "cgan")
    throw ConfigError("unknown model '" + model.kind + "': expected mlp, cnn, transformer or cgan");
  check_model_settings(*this);
  if (model.kind == "cgan") check_cgan_settings(*this);
  if (lr == 0.0) lr = default_lr();
  if (!(lr > 0.0) || !std::isfinite(lr))
    throw ConfigError(fmt::format("lr {} is not a positive number", lr));
  if (epochs < 1) throw ConfigError(fmt::format("epochs {} must be at least 1", epochs));
  if (batch < 1) throw ConfigError(fmt::format("batch {} must be at least 1", batch));
  if (micro_batches < 1 || micro_batches > batch)
    throw ConfigError(
        fmt::format("micro-batches {} must be in [1, batch {}]", micro_batches, batch));
  // The language-model step does not split its batch (yet): refused, never ignored.
  if (micro_batches != 1 && model.kind == "transformer")
    throw ConfigError("micro-batches: the transformer's training step takes no micro-batches");
  if (!(validation >= 0.0) || !(validation < 1.0))
    throw ConfigError(fmt::format("validation fraction {} must be in [0, 1)", validation));
  if (!(p_scale > 0.0)) throw ConfigError(fmt::format("p_scale {} must be positive", p_scale));
  if (!(g_bound > 0.0)) throw ConfigError(fmt::format("g_bound {} must be positive", g_bound));
  if (!(momentum >= 0.0) || !(momentum < 1.0))
    throw ConfigError(fmt::format("momentum {} must be in [0, 1)", momentum));
  if (nesterov && momentum == 0.0) throw ConfigError("nesterov needs a momentum > 0");
  lns::Rounding r{};
  if (!lns::parse_rounding(rounding, r) || r == lns::Rounding::toward_zero)
    throw ConfigError("rounding '" + rounding + "': expected nearest or stochastic");
  schedule = ScheduleSpec::parse(schedule).str();
  if (lns_weights()) {
    const lns::Format f = lns::Format::parse(format);  // FormatError names the spec
    format = weight_format(f, format.find("bias=") != std::string::npos).spec();
  }
  if (isa == "best") {
    isa = to_string(best_isa());
  } else {
    const std::optional<Isa> i = parse_isa(isa);
    if (!i) throw ConfigError("isa '" + isa + "': expected best, avx512, avx2 or portable");
    if (!cpu_supports(*i))
      throw ConfigError("isa '" + isa + "' is not supported by this CPU (it supports " +
                        to_string(best_isa()) + " at best)");
  }
  (void)make_optimizer(*this);  // validates lr against eta0 for lns-madam
}

std::unique_ptr<Optimizer> make_optimizer(const TrainConfig& c) {
  return c.descriptor().make(c);
}

sim::UpdateRule update_rule(const TrainConfig& c) {
  return c.descriptor().update_rule(c);
}

nlohmann::json to_json(const TrainConfig& c) {
  nlohmann::json j{
      {"model", c.model.kind},
      {"widths", model_widths(c.model)},
      {"batchnorm", c.model.batchnorm},
      {"batchnorm_affine", c.model.batchnorm_affine},
      {"optimizer", c.optimizer},
      {"numerics", c.numerics},
      {"format", c.lns_weights() ? c.format : std::string()},
      {"lr", c.lr},
      {"epochs", c.epochs},
      {"batch", c.batch},
      {"schedule", c.schedule},
      {"seed", c.seed},
      {"data", c.data_dir},
      {"train_limit", c.train_limit},
      {"test_limit", c.test_limit},
      {"validation", c.validation},
      {"accelerator", c.accelerator},
      {"activation_format", c.activation_format},
      {"gradient_format", c.gradient_format},
      {"weight_gemm_format", c.weight_gemm_format},
      {"init", std::string(to_string(c.init.weights))},
      {"bias_std", c.init.bias_std},
      {"isa", c.isa},
  };
  // Written only when used, so that runs and checkpoints without micro-batches keep their bytes.
  if (c.micro_batches != 1) j["micro_batches"] = c.micro_batches;
  // The transformer's sizes, only for it (so that other runs' settings are as before).
  if (c.model.kind == "transformer") {
    const TransformerSpec& t = c.model.transformer;
    j["layers"] = t.layers;
    j["width"] = t.width;
    j["heads"] = t.heads;
    j["context"] = t.context;
    j["layernorm_affine"] = t.layernorm_affine;
  }
  // The optimizer's own settings, only those it takes (an unknown name writes none).
  const OptimizerDescriptor* d = find_optimizer(c.optimizer);
  auto takes = [d](OptimizerOption o) { return d != nullptr && d->takes(o); };
  if (takes(OptimizerOption::momentum)) j["momentum"] = c.momentum;
  if (takes(OptimizerOption::nesterov)) j["nesterov"] = c.nesterov;
  if (takes(OptimizerOption::weight_decay)) j["weight_decay"] = c.weight_decay;
  if (takes(OptimizerOption::p_scale)) j["p_scale"] = c.p_scale;
  if (takes(OptimizerOption::g_bound)) j["g_bound"] = c.g_bound;
  if (takes(OptimizerOption::rounding)) j["rounding"] = c.rounding;
  if (takes(OptimizerOption::random_exponents)) j["random_exponents"] = c.random_exponents;
  return j;
}

TrainConfig train_config_from_json(const nlohmann::json& j) {
  TrainConfig c;
  try {
    c.model.kind = j.at("model").get<std::string>();
    c.model.widths = j.at("widths").get<std::vector<int>>();
    c.model.batchnorm = j.at("batchnorm").get<bool>();
    c.model.batchnorm_affine = j.at("batchnorm_affine").get<bool>();
    if (c.model.kind == "transformer") {
      TransformerSpec& t = c.model.transformer;
      t.layers = j.at("layers").get<int>();
      t.width = j.at("width").get<int>();
      t.heads = j.at("heads").get<int>();
      t.context = j.at("context").get<int>();
      t.layernorm_affine = j.at("layernorm_affine").get<bool>();
    }
    c.optimizer = j.at("optimizer").get<std::string>();
    c.numerics = j.at("numerics").get<std::string>();
    c.format = j.at("format").get<std::string>();
    if (c.format.empty()) c.format = TrainConfig{}.format;
    c.lr = j.at("lr").get<double>();
    c.epochs = j.at("epochs").get<int>();
    c.batch = j.at("batch").get<int>();
    c.schedule = j.at("schedule").get<std::string>();
    c.micro_batches = j.value("micro_batches", 1);
    c.seed = j.at("seed").get<std::uint64_t>();
    c.data_dir = j.at("data").get<std::string>();
    c.train_limit = j.at("train_limit").get<std::size_t>();
    c.test_limit = j.at("test_limit").get<std::size_t>();
    c.validation = j.at("validation").get<double>();
    // Optimizer settings: only those the optimizer takes are written (all of them before the
    // registry); an absent one keeps its default.
    c.momentum = j.value("momentum", c.momentum);
    c.nesterov = j.value("nesterov", c.nesterov);
    c.weight_decay = j.value("weight_decay", c.weight_decay);
    c.p_scale = j.value("p_scale", c.p_scale);
    c.g_bound = j.value("g_bound", c.g_bound);
    c.rounding = j.value("rounding", c.rounding);
    c.random_exponents = j.value("random_exponents", c.random_exponents);
    // lns-full keys (absent from runs made before lns-full existed).
    c.accelerator = j.value("accelerator", std::string());
    c.activation_format = j.value("activation_format", std::string());
    c.gradient_format = j.value("gradient_format", std::string());
    c.weight_gemm_format = j.value("weight_gemm_format", std::string());
    if (!parse_weight_init(j.at("init").get<std::string>(), c.init.weights))
      throw ConfigError("unknown init in the stored settings");
    c.init.bias_std = j.at("bias_std").get<double>();
    // Runs made before the per-ISA float products had Eigen at the base flags: the portable path.
    c.isa = j.value("isa", std::string("portable"));
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("stored training settings are incomplete: ") + e.what());
  }
  return c;
}

}  // namespace lnslab::nn
