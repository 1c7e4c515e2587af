#pragma once
// The classifier models of `lnslab train` (`cgan`, the class-conditional GAN, is two networks:
// cgan.hpp).
//   mlp: input -> [Linear(w) -> ReLU] for each hidden width w -> Linear(classes)
//        (784-256-10 by default)
//   cnn: LeNet-like: Conv(c1, 5x5, pad 2) -> ReLU -> MaxPool 2 -> Conv(c2, 5x5) -> ReLU ->
//        MaxPool 2 -> Flatten -> Linear(classes)   (c1, c2 = 16, 32 by default; 28x28 input gives
//        16x14x14 and 32x5x5 maps); a third width h adds a hidden Linear(h) -> ReLU before the
//        classifier
// Optional batch normalisation after every Linear/Conv but the last (affine as configured).
//   transformer: a character-level decoder-only transformer (transformer.hpp); its input is
//        `context` token ids, its "classes" the vocabulary.
#include <string>
#include <vector>

#include "lnslab/nn/network.hpp"

namespace lnslab::nn {

/// The transformer's sizes (used only when ModelSpec::kind is "transformer").
struct TransformerSpec {
  int layers = 2;    ///< pre-norm blocks
  int width = 64;    ///< model width (embedding size), a multiple of heads
  int heads = 4;     ///< attention heads
  int context = 64;  ///< tokens per window
  bool layernorm_affine = false;
  friend bool operator==(const TransformerSpec&, const TransformerSpec&) = default;
};

struct ModelSpec {
  std::string kind = "mlp";  ///< "mlp" | "cnn" | "transformer" | "cgan" (build_model: not cgan)
  std::vector<int> widths;   ///< mlp hidden widths (default {256}); cnn channels (default {16, 32})
                             ///< [+ hidden]; cgan base width (default {32})
  bool batchnorm = false;
  bool batchnorm_affine = false;
  TransformerSpec transformer;
};

/// Throws ConfigError for an unknown kind or bad widths.
template <typename T>
Network<T> build_model(const ModelSpec& spec, Shape input, int classes);

/// Widths actually used (the defaults filled in).
std::vector<int> model_widths(const ModelSpec& spec);

}  // namespace lnslab::nn
