#pragma once
// Theorem 1 of the Madam paper, measured (issue 7, docs/theory.md).
//
// For a network of L layers with weights W_k and loss gradients g_k:
//   gamma_k  = angle between |g_k| and |W_k| (elementwise absolute values), in [0, 90] degrees
//   eta_k    = (1 + cos gamma_k)^(1/L) - 1,     network bound eta* = min_k eta_k
// Theorem 1: under deep relative trust, the step W <- W (1 - eta sign(W) sign(g)) lowers the loss
// for every eta < eta*.  Deep relative trust (an assumption, measured by measure_trust):
//   ||g_k(W + dW) - g_k(W)||_F / ||g_k(W)||_F <= prod_l (1 + ||dW_l||_F / ||W_l||_F) - 1.
// Lemma 1 (a theorem, checked by lemma1):
//   L(W + dW) - L(W) <= -sum_k ||g_k|| ||dW_k|| [cos theta_k - max_t ||g_k(W+t dW) - g_k(W)|| /
//   ||g_k||], theta_k the angle between dW_k and -g_k.
//
// Layers: a layer of the theorem is one Linear/Conv2d weight tensor (ParamRole::weight). Biases
// and batch-norm tensors are not layers: they are held fixed (the loss is studied as a function of
// the weights alone, which is what the lemma and the theorem need), so L is the number of weight
// tensors. With include_biases a layer is instead its weight and bias concatenated (one group; the
// depth is unchanged and the step then moves the biases too).
//
// Everything is computed in double on a Network<double> (copy float weights in with
// load_values). Forward passes run in Mode::train: a batch-norm layer normalises with the batch's
// statistics, which is the loss the gradient belongs to (its running statistics are overwritten
// as a side effect and play no part).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/network.hpp"

