#pragma once
// The decoder-only transformer of `lnslab train --model transformer` (a character-level language
// model), built from the layer stack:
//   embed:  Embedding(vocab -> width) of each of the `context` token ids
//   pos:    PositionalEmbedding(context x width), learned
//   blockN.attn: Residual(x + LayerNorm -> qkv: Linear(width -> 3 width) -> CausalSelfAttention
//                (heads) -> proj: Linear(width -> width))
//   blockN.mlp:  Residual(x + LayerNorm -> up: Linear(width -> 4 width) -> GELU ->
//                down: Linear(4 width -> width))          for N = 1 .. layers (pre-norm blocks)
//   norm:   LayerNorm; head: Linear(width -> vocab) at every position
// LayerNorms have no affine parameters unless `layernorm_affine`. Input [batch, context] ids,
// output [batch, context * vocab] logits: position t predicts token t + 1.
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/network.hpp"

namespace lnslab::nn {

/// `lnslab train --model transformer`'s mini-batch when --batch is not given: 32 windows of 64
/// characters (2048 predictions a step), so that an epoch over the fortunes corpus is about 1,100
/// steps, enough for Madam at its default lr to get well below the unigram model in one epoch
/// (128 windows a step gives a quarter of the steps for the same work).
inline constexpr int default_text_batch = 32;

/// Throws ConfigError for bad sizes (non-positive, width not a multiple of heads).
template <typename T>
Network<T> build_transformer(const ModelSpec& spec, int vocab);

}  // namespace lnslab::nn
