#include "lnslab/nn/init.hpp"

#include <cmath>

namespace lnslab::nn {

std::string_view to_string(WeightInit w) {
  switch (w) {
    case WeightInit::uniform_fan_in:
      return "uniform";
    case WeightInit::he_normal:
      return "he";
    case WeightInit::xavier_uniform:
      return "xavier";
  }
  return "?";
}

bool parse_weight_init(std::string_view text, WeightInit& out) {
  if (text == "uniform")
    out = WeightInit::uniform_fan_in;
  else if (text == "he")
    out = WeightInit::he_normal;
  else if (text == "xavier")
    out = WeightInit::xavier_uniform;
  else
    return false;
  return true;
}

template <typename T>
void initialize(ParamStore<T>& store, const InitConfig& config, lns::Rng& rng) {
  for (const ParamInfo& info : store.infos()) {
    auto values = store.value(info.id);
    switch (info.role) {
      case ParamRole::weight: {
        const double fan_in = info.fan_in;
        // PyTorch: fan_out = out_features * receptive field = size / in_features.
        const double fan_out = info.shape.size() >= 2
                                   ? static_cast<double>(info.size) / info.shape[1]
                                   : static_cast<double>(info.size);
        for (T& v : values) {
          double x = 0.0;
          switch (config.weights) {
            case WeightInit::uniform_fan_in:
              x = (2.0 * rng.uniform() - 1.0) / std::sqrt(fan_in);
              break;
            case WeightInit::he_normal:
              x = rng.normal() * std::sqrt(2.0 / fan_in);
              break;
            case WeightInit::xavier_uniform:
              x = (2.0 * rng.uniform() - 1.0) * std::sqrt(6.0 / (fan_in + fan_out));
              break;
          }
          v = static_cast<T>(x);
        }
        break;
      }
      case ParamRole::bias:
      case ParamRole::norm_shift:
        for (T& v : values) v = static_cast<T>(rng.normal() * config.bias_std);
        break;
      case ParamRole::norm_scale:
      case ParamRole::running_var:
        for (T& v : values) v = T(1);
        break;
      case ParamRole::running_mean:
        for (T& v : values) v = T(0);
        break;
    }
  }
}

template void initialize<float>(ParamStore<float>&, const InitConfig&, lns::Rng&);
template void initialize<double>(ParamStore<double>&, const InitConfig&, lns::Rng&);

}  // namespace lnslab::nn
