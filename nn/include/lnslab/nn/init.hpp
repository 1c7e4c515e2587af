#pragma once
// Seeded parameter initialisation (every draw from lns::Rng, in declaration order).
//
// Weight schemes (fan_in = inputs per output unit, C*k*k for a convolution):
//   uniform_fan_in  U(-1/sqrt(fan_in), 1/sqrt(fan_in))   PyTorch's default for Linear and Conv2d
//   he_normal       N(0, 2/fan_in)
//   xavier_uniform  U(-sqrt(6/(fan_in+fan_out)), +...)
// Biases and batch-norm shifts: N(0, bias_std^2), never zero by default (Madam cannot move a zero
// weight); batch-norm scales: 1; running statistics: mean 0, variance 1.
#include <string_view>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/params.hpp"

namespace lnslab::nn {

enum class WeightInit { uniform_fan_in, he_normal, xavier_uniform };

struct InitConfig {
  WeightInit weights = WeightInit::uniform_fan_in;
  double bias_std = 0.01;
};

std::string_view to_string(WeightInit w);
/// "uniform" | "he" | "xavier"; false on anything else.
bool parse_weight_init(std::string_view text, WeightInit& out);

template <typename T>
void initialize(ParamStore<T>& store, const InitConfig& config, lns::Rng& rng);

}  // namespace lnslab::nn
