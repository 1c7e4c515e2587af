// The forward GEMMs of a built network, for the simulator (see workload.hpp).
#include "lnslab/nn/workload.hpp"

#include <fmt/format.h>

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

sim::Workload forward_workload(const ModelSpec& spec, Shape input, int classes, int batch) {
  return forward_workload(build_model<float>(spec, input, classes), batch);
}

template sim::Workload forward_workload<float>(const Network<float>&, int);
template sim::Workload forward_workload<double>(const Network<double>&, int);

}  // namespace lnslab::nn
