#include "lnslab/nn/transformer.hpp"

#include <fmt/format.h>

#include "lnslab/nn/activations.hpp"
#include "lnslab/nn/attention.hpp"
#include "lnslab/nn/embedding.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/layernorm.hpp"
#include "lnslab/nn/linear.hpp"
#include "lnslab/nn/residual.hpp"
#include "lnslab/nn/sequence.hpp"

namespace lnslab::nn {

template <typename T>
Network<T> build_transformer(const ModelSpec& spec, int vocab) {
  const TransformerSpec& t = spec.transformer;
  if (t.layers < 1 || t.width < 1 || t.heads < 1 || t.context < 1 || vocab < 2)
    throw ConfigError(
        fmt::format("model transformer: layers {}, width {}, heads {}, context {} must be positive",
                    t.layers, t.width, t.heads, t.context));
  if (t.width % t.heads != 0)
    throw ConfigError(
        fmt::format("model transformer: width {} is not a multiple of heads {}", t.width, t.heads));
  const int n = t.context, d = t.width;
  std::vector<LayerPtr<T>> layers;
  std::vector<std::string> names;
  auto add = [&](LayerPtr<T> layer, std::string name) {
    layers.push_back(std::move(layer));
    names.push_back(std::move(name));
  };
  add(std::make_unique<Embedding<T>>(vocab, d, n), "embed");
  add(std::make_unique<PositionalEmbedding<T>>(n, d), "pos");
  for (int l = 1; l <= t.layers; ++l) {
    std::vector<LayerPtr<T>> attn;
    attn.push_back(std::make_unique<LayerNorm<T>>(d, t.layernorm_affine, n));
    attn.push_back(std::make_unique<Linear<T>>(d, 3 * d, true, n));
    attn.push_back(std::make_unique<CausalSelfAttention<T>>(n, d, t.heads));
    attn.push_back(std::make_unique<Linear<T>>(d, d, true, n));
    add(std::make_unique<Residual<T>>(std::move(attn),
                                      std::vector<std::string>{"norm", "qkv", "attention", "proj"}),
        fmt::format("block{}.attn", l));
    std::vector<LayerPtr<T>> mlp;
    mlp.push_back(std::make_unique<LayerNorm<T>>(d, t.layernorm_affine, n));
    mlp.push_back(std::make_unique<Linear<T>>(d, 4 * d, true, n));
    mlp.push_back(std::make_unique<GELU<T>>(sequence_shape(n, 4 * d)));
    mlp.push_back(std::make_unique<Linear<T>>(4 * d, d, true, n));
    add(std::make_unique<Residual<T>>(std::move(mlp),
                                      std::vector<std::string>{"norm", "up", "gelu", "down"}),
        fmt::format("block{}.mlp", l));
  }
  add(std::make_unique<LayerNorm<T>>(d, t.layernorm_affine, n), "norm");
  add(std::make_unique<Linear<T>>(d, vocab, true, n), "head");
  return Network<T>(sequence_shape(n, 1), std::move(layers), std::move(names));
}

template Network<float> build_transformer<float>(const ModelSpec&, int);
template Network<double> build_transformer<double>(const ModelSpec&, int);

}  // namespace lnslab::nn
