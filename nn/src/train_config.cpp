#include "lnslab/nn/train_config.hpp"

#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/adam.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/lns_madam.hpp"
#include "lnslab/nn/madam.hpp"
#include "lnslab/nn/schedule.hpp"
#include "lnslab/nn/sgd.hpp"

namespace lnslab::nn {

double TrainConfig::default_lr() const {
  if (optimizer == "sgd" || optimizer == "lns-sgd") return 0.1;
  if (optimizer == "adam" || optimizer == "lns-adam") return 1e-3;
  if (optimizer == "madam") return 0.01;
  if (optimizer == "lns-madam") return 0.016;
  return 0.0;
}

void TrainConfig::resolve() {
  const bool lns_named = optimizer.rfind("lns-", 0) == 0;
  const std::string base = lns_named ? optimizer.substr(4) : optimizer;
  if (base != "sgd" && base != "adam" && base != "madam")
    throw ConfigError("unknown optimizer '" + optimizer +
                      "': expected sgd, adam, madam, lns-madam, lns-sgd or lns-adam");
  if (numerics.empty()) numerics = lns_named ? "lns-weights" : "fp32";
  if (numerics == "lns-full" && accelerator.empty())
    throw ConfigError("numerics 'lns-full' needs an accelerator config (--accelerator FILE)");
  if (numerics != "fp32" && numerics != "lns-weights" && numerics != "lns-full")
    throw ConfigError("unknown numerics '" + numerics +
                      "': expected fp32, lns-weights or lns-full");
  if (numerics == "fp32" && lns_named)
    throw ConfigError("optimizer '" + optimizer +
                      "' stores weights as LNS codes: use --numerics "
                      "lns-weights (or leave --numerics out)");
  if (numerics == "lns-weights" || numerics == "lns-full") optimizer = "lns-" + base;
  if (model.kind != "mlp" && model.kind != "cnn")
    throw ConfigError("unknown model '" + model.kind + "': expected mlp or cnn");
  if (lr == 0.0) lr = default_lr();
  if (!(lr > 0.0) || !std::isfinite(lr))
    throw ConfigError(fmt::format("lr {} is not a positive number", lr));
  if (epochs < 1) throw ConfigError(fmt::format("epochs {} must be at least 1", epochs));
  if (batch < 1) throw ConfigError(fmt::format("batch {} must be at least 1", batch));
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
  (void)make_optimizer(*this);  // validates lr against eta0 for lns-madam
}

std::unique_ptr<Optimizer> make_optimizer(const TrainConfig& c) {
  SgdConfig sgd{c.momentum, c.nesterov, c.weight_decay};
  AdamConfig adam;
  adam.weight_decay = c.weight_decay;
  MadamConfig madam{c.p_scale, c.g_bound, 0.999};
  if (c.optimizer == "sgd") return std::make_unique<Sgd>(sgd);
  if (c.optimizer == "adam") return std::make_unique<Adam>(adam);
  if (c.optimizer == "madam") return std::make_unique<Madam>(madam);
  const lns::Format f = lns::Format::parse(c.format);
  if (c.optimizer == "lns-madam")
    return std::make_unique<LnsMadam>(f, c.lr, LnsMadamConfig{madam, c.random_exponents});
  lns::Rounding r{};
  lns::parse_rounding(c.rounding, r);
  if (c.optimizer == "lns-sgd")
    return std::make_unique<LnsStored>(std::make_unique<Sgd>(sgd), f, c.p_scale, r);
  if (c.optimizer == "lns-adam")
    return std::make_unique<LnsStored>(std::make_unique<Adam>(adam), f, c.p_scale, r);
  throw ConfigError("unknown optimizer '" + c.optimizer + "'");
}

nlohmann::json to_json(const TrainConfig& c) {
  return nlohmann::json{
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
      {"momentum", c.momentum},
      {"nesterov", c.nesterov},
      {"weight_decay", c.weight_decay},
      {"p_scale", c.p_scale},
      {"g_bound", c.g_bound},
      {"rounding", c.rounding},
      {"random_exponents", c.random_exponents},
      {"accelerator", c.accelerator},
      {"activation_format", c.activation_format},
      {"gradient_format", c.gradient_format},
      {"weight_gemm_format", c.weight_gemm_format},
      {"init", std::string(to_string(c.init.weights))},
      {"bias_std", c.init.bias_std},
  };
}

TrainConfig train_config_from_json(const nlohmann::json& j) {
  TrainConfig c;
  try {
    c.model.kind = j.at("model").get<std::string>();
    c.model.widths = j.at("widths").get<std::vector<int>>();
    c.model.batchnorm = j.at("batchnorm").get<bool>();
    c.model.batchnorm_affine = j.at("batchnorm_affine").get<bool>();
    c.optimizer = j.at("optimizer").get<std::string>();
    c.numerics = j.at("numerics").get<std::string>();
    c.format = j.at("format").get<std::string>();
    if (c.format.empty()) c.format = TrainConfig{}.format;
    c.lr = j.at("lr").get<double>();
    c.epochs = j.at("epochs").get<int>();
    c.batch = j.at("batch").get<int>();
    c.schedule = j.at("schedule").get<std::string>();
    c.seed = j.at("seed").get<std::uint64_t>();
    c.data_dir = j.at("data").get<std::string>();
    c.train_limit = j.at("train_limit").get<std::size_t>();
    c.test_limit = j.at("test_limit").get<std::size_t>();
    c.validation = j.at("validation").get<double>();
    c.momentum = j.at("momentum").get<double>();
    c.nesterov = j.at("nesterov").get<bool>();
    c.weight_decay = j.at("weight_decay").get<double>();
    c.p_scale = j.at("p_scale").get<double>();
    c.g_bound = j.at("g_bound").get<double>();
    c.rounding = j.at("rounding").get<std::string>();
    c.random_exponents = j.at("random_exponents").get<bool>();
    // lns-full keys (absent from runs made before lns-full existed).
    c.accelerator = j.value("accelerator", std::string());
    c.activation_format = j.value("activation_format", std::string());
    c.gradient_format = j.value("gradient_format", std::string());
    c.weight_gemm_format = j.value("weight_gemm_format", std::string());
    if (!parse_weight_init(j.at("init").get<std::string>(), c.init.weights))
      throw ConfigError("unknown init in the stored settings");
    c.init.bias_std = j.at("bias_std").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("stored training settings are incomplete: ") + e.what());
  }
  return c;
}

}  // namespace lnslab::nn
