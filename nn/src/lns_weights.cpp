#include "lnslab/nn/lns_weights.hpp"

#include <cmath>

#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/optimizers/madam.hpp"

namespace lnslab::nn {

lns::Format weight_format(const lns::Format& spec, bool bias_given) {
  const int k = spec.kmax();
  if (bias_given && spec.bias() != k)
    throw ConfigError(
        "format " + spec.spec() + ": LNS weight storage uses bias = K = " + std::to_string(k) +
        " (|W| = sigma* * b^(k - K)); drop ',bias=' or set it to " + std::to_string(k));
  return spec.with_bias(k);
}

LnsWeights::LnsWeights(lns::Format format, double p_scale)
    : format_(std::move(format)), p_scale_(p_scale) {
  const int kmax = format_.kmax();
  magnitude_.assign(static_cast<std::size_t>(kmax) + 1, 0.0);
  for (int k = 1; k <= kmax; ++k)
    magnitude_[static_cast<std::size_t>(k)] = format_.decode(format_.make(false, k));
}

void LnsWeights::attach(ParamStore<float>& store, bool random_exponents, lns::Rng& rng) {
  ids_.clear();
  sigma_.clear();
  offset_.clear();
  codes_.clear();
  const lns::Policy policy{lns::Rounding::nearest, lns::Underflow::clamp};
  const int kmax = format_.kmax();
  for (const ParamInfo& info : store.infos()) {
    if (!info.trainable) continue;
    const auto values = store.value(info.id);
    const float sigma = madam_sigma(values, p_scale_);
    ids_.push_back(info.id);
    sigma_.push_back(sigma);
    offset_.push_back(codes_.size());
    for (float x : values) {
      lns::code_t c = format_.zero();
      if (x != 0.0f && sigma > 0.0f) {
        if (random_exponents) {
          c = format_.make(x < 0.0f,
                           2 + static_cast<int>(rng.below(static_cast<std::uint64_t>(kmax - 1))));
        } else {
          c = format_.encode(static_cast<double>(x) / static_cast<double>(sigma), policy);
        }
      }
      codes_.push_back(c);
    }
  }
  offset_.push_back(codes_.size());
  build_tables();
  decode_into(store);
}

std::span<lns::code_t> LnsWeights::codes(std::size_t t) {
  return std::span<lns::code_t>(codes_).subspan(offset_[t], offset_[t + 1] - offset_[t]);
}

std::span<const lns::code_t> LnsWeights::codes(std::size_t t) const {
  return std::span<const lns::code_t>(codes_).subspan(offset_[t], offset_[t + 1] - offset_[t]);
}

void LnsWeights::build_tables() {
  const std::size_t n = magnitude_.size();
  decoded_.assign(sigma_.size() * n, 0.0f);
  for (std::size_t t = 0; t < sigma_.size(); ++t)
    for (std::size_t k = 1; k < n; ++k)
      decoded_[t * n + k] = static_cast<float>(static_cast<double>(sigma_[t]) * magnitude_[k]);
}

float LnsWeights::decode(std::size_t t, lns::code_t c) const {
  if (format_.is_nan(c)) return std::nanf("");
  const float m = decoded_[t * magnitude_.size() + static_cast<std::size_t>(format_.exponent(c))];
  return format_.is_negative(c) ? -m : m;
}

void LnsWeights::decode_into(ParamStore<float>& store) const {
  for (std::size_t t = 0; t < ids_.size(); ++t) {
    auto values = store.value(ids_[t]);
    const auto c = codes(t);
    for (std::size_t i = 0; i < c.size(); ++i) values[i] = decode(t, c[i]);
  }
}

void LnsWeights::encode_from(ParamStore<float>& store, lns::Rounding rounding, lns::Rng* rng) {
  const lns::Policy policy{rounding, lns::Underflow::clamp};
  for (std::size_t t = 0; t < ids_.size(); ++t) {
    auto values = store.value(ids_[t]);
    auto c = codes(t);
    const double sigma = sigma_[t];
    for (std::size_t i = 0; i < c.size(); ++i) {
      c[i] = sigma > 0.0 ? format_.encode(static_cast<double>(values[i]) / sigma, policy, rng)
                         : format_.zero();
      values[i] = decode(t, c[i]);
    }
  }
}

void LnsWeights::save(StateWriter& out) const {
  out.str("lns-weights");
  out.str(format_.spec());
  out.floats(sigma_);
  out.codes(codes_);
}

void LnsWeights::load(StateReader& in) {
  in.expect("lns-weights");
  const std::string spec = in.str("weight format");
  if (spec != format_.spec())
    throw CheckpointError("checkpoint weight format " + spec + " differs from " + format_.spec());
  in.floats_into(sigma_, "weight scales sigma*");
  build_tables();
  const auto codes = in.codes("weight codes");
  if (codes.size() != codes_.size())
    throw CheckpointError("checkpoint has " + std::to_string(codes.size()) +
                          " weight codes, expected " + std::to_string(codes_.size()));
  for (lns::code_t c : codes)
    if (!format_.is_valid(c)) throw CheckpointError("checkpoint weight code out of range");
  codes_ = codes;
}

}  // namespace lnslab::nn
