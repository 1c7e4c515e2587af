#pragma once
// The class-conditional GAN of `lnslab train --model cgan` (DCGAN-like, small enough for a CPU):
// its two networks, how the class enters each, and the non-saturating GAN loss.
//
// Image C x H x W (H, W multiples of 4), `classes` classes, base width w (--widths, default 32),
// latent z ~ N(0, I) of cgan_latent values:
//   generator      [z, onehot(y)]: [batch, latent + classes]
//                  -> Linear(2w * H/4 * W/4) -> BatchNorm -> ReLU -> Reshape(2w, H/4, W/4)
//                  -> Upsample x2 -> Conv(w, 3x3, pad 1) -> BatchNorm -> ReLU
//                  -> Upsample x2 -> Conv(C, 3x3, pad 1) -> Sigmoid      -> [batch, C*H*W] in (0,
//                  1)
//   discriminator  image with one constant plane per class (1 for y, 0 otherwise) concatenated
//                  as channels: [batch, (C + classes) * H * W]
//                  -> Conv(w, 4x4, stride 2, pad 1) -> LeakyReLU(0.2)
//                  -> Conv(2w, 4x4, stride 2, pad 1) -> LeakyReLU(0.2) -> Flatten -> Linear(1)
//                  -> one logit per sample (real vs generated)
// Batch norm is not affine (the Madam paper's setting); the discriminator has none.
//
// Loss (non-saturating, Goodfellow et al. 2014), on logits s:
//   discriminator  mean over real of softplus(-s) + mean over generated of softplus(s)
//   generator      mean over generated of softplus(-s)
#include <span>
#include <vector>

#include "lnslab/nn/network.hpp"

namespace lnslab::nn {

inline constexpr int cgan_latent = 64;
inline constexpr int cgan_default_width = 32;

template <typename T>
Network<T> build_cgan_generator(Shape image, int classes, int width);
template <typename T>
Network<T> build_cgan_discriminator(Shape image, int classes, int width);

/// Checks that a cgan can be built for `image` and `classes` (ConfigError naming the problem).
void check_cgan_shape(Shape image, int classes, int width);

/// [z, onehot(labels)]: z [batch, latent], labels [batch] -> [batch, latent + classes].
template <typename T>
Matrix<T> cgan_generator_input(const Matrix<T>& z, std::span<const int> labels, int classes);

/// images [batch, C*H*W] with `classes` class planes appended: [batch, (C + classes)*H*W].
template <typename T>
Matrix<T> cgan_discriminator_input(const Matrix<T>& images, std::span<const int> labels,
                                   int classes, Shape image);

/// Sum over samples i of scale * softplus(real[i] ? -s_i : s_i), s: logits [batch, 1];
/// dlogits (when not null) its gradient [batch, 1]. Returns the loss; `correct` counts samples
/// the discriminator gets right (s > 0 for real, s <= 0 for generated).
template <typename T>
double gan_logistic_loss(const Matrix<T>& logits, const std::vector<bool>& real, double scale,
                         Matrix<T>* dlogits, int* correct = nullptr);

}  // namespace lnslab::nn
