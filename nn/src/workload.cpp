// The forward GEMMs of a built network, for the simulator (see workload.hpp).
#include "lnslab/nn/workload.hpp"

#include <fmt/format.h>

#include "lnslab/nn/attention.hpp"
#include "lnslab/nn/cgan.hpp"
#include "lnslab/nn/conv2d.hpp"
#include "lnslab/nn/embedding.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/linear.hpp"
#include "lnslab/nn/residual.hpp"

namespace lnslab::nn {

template <typename T>
sim::Workload forward_workload(const Network<T>& network, int batch) {
  if (batch < 1) throw ConfigError(fmt::format("workload: batch must be >= 1, got {}", batch));
  const auto b = static_cast<std::int64_t>(batch);
  std::size_t linears = 0;
  for (std::size_t i = 0; i < network.layer_count(); ++i)
    if (dynamic_cast<const Linear<T>*>(&network.layer(i)) != nullptr) ++linears;
  sim::Workload w;
  int conv = 0, fc = 0;
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const Layer<T>& layer = network.layer(i);
    sim::GemmOp op;
    if (const auto* c = dynamic_cast<const Conv2d<T>*>(&layer)) {
      const Shape in = c->input_shape(), out = c->output_shape();
      const auto k = static_cast<std::int64_t>(c->spec().kernel);
      op.name = fmt::format("conv{}", ++conv);
      op.shape = {b * out.height * out.width, out.channels, k * k * in.channels};
    } else if (dynamic_cast<const Linear<T>*>(&layer) != nullptr) {
      ++fc;
      op.name = linears == 1 ? std::string("fc") : fmt::format("fc{}", fc);
      op.shape = {b, layer.output_shape().size(), layer.input_shape().size()};
    } else {
      continue;  // ReLU, MaxPool, Flatten, BatchNorm: no GEMM
    }
    w.gemms.push_back(std::move(op));
  }
  if (w.gemms.empty()) throw ConfigError("workload: the network has no Linear or Conv2d layer");
  return w;
}

namespace {

// One costed piece of a sequence network, in forward order.
struct Piece {
  enum Kind { weight_gemm, attention, table } kind;
  std::string name;
  sim::GemmShape shape;    // weight_gemm: the forward GEMM
  std::int64_t count = 0;  // attention: samples x heads; table: its weights
  std::int64_t positions = 0, head_dim = 0;
};

template <typename T>
void collect(const Layer<T>& layer, const std::string& name, std::int64_t batch,
             std::vector<Piece>& out) {
  if (const auto* r = dynamic_cast<const Residual<T>*>(&layer)) {
    for (std::size_t i = 0; i < r->size(); ++i)
      collect(r->layer(i), name + "." + r->name(i), batch, out);
  } else if (const auto* l = dynamic_cast<const Linear<T>*>(&layer)) {
    out.push_back({Piece::weight_gemm,
                   name,
                   {batch * l->positions(), l->out_features(), l->in_features()},
                   0,
                   0,
                   0});
  } else if (const auto* a = dynamic_cast<const CausalSelfAttention<T>*>(&layer)) {
    out.push_back(
        {Piece::attention, name, {}, batch * a->heads(), a->positions(), a->dim() / a->heads()});
  } else if (const auto* e = dynamic_cast<const Embedding<T>*>(&layer)) {
    out.push_back({Piece::table, name, {}, static_cast<std::int64_t>(e->vocab()) * e->dim(), 0, 0});
  } else if (dynamic_cast<const PositionalEmbedding<T>*>(&layer) != nullptr) {
    out.push_back({Piece::table, name, {}, layer.output_shape().size(), 0, 0});
  } else if (dynamic_cast<const Conv2d<T>*>(&layer) != nullptr) {
    throw ConfigError("workload: a Conv2d in a sequence network is not costed");
  }
}

template <typename T>
bool is_sequence_network(const Network<T>& network) {
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const Layer<T>* l = &network.layer(i);
    if (dynamic_cast<const Residual<T>*>(l) || dynamic_cast<const Embedding<T>*>(l) ||
        dynamic_cast<const CausalSelfAttention<T>*>(l))
      return true;
  }
  return false;
}

sim::Workload prefixed(sim::Workload w, const std::string& prefix) {
  for (sim::GemmOp& g : w.gemms) g.name = prefix + g.name;
  for (sim::UpdateOp& u : w.updates) u.name = prefix + u.name;
  return w;
}

void append(std::vector<sim::GemmOp>& to, const std::vector<sim::GemmOp>& from, sim::Pass only) {
  for (const sim::GemmOp& g : from)
    if (g.pass == only) to.push_back(g);
}

struct CganNetworks {
  Network<float> generator, discriminator;
};

CganNetworks cgan_networks(const ModelSpec& spec, Shape input, int classes) {
  const int width = model_widths(spec).at(0);
  return {build_cgan_generator<float>(input, classes, width),
          build_cgan_discriminator<float>(input, classes, width)};
}

}  // namespace