namespace lnslab::nn {

/// One layer of the theorem: tensor ids into the store (the weight first, then its bias if
/// included).
struct BoundLayer {
  std::string name;  ///< the tensor's layer prefix, e.g. "linear1"
  std::vector<int> ids;
  std::size_t size = 0;  ///< elements over all ids
};

/// Every ParamRole::weight tensor in declaration order; with include_biases the bias of the same
/// layer (same name prefix) joins it.
std::vector<BoundLayer> bound_layers(const ParamStore<double>& store, bool include_biases);

/// A mini-batch in double: x [size, features], labels y [size].
struct BoundBatch {
  Matrix<double> x;
  std::vector<int> y;
};

/// `count` batches of `size` samples: consecutive slices of a seeded random order of the set
/// (Fisher-Yates with lns::Rng(seed)); when the set runs out a new permutation from the same
/// generator continues, so batches within one pass are disjoint. size must be in [1, set size].
std::vector<BoundBatch> draw_batches(const Dataset& data, std::size_t count, std::size_t size,
                                     std::uint64_t seed);

/// Copies float parameters (e.g. a Trainer's network) into a double store of the same layout.
/// Throws std::invalid_argument if the layouts (names, sizes) differ.
void load_values(ParamStore<double>& store, const ParamStore<float>& from);

/// The mean softmax cross-entropy of the batch at the current parameters (Mode::train); when grad
/// is not null it receives the gradient of that mean over the whole flat store.
double batch_loss(Network<double>& net, const BoundBatch& batch, std::vector<double>* grad);

/// Frobenius norm of a layer's elements of a flat buffer.
double layer_norm(const ParamStore<double>& store, const BoundLayer& layer,
                  std::span<const double> flat);
/// Cosine of the angle between two flat buffers restricted to a layer (0 if either is zero);
/// with absolute = true, between their elementwise absolute values.
double layer_cos(const ParamStore<double>& store, const BoundLayer& layer,
                 std::span<const double> a, std::span<const double> b, bool absolute);
/// (1 + cos_gamma)^(1/depth) - 1.
double eta_from_cos(double cos_gamma, int depth);

struct LayerBound {
  std::string name;
  std::size_t size = 0;
  double gamma_deg = 0.0;
  double cos_gamma = 0.0;
  double w_norm = 0.0;
  double g_norm = 0.0;
  double eta_bound = 0.0;
};

struct BoundResult {
  int depth = 0;  ///< L
  std::vector<LayerBound> layers;
  double eta_bound = 0.0;         ///< min over layers
  std::size_t limiting = 0;       ///< index of the layer attaining the minimum
  double loss = 0.0;              ///< mean of the batches' losses
  std::vector<double> batch_eta;  ///< network bound from each batch's own gradient
};

/// The bound from one gradient (flat, as batch_loss gives it).
BoundResult bound_from_gradient(const ParamStore<double>& store,
                                const std::vector<BoundLayer>& layers,
                                std::span<const double> grad);

/// The bound from the gradient averaged over the batches: g = (1/N) sum_n grad_n, grad_n the
/// gradient of batch n's mean loss (equal batch sizes, so g is the gradient of the mean loss over
/// all N x size samples). Also each batch's own network bound (batch_eta).
BoundResult compute_bound(Network<double>& net, const std::vector<BoundLayer>& layers,
                          std::span<const BoundBatch> batches);

/// The perturbation of the theorem's step: dW = -eta |W| sign(g) on the layers' elements, zero
/// elsewhere (W + dW = W (1 - eta sign W sign g)).
std::vector<double> sign_step_delta(const ParamStore<double>& store,
                                    const std::vector<BoundLayer>& layers,
                                    std::span<const double> grad, double eta);

struct LemmaLayer {
  double cos_theta = 0.0;   ///< angle between dW_k and -g_k
  double g_norm = 0.0;      ///< ||g_k(W)||
  double dw_norm = 0.0;     ///< ||dW_k||
  double rel_step = 0.0;    ///< ||dW_k|| / ||W_k||
  double max_change = 0.0;  ///< max over the t grid of ||g_k(W + t dW) - g_k(W)|| / ||g_k(W)||
  double bracket = 0.0;     ///< cos_theta - max_change
  /// deep relative trust along the path: change(t) <= prod_l (1 + t rel_step_l) - 1 at every t
  bool trust_held = true;
  /// what the proof of Theorem 1 uses: max_change <= prod_l (1 + rel_step_l) - 1
  bool within_prediction = true;
};

struct LemmaCheck {
  std::vector<LemmaLayer> layers;
  double loss_before = 0.0;
  double loss_change = 0.0;   ///< L(W + dW) - L(W)
  double rhs = 0.0;           ///< -sum_k g_norm dw_norm bracket (Lemma 1's upper bound)
  double trust_factor = 0.0;  ///< prod_l (1 + rel_step_l) - 1
};

/// Evaluates Lemma 1 for the perturbation dw (a flat buffer) on the batch. The maximum over
/// t in [0, 1] is taken on the grid t = j / t_steps, j = 1..t_steps. Parameters are restored.
LemmaCheck lemma1(Network<double>& net, const std::vector<BoundLayer>& layers,
                  const BoundBatch& batch, std::span<const double> dw, int t_steps);

struct VerifyRow {
  double multiple = 0.0;
  double eta = 0.0;
  std::size_t trials = 0;
  std::size_t decreases = 0;   ///< batches whose loss went down
  std::size_t premise = 0;     ///< batches whose own network bound exceeds eta
  double fraction = 0.0;       ///< decreases / trials
  double mean_change = 0.0;    ///< mean of L(after) - L(before)
  double worst_change = 0.0;   ///< largest L(after) - L(before)
  double mean_rel_step = 0.0;  ///< mean over batches and layers of ||dW_k|| / ||W_k||
};

struct VerifyResult {
  double eta_ref = 0.0;
  std::vector<VerifyRow> rows;  ///< ascending multiples
  /// the largest tested eta at which every batch's loss went down (0 if none)
  double largest_safe_eta = 0.0;
  double largest_safe_multiple = 0.0;
};

/// On each batch: its gradient, then the theorem's step at eta = multiple x eta_ref for each
/// multiple, the loss on the same batch before and after (parameters restored between steps).
VerifyResult verify_descent(Network<double>& net, const std::vector<BoundLayer>& layers,
                            std::span<const BoundBatch> batches, double eta_ref,
                            std::span<const double> multiples);

struct TrustLayerStat {
  double mean_change = 0.0;  ///< mean relative gradient change
  double max_change = 0.0;
  double mean_ratio = 0.0;  ///< mean of change / predicted
  double max_ratio = 0.0;
  std::size_t held = 0;  ///< trials with change <= predicted
  std::size_t trials = 0;
};

struct TrustRow {
  double r = 0.0;
  double predicted = 0.0;  ///< (1 + r)^L - 1
  std::vector<TrustLayerStat> layers;
  std::size_t held = 0;  ///< trials where every layer held
  std::size_t trials = 0;
};

struct LemmaLayerStat {
  double mean_cos_theta = 0.0;
  double mean_max_change = 0.0;
  double mean_bracket = 0.0;
  double min_bracket = 0.0;
  std::size_t positive = 0;    ///< batches with bracket > 0
  std::size_t trust_held = 0;  ///< batches where trust held along the step
  std::size_t within = 0;      ///< batches with max_change <= (1 + eta)^L - 1
};

struct TrustResult {
  std::uint64_t seed = 0;
  std::vector<TrustRow> rows;
  int perturbations = 0;  ///< per batch and r
  // Lemma 1 for the theorem's step at eta = lemma_eta, each batch with its own gradient.
  double lemma_eta = 0.0;
  int t_steps = 0;
  double trust_predicted = 0.0;  ///< (1 + lemma_eta)^L - 1
  std::vector<LemmaLayerStat> lemma;
  std::size_t lemma_batches = 0;
  std::size_t lemma_held = 0;  ///< batches with loss_change <= rhs (+ rounding slack)
  std::size_t descents = 0;    ///< batches whose loss went down
  double mean_loss_change = 0.0;
  double mean_rhs = 0.0;
};

/// Deep relative trust under random perturbations: on each batch, for each r, `perturbations`
/// draws of dW_l = r ||W_l|| u_l / ||u_l||, u_l standard normal per element (lns::Rng(seed)),
/// every layer at once; each layer's relative gradient change against (1 + r)^L - 1. Then Lemma 1
/// for the theorem's step at lemma_eta on each batch.
TrustResult measure_trust(Network<double>& net, const std::vector<BoundLayer>& layers,
                          std::span<const BoundBatch> batches, std::span<const double> radii,
                          int perturbations, std::uint64_t seed, double lemma_eta, int t_steps);

}  // namespace lnslab::nn
