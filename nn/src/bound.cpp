#include "lnslab/nn/bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/loss.hpp"

namespace lnslab::nn {

namespace {

template <typename F>
void for_each_element(const ParamStore<double>& store, const BoundLayer& layer, F&& f) {
  for (int id : layer.ids) {
    const ParamInfo& info = store.info(id);
    for (std::size_t i = info.offset; i < info.offset + info.size; ++i) f(i);
  }
}

double sign_of(double v) {
  return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0);
}

std::string layer_prefix(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

/// values = base + t * dw over the whole store.
void set_shifted(std::span<double> values, std::span<const double> base, std::span<const double> dw,
                 double t) {
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = base[i] + t * dw[i];
}

/// ||a_k - b_k|| / ||b_k|| on a layer (0 when b_k is zero).
double relative_change(const ParamStore<double>& store, const BoundLayer& layer,
                       std::span<const double> a, std::span<const double> b) {
  double diff = 0.0, ref = 0.0;
  for_each_element(store, layer, [&](std::size_t i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    ref += b[i] * b[i];
  });
  return ref > 0.0 ? std::sqrt(diff / ref) : 0.0;
}

}  // namespace

std::vector<BoundLayer> bound_layers(const ParamStore<double>& store, bool include_biases) {
  std::vector<BoundLayer> layers;
  for (const ParamInfo& info : store.infos()) {
    if (info.role != ParamRole::weight || !info.trainable) continue;
    BoundLayer layer;
    layer.name = layer_prefix(info.name);
    layer.ids.push_back(info.id);
    layer.size = info.size;
    if (include_biases) {
      for (const ParamInfo& other : store.infos()) {
        if (other.role == ParamRole::bias && other.trainable &&
            layer_prefix(other.name) == layer.name) {
          layer.ids.push_back(other.id);
          layer.size += other.size;
        }
      }
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

std::vector<BoundBatch> draw_batches(const Dataset& data, std::size_t count, std::size_t size,
                                     std::uint64_t seed) {
  if (size == 0 || size > data.size())
    throw std::invalid_argument("draw_batches: batch size " + std::to_string(size) +
                                " must be in [1, " + std::to_string(data.size()) + "]");
  lns::Rng rng(seed);
  std::vector<std::size_t> order = shuffled_order(data.size(), rng);
  std::size_t pos = 0;
  std::vector<BoundBatch> batches(count);
  Matrix<float> x;
  for (BoundBatch& b : batches) {
    if (pos + size > data.size()) {
      order = shuffled_order(data.size(), rng);
      pos = 0;
    }
    data.gather(order, pos, size, x, b.y);
    b.x = x.cast<double>();
    pos += size;
  }
  return batches;
}

void load_values(ParamStore<double>& store, const ParamStore<float>& from) {
  if (store.infos().size() != from.infos().size() || store.total_size() != from.total_size())
    throw std::invalid_argument("load_values: the two parameter stores differ in layout");
  for (std::size_t i = 0; i < store.infos().size(); ++i) {
    if (store.infos()[i].name != from.infos()[i].name ||
        store.infos()[i].size != from.infos()[i].size)
      throw std::invalid_argument("load_values: tensor " + from.infos()[i].name +
                                  " does not match " + store.infos()[i].name);
  }
  auto dst = store.values();
  auto src = from.values();
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<double>(src[i]);
}

double batch_loss(Network<double>& net, const BoundBatch& batch, std::vector<double>* grad) {
  const Matrix<double>& logits = net.forward(batch.x, Mode::train);
  if (grad == nullptr) return softmax_cross_entropy<double>(logits, batch.y, nullptr).loss;
  Matrix<double> dlogits;
  const double loss = softmax_cross_entropy<double>(logits, batch.y, &dlogits).loss;
  net.params().zero_grads();
  net.backward(dlogits);
  const auto g = net.params().grads();
  grad->assign(g.begin(), g.end());
  return loss;
}

double layer_norm(const ParamStore<double>& store, const BoundLayer& layer,
                  std::span<const double> flat) {
  double s = 0.0;
  for_each_element(store, layer, [&](std::size_t i) { s += flat[i] * flat[i]; });
  return std::sqrt(s);
}

double layer_cos(const ParamStore<double>& store, const BoundLayer& layer,
                 std::span<const double> a, std::span<const double> b, bool absolute) {
  double dot = 0.0, na = 0.0, nb = 0.0;
  for_each_element(store, layer, [&](std::size_t i) {
    dot += absolute ? std::abs(a[i]) * std::abs(b[i]) : a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  });
  if (na == 0.0 || nb == 0.0) return 0.0;
  return std::clamp(dot / (std::sqrt(na) * std::sqrt(nb)), -1.0, 1.0);
}

double eta_from_cos(double cos_gamma, int depth) {
  return std::pow(1.0 + cos_gamma, 1.0 / static_cast<double>(depth)) - 1.0;
}

BoundResult bound_from_gradient(const ParamStore<double>& store,
                                const std::vector<BoundLayer>& layers,
                                std::span<const double> grad) {
  BoundResult r;
  r.depth = static_cast<int>(layers.size());
  const auto w = store.values();
  r.eta_bound = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    LayerBound lb;
    lb.name = layers[k].name;
    lb.size = layers[k].size;
    lb.cos_gamma = layer_cos(store, layers[k], grad, w, true);
    lb.gamma_deg = std::acos(lb.cos_gamma) * 180.0 / std::numbers::pi;
    lb.w_norm = layer_norm(store, layers[k], w);
    lb.g_norm = layer_norm(store, layers[k], grad);
    lb.eta_bound = eta_from_cos(lb.cos_gamma, r.depth);
    if (lb.eta_bound < r.eta_bound) {
      r.eta_bound = lb.eta_bound;
      r.limiting = k;
    }
    r.layers.push_back(std::move(lb));
  }
  if (layers.empty()) r.eta_bound = 0.0;
  return r;
}

BoundResult compute_bound(Network<double>& net, const std::vector<BoundLayer>& layers,
                          std::span<const BoundBatch> batches) {
  if (batches.empty()) throw std::invalid_argument("compute_bound: no batches");
  std::vector<double> sum(net.params().total_size(), 0.0), g;
  std::vector<double> batch_eta;
  double loss = 0.0;
  for (const BoundBatch& b : batches) {
    loss += batch_loss(net, b, &g);
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += g[i];
    batch_eta.push_back(bound_from_gradient(net.params(), layers, g).eta_bound);
  }
  const double n = static_cast<double>(batches.size());
  for (double& v : sum) v /= n;
  BoundResult r = bound_from_gradient(net.params(), layers, sum);
  r.loss = loss / n;
  r.batch_eta = std::move(batch_eta);
  return r;
}

std::vector<double> sign_step_delta(const ParamStore<double>& store,
                                    const std::vector<BoundLayer>& layers,
                                    std::span<const double> grad, double eta) {
  std::vector<double> dw(store.total_size(), 0.0);
  const auto w = store.values();
  for (const BoundLayer& layer : layers)
    for_each_element(store, layer,
                     [&](std::size_t i) { dw[i] = -eta * std::abs(w[i]) * sign_of(grad[i]); });
  return dw;
}

LemmaCheck lemma1(Network<double>& net, const std::vector<BoundLayer>& layers,
                  const BoundBatch& batch, std::span<const double> dw, int t_steps) {
  if (t_steps < 1) throw std::invalid_argument("lemma1: t_steps must be at least 1");
  ParamStore<double>& store = net.params();
  const std::vector<double> w0(store.values().begin(), store.values().end());
  std::vector<double> g0, gt;
  LemmaCheck c;
  c.loss_before = batch_loss(net, batch, &g0);
  c.layers.resize(layers.size());
  double prod = 1.0;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    LemmaLayer& l = c.layers[k];
    l.g_norm = layer_norm(store, layers[k], g0);
    l.dw_norm = layer_norm(store, layers[k], dw);
    const double wn = layer_norm(store, layers[k], w0);
    l.rel_step = wn > 0.0 ? l.dw_norm / wn : 0.0;
    l.cos_theta = -layer_cos(store, layers[k], dw, g0, false);
    prod *= 1.0 + l.rel_step;
  }
  c.trust_factor = prod - 1.0;
  double loss_after = c.loss_before;
  for (int j = 1; j <= t_steps; ++j) {
    const double t = static_cast<double>(j) / static_cast<double>(t_steps);
    set_shifted(store.values(), w0, dw, t);
    const double loss = batch_loss(net, batch, &gt);
    if (j == t_steps) loss_after = loss;
    double predicted = 1.0;
    for (const LemmaLayer& l : c.layers) predicted *= 1.0 + t * l.rel_step;
    predicted -= 1.0;
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const double change = relative_change(store, layers[k], gt, g0);
      c.layers[k].max_change = std::max(c.layers[k].max_change, change);
      if (change > predicted) c.layers[k].trust_held = false;
    }
  }
  std::copy(w0.begin(), w0.end(), store.values().begin());
  c.loss_change = loss_after - c.loss_before;
  c.rhs = 0.0;
  for (LemmaLayer& l : c.layers) {
    l.within_prediction = l.max_change <= c.trust_factor;
    l.bracket = l.cos_theta - l.max_change;
    c.rhs -= l.g_norm * l.dw_norm * l.bracket;
  }
  return c;
}

VerifyResult verify_descent(Network<double>& net, const std::vector<BoundLayer>& layers,
                            std::span<const BoundBatch> batches, double eta_ref,
                            std::span<const double> multiples) {
  VerifyResult v;
  v.eta_ref = eta_ref;
  std::vector<double> sorted(multiples.begin(), multiples.end());
  std::sort(sorted.begin(), sorted.end());
  for (double m : sorted) {
    VerifyRow row;
    row.multiple = m;
    row.eta = m * eta_ref;
    row.worst_change = -std::numeric_limits<double>::infinity();
    v.rows.push_back(row);
  }
  ParamStore<double>& store = net.params();
  const std::vector<double> w0(store.values().begin(), store.values().end());
  std::vector<double> g;
  for (const BoundBatch& b : batches) {
    const double before = batch_loss(net, b, &g);
    const double own = bound_from_gradient(store, layers, g).eta_bound;
    for (VerifyRow& row : v.rows) {
      const std::vector<double> dw = sign_step_delta(store, layers, g, row.eta);
      double rel = 0.0;
      for (const BoundLayer& layer : layers) {
        const double wn = layer_norm(store, layer, w0);
        rel += wn > 0.0 ? layer_norm(store, layer, dw) / wn : 0.0;
      }
      set_shifted(store.values(), w0, dw, 1.0);
      const double change = batch_loss(net, b, nullptr) - before;
      std::copy(w0.begin(), w0.end(), store.values().begin());
      ++row.trials;
      if (change < 0.0) ++row.decreases;
      if (own > row.eta) ++row.premise;
      row.mean_change += change;
      row.worst_change = std::max(row.worst_change, change);
      row.mean_rel_step += layers.empty() ? 0.0 : rel / static_cast<double>(layers.size());
    }
  }
  for (VerifyRow& row : v.rows) {
    if (row.trials == 0) continue;
    const double n = static_cast<double>(row.trials);
    row.fraction = static_cast<double>(row.decreases) / n;
    row.mean_change /= n;
    row.mean_rel_step /= n;
    if (row.decreases == row.trials) {
      v.largest_safe_eta = row.eta;
      v.largest_safe_multiple = row.multiple;
    }
  }
  return v;
}

TrustResult measure_trust(Network<double>& net, const std::vector<BoundLayer>& layers,
                          std::span<const BoundBatch> batches, std::span<const double> radii,
                          int perturbations, std::uint64_t seed, double lemma_eta, int t_steps) {
  TrustResult tr;
  tr.seed = seed;
  tr.perturbations = perturbations;
  tr.lemma_eta = lemma_eta;
  tr.t_steps = t_steps;
  const int depth = static_cast<int>(layers.size());
  tr.trust_predicted = std::pow(1.0 + lemma_eta, depth) - 1.0;
  for (double r : radii) {
    TrustRow row;
    row.r = r;
    row.predicted = std::pow(1.0 + r, depth) - 1.0;
    row.layers.resize(layers.size());
    tr.rows.push_back(std::move(row));
  }
  tr.lemma.resize(layers.size());
  for (LemmaLayerStat& s : tr.lemma) s.min_bracket = std::numeric_limits<double>::infinity();

  ParamStore<double>& store = net.params();
  const std::vector<double> w0(store.values().begin(), store.values().end());
  std::vector<double> wnorm;
  for (const BoundLayer& layer : layers) wnorm.push_back(layer_norm(store, layer, w0));
  lns::Rng rng(seed);
  std::vector<double> g0, g1, dw(store.total_size(), 0.0);
  for (const BoundBatch& b : batches) {
    batch_loss(net, b, &g0);
    for (TrustRow& row : tr.rows) {
      for (int p = 0; p < perturbations; ++p) {
        std::fill(dw.begin(), dw.end(), 0.0);
        for (std::size_t k = 0; k < layers.size(); ++k) {
          double un = 0.0;
          for_each_element(store, layers[k], [&](std::size_t i) {
            dw[i] = rng.normal();
            un += dw[i] * dw[i];
          });
          const double scale = un > 0.0 ? row.r * wnorm[k] / std::sqrt(un) : 0.0;
          for_each_element(store, layers[k], [&](std::size_t i) { dw[i] *= scale; });
        }
        set_shifted(store.values(), w0, dw, 1.0);
        batch_loss(net, b, &g1);
        std::copy(w0.begin(), w0.end(), store.values().begin());
        bool all = true;
        for (std::size_t k = 0; k < layers.size(); ++k) {
          TrustLayerStat& s = row.layers[k];
          const double change = relative_change(store, layers[k], g1, g0);
          const double ratio = row.predicted > 0.0 ? change / row.predicted : 0.0;
          s.mean_change += change;
          s.max_change = std::max(s.max_change, change);
          s.mean_ratio += ratio;
          s.max_ratio = std::max(s.max_ratio, ratio);
          ++s.trials;
          if (change <= row.predicted) {
            ++s.held;
          } else {
            all = false;
          }
        }
        ++row.trials;
        if (all) ++row.held;
      }
    }
    // Lemma 1 for the theorem's step with this batch's own gradient.
    const std::vector<double> step = sign_step_delta(store, layers, g0, lemma_eta);
    const LemmaCheck c = lemma1(net, layers, b, step, t_steps);
    ++tr.lemma_batches;
    const double slack = 1e-12 * (std::abs(c.loss_before) + 1.0);
    if (c.loss_change <= c.rhs + slack) ++tr.lemma_held;
    if (c.loss_change < 0.0) ++tr.descents;
    tr.mean_loss_change += c.loss_change;
    tr.mean_rhs += c.rhs;
    for (std::size_t k = 0; k < layers.size(); ++k) {
      LemmaLayerStat& s = tr.lemma[k];
      s.mean_cos_theta += c.layers[k].cos_theta;
      s.mean_max_change += c.layers[k].max_change;
      s.mean_bracket += c.layers[k].bracket;
      s.min_bracket = std::min(s.min_bracket, c.layers[k].bracket);
      if (c.layers[k].bracket > 0.0) ++s.positive;
      if (c.layers[k].trust_held) ++s.trust_held;
      if (c.layers[k].within_prediction) ++s.within;
    }
  }
  for (TrustRow& row : tr.rows)
    for (TrustLayerStat& s : row.layers)
      if (s.trials > 0) {
        s.mean_change /= static_cast<double>(s.trials);
        s.mean_ratio /= static_cast<double>(s.trials);
      }
  if (tr.lemma_batches > 0) {
    const double n = static_cast<double>(tr.lemma_batches);
    tr.mean_loss_change /= n;
    tr.mean_rhs /= n;
    for (LemmaLayerStat& s : tr.lemma) {
      s.mean_cos_theta /= n;
      s.mean_max_change /= n;
      s.mean_bracket /= n;
    }
  } else {
    for (LemmaLayerStat& s : tr.lemma) s.min_bracket = 0.0;
  }
  return tr;
}

}  // namespace lnslab::nn
