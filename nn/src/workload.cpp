// The forward GEMMs of a built network, for the simulator (see workload.hpp).
#include "lnslab/nn/workload.hpp"

#include <fmt/format.h>

#include "lnslab/nn/cgan.hpp"
#include "lnslab/nn/conv2d.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/linear.hpp"

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

sim::Workload forward_workload(const ModelSpec& spec, Shape input, int classes, int batch) {
  if (spec.kind == "cgan") {
    const CganNetworks nets = cgan_networks(spec, input, classes);
    sim::Workload w = prefixed(forward_workload(nets.generator, batch), "G.");
    const sim::Workload d = prefixed(forward_workload(nets.discriminator, batch), "D.");
    w.gemms.insert(w.gemms.end(), d.gemms.begin(), d.gemms.end());
    return w;
  }
  return forward_workload(build_model<float>(spec, input, classes), batch);
}

sim::Workload training_workload(const ModelSpec& spec, Shape input, int classes, int batch) {
  if (spec.kind != "cgan") return sim::training_step(forward_workload(spec, input, classes, batch));
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

}  // namespace lnslab::nn
