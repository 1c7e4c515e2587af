#pragma once
// The simulator's view of a network: its forward GEMMs (sim::Workload), read off the layers
// actually built, so that any model and widths are costed as they train.
//
//   Linear(in -> out):             GEMM M = batch, N = out, K = in
//   Conv2d(C -> F, k x k, stride, pad) on C x H x W giving F x OH x OW:
//                                  GEMM M = batch * OH * OW, N = F, K = k * k * C (im2col)
//   ReLU, MaxPool, Flatten, BatchNorm: no GEMM
//
// sim::training_step turns the list into a training step (forward, dX but for the first layer,
// dW, and a weight update of K * N weights per layer).
//
// Counted parameters: the K * N weights of each Linear/Conv2d only. Biases (N per layer) and
// batch-norm scale/shift (2 per channel, affine only) are neither GEMMs nor counted in the weight
// updates, as in the SCALE-Sim topology files (configs/topologies/), so the default models cost
// exactly what configs/topologies/mlp.csv and cnn.csv cost (784-256-10: 266 of 203,530
// parameters left out; the LeNet-like CNN: 58 of 21,258).
//
// Layer names: conv1, conv2, ... for the convolutions; fc1, fc2, ... for the Linear layers, or
// fc when there is only one (the names of the shipped topology files).
// Conv output sizes are the layer's own (floor, as the network computes them), whatever the
// simulator's timing mode; they agree with SCALE-Sim's rounding for stride 1.
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/network.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::nn {

/// The forward GEMMs of `network` at `batch` (>= 1). Throws ConfigError for a bad batch or a
/// network without Linear/Conv2d layers.
template <typename T>
sim::Workload forward_workload(const Network<T>& network, int batch);

/// The training step of `network` at `batch` (>= 1), as the simulator costs it. A network of
/// Linear/Conv2d layers: sim::training_step(forward_workload(network, batch)). A network with
/// embeddings, residual blocks and attention (the transformer) is walked layer by layer:
///   per-position Linear(in -> out) over P positions:  GEMM M = batch * P, N = out, K = in;
///     backward dX (M, K, N) for every one (the embedding below needs it) and dW (K, N, M);
///     a weight update of K * N
///   CausalSelfAttention, per sample and head (P positions, dh = width / heads):
///     forward  S = Q K^T (P, P, dh), O = P V (P, dh, P)
///     backward dP = dO V^T (P, P, dh), dV = P^T dO, dQ = dS K, dK = dS^T Q (each P, dh, P),
///     no weights, no update (the softmax and its mask are not GEMMs)
///   Embedding(vocab -> d), PositionalEmbedding(P x d): no GEMM (lookups, adds), a weight update
///     of vocab * d and P * d
///   LayerNorm, GELU: nothing; biases are not counted (as above).
/// Names: the layers' own, e.g. block1.attn.qkv, block1.attn.attention.scores, head.
template <typename T>
sim::Workload training_workload(const Network<T>& network, int batch);

/// The forward GEMMs of the model `spec` builds for inputs of `input` and `classes` classes
/// (build_model's errors for a bad spec). For cgan: the generator's forward GEMMs ("G.<layer>")
/// then the discriminator's on the generated batch ("D.<layer>"), generating and judging one
/// batch. For the transformer (input: `context` token ids, classes: the vocabulary): the forward
/// GEMMs of its training step below, the attention's per sample and head.
sim::Workload forward_workload(const ModelSpec& spec, Shape input, int classes, int batch);

/// One training step of the model: sim::training_step of its forward GEMMs for mlp and cnn; for
/// cgan the step CganTrainer takes (cgan_trainer.hpp) on a batch of n real images:
///   G forward (M from n) | D forward, backward-data (not its first layer), backward-weight on
///   the 2n real and generated images, D update | D forward on the n generated images, D
///   backward-data down to its input (first layer included), D backward-weight (computed by the
///   network, unused) | G backward-data (not its first layer), backward-weight, G update.
sim::Workload training_workload(const ModelSpec& spec, Shape input, int classes, int batch);

extern template sim::Workload forward_workload<float>(const Network<float>&, int);
extern template sim::Workload forward_workload<double>(const Network<double>&, int);
extern template sim::Workload training_workload<float>(const Network<float>&, int);
extern template sim::Workload training_workload<double>(const Network<double>&, int);

}  // namespace lnslab::nn