template <typename T>
sim::Workload training_workload(const Network<T>& network, int batch) {
  if (!is_sequence_network(network)) return sim::training_step(forward_workload(network, batch));
  if (batch < 1) throw ConfigError(fmt::format("workload: batch must be >= 1, got {}", batch));
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < network.layer_count(); ++i)
    collect(network.layer(i), network.layer_name(i), batch, pieces);
  sim::Workload w;
  auto gemm = [&](const std::string& name, std::int64_t m, std::int64_t n, std::int64_t k,
                  sim::Pass pass) {
    w.gemms.push_back({name, {m, n, k}, pass});
  };
  for (const Piece& p : pieces) {
    if (p.kind == Piece::weight_gemm) {
      gemm(p.name, p.shape.m, p.shape.n, p.shape.k, sim::Pass::forward);
    } else if (p.kind == Piece::attention) {
      for (std::int64_t i = 0; i < p.count; ++i) {
        gemm(p.name + ".scores", p.positions, p.positions, p.head_dim, sim::Pass::forward);
        gemm(p.name + ".values", p.positions, p.head_dim, p.positions, sim::Pass::forward);
      }
    }
  }
  for (std::size_t j = pieces.size(); j-- > 0;) {
    const Piece& p = pieces[j];
    if (p.kind == Piece::weight_gemm) {
      gemm(p.name, p.shape.m, p.shape.k, p.shape.n, sim::Pass::backward_data);
      gemm(p.name, p.shape.k, p.shape.n, p.shape.m, sim::Pass::backward_weight);
    } else if (p.kind == Piece::attention) {
      const std::int64_t n = p.positions, d = p.head_dim;
      for (std::int64_t i = 0; i < p.count; ++i) {
        gemm(p.name + ".dP", n, n, d, sim::Pass::backward_data);
        gemm(p.name + ".dV", n, d, n, sim::Pass::backward_data);
        gemm(p.name + ".dQ", n, d, n, sim::Pass::backward_data);
        gemm(p.name + ".dK", n, d, n, sim::Pass::backward_data);
      }
    }
  }
  for (const Piece& p : pieces) {
    if (p.kind == Piece::weight_gemm) w.updates.push_back({p.name, p.shape.k * p.shape.n});
    if (p.kind == Piece::table) w.updates.push_back({p.name, p.count});
  }
  return w;
}

sim::Workload forward_workload(const ModelSpec& spec, Shape input, int classes, int batch) {
  if (spec.kind == "cgan") {
    const CganNetworks nets = cgan_networks(spec, input, classes);
    sim::Workload w = prefixed(forward_workload(nets.generator, batch), "G.");
    const sim::Workload d = prefixed(forward_workload(nets.discriminator, batch), "D.");
    w.gemms.insert(w.gemms.end(), d.gemms.begin(), d.gemms.end());
    return w;
  }
  if (spec.kind == "transformer") {  // the forward GEMMs of its step, attention's included
    sim::Workload w;
    append(w.gemms, training_workload(build_model<float>(spec, input, classes), batch).gemms,
           sim::Pass::forward);
    return w;
  }
  return forward_workload(build_model<float>(spec, input, classes), batch);
}

sim::Workload training_workload(const ModelSpec& spec, Shape input, int classes, int batch) {
  if (spec.kind != "cgan")
    return training_workload(build_model<float>(spec, input, classes), batch);
  if (batch < 1) throw ConfigError(fmt::format("workload: batch must be >= 1, got {}", batch));
  const CganNetworks nets = cgan_networks(spec, input, classes);
  const sim::Workload g =
      prefixed(sim::training_step(forward_workload(nets.generator, batch)), "G.");
  const sim::Workload d_both =
      prefixed(sim::training_step(forward_workload(nets.discriminator, 2 * batch)), "D.");
  const sim::Workload d_fake = prefixed(forward_workload(nets.discriminator, batch), "D.");
  sim::Workload step;
  append(step.gemms, g.gemms, sim::Pass::forward);
  step.gemms.insert(step.gemms.end(), d_both.gemms.begin(), d_both.gemms.end());
  step.updates = d_both.updates;
  step.gemms.insert(step.gemms.end(), d_fake.gemms.begin(), d_fake.gemms.end());
  for (std::size_t j = d_fake.gemms.size(); j-- > 0;) {
    const sim::GemmOp& f = d_fake.gemms[j];
    step.gemms.push_back({f.name, {f.shape.m, f.shape.k, f.shape.n}, sim::Pass::backward_data});
    step.gemms.push_back({f.name, {f.shape.k, f.shape.n, f.shape.m}, sim::Pass::backward_weight});
  }
  for (const sim::GemmOp& op : g.gemms)
    if (op.pass != sim::Pass::forward) step.gemms.push_back(op);
  step.updates.insert(step.updates.end(), g.updates.begin(), g.updates.end());
  return step;
}

template sim::Workload forward_workload<float>(const Network<float>&, int);
template sim::Workload forward_workload<double>(const Network<double>&, int);
template sim::Workload training_workload<float>(const Network<float>&, int);
template sim::Workload training_workload<double>(const Network<double>&, int);

}  // namespace lnslab::nn
