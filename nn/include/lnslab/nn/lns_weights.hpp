#pragma once
// Weights stored as LNS codes (docs/design.md §3, §4): per trainable tensor a vector of codes of
// one format with bias K and a float scale sigma* = p_scale * RMS(initial W), so that
//   |W| = sigma* * b^(k - K),  k in 1..K (the smallest magnitude is clamped, never flushed).
// The float ParamStore always holds the decoded values, which the forward and backward passes use.
#include <cstdint>
#include <span>
#include <vector>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/params.hpp"
#include "lnslab/nn/serialize.hpp"

namespace lnslab::nn {

/// The format `spec` with its bias replaced by K (a spec that names another bias is refused with
/// a ConfigError). Base given by eta0, gamma or base is kept as given.
lns::Format weight_format(const lns::Format& spec, bool bias_given);

class LnsWeights {
 public:
  LnsWeights(lns::Format format, double p_scale);
  const lns::Format& format() const { return format_; }

  /// Makes sigma* and the codes of every trainable tensor from the store's values: the nearest
  /// codes (default) or, with random_exponents, the reference code's random exponents (k uniform
  /// in [2, K], sign kept; zero stays zero). Writes the decoded values back into the store.
  void attach(ParamStore<float>& store, bool random_exponents, lns::Rng& rng);

  std::size_t tensor_count() const { return ids_.size(); }
  int param_id(std::size_t t) const { return ids_[t]; }
  float sigma(std::size_t t) const { return sigma_[t]; }
  std::span<lns::code_t> codes(std::size_t t);
  std::span<const lns::code_t> codes(std::size_t t) const;

  /// Decoded value of one code of tensor t: sign * sigma* * b^(k - K) (0 for the zero code),
  /// rounded once from double to float (a per-tensor table of the K + 1 magnitudes).
  float decode(std::size_t t, lns::code_t c) const;
  /// Writes every tensor's decoded values into the store.
  void decode_into(ParamStore<float>& store) const;
  /// Encodes the store's (updated) values, x / sigma* by `rounding` with clamped underflow, and
  /// writes the decoded values back (the LNS-stored SGD/Adam re-encoding).
  void encode_from(ParamStore<float>& store, lns::Rounding rounding, lns::Rng* rng);

  void save(StateWriter& out) const;
  void load(StateReader& in);

 private:
  lns::Format format_;
  double p_scale_;
  std::vector<int> ids_;
  std::vector<float> sigma_;
  std::vector<std::size_t> offset_;  // tensor t's first code in codes_
  std::vector<lns::code_t> codes_;
  void build_tables();

  std::vector<double> magnitude_;  // b^(k - K) for k in [0, K]
  std::vector<float> decoded_;     // per tensor t: float(sigma*_t * b^(k - K)), k in [0, K]
};

}  // namespace lnslab::nn
