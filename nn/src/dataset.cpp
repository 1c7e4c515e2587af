#include <algorithm>
#include <stdexcept>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/trainer.hpp"

namespace lnslab::nn {

Dataset Dataset::head(std::size_t n) && {
  if (n != 0 && n < size()) {
    images.resize(n * static_cast<std::size_t>(shape.size()));
    labels.resize(n);
  }
  return std::move(*this);
}

Dataset Dataset::head(std::size_t n) const& {
  if (n == 0 || n >= size()) return *this;
  Dataset d;
  d.name = name;
  d.shape = shape;
  d.classes = classes;
  d.images.assign(images.begin(), images.begin() + static_cast<std::ptrdiff_t>(n * shape.size()));
  d.labels.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
  return d;
}

void Dataset::gather(std::span<const std::size_t> order, std::size_t first, std::size_t count,
                     Matrix<float>& x, std::vector<int>& y) const {
  const auto width = static_cast<std::size_t>(shape.size());
  x.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(width));
  y.resize(count);
  for (std::size_t r = 0; r < count; ++r) {
    const std::size_t i = order[first + r];
    std::copy_n(images.data() + i * width, width, x.row(static_cast<Eigen::Index>(r)).data());
    y[r] = labels[i];
  }
}

std::vector<std::size_t> shuffled_order(std::size_t n, lns::Rng& rng) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

Dataset synthetic_split(std::uint64_t seed, bool train) {
  const std::uint64_t prototypes = derive_seed(seed, 100, 0);
  return train ? make_synthetic(2000, synthetic_shape, synthetic_classes, prototypes,
                                derive_seed(seed, 100, 1))
               : make_synthetic(500, synthetic_shape, synthetic_classes, prototypes,
                                derive_seed(seed, 100, 2));
}

Dataset make_synthetic(std::size_t count, Shape shape, int classes, std::uint64_t prototype_seed,
                       std::uint64_t sample_seed, double noise) {
  if (classes < 2 || count == 0) throw std::invalid_argument("make_synthetic: need >= 2 classes");
  lns::Rng proto_rng(prototype_seed);
  const auto width = static_cast<std::size_t>(shape.size());
  std::vector<float> prototypes(static_cast<std::size_t>(classes) * width);
  for (float& p : prototypes) p = static_cast<float>(proto_rng.uniform());
  lns::Rng rng(sample_seed);
  Dataset d;
  d.name = "synthetic";
  d.shape = shape;
  d.classes = classes;
  d.images.resize(count * width);
  d.labels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int c = static_cast<int>(rng.below(static_cast<std::uint64_t>(classes)));
    d.labels[i] = c;
    for (std::size_t j = 0; j < width; ++j) {
      const double v = prototypes[static_cast<std::size_t>(c) * width + j] + noise * rng.normal();
      d.images[i * width + j] = static_cast<float>(std::clamp(v, 0.0, 1.0));
    }
  }
  return d;
}

Dataset split_validation(Dataset& train, double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0) || !(fraction < 1.0))
    throw std::invalid_argument("split_validation: fraction must be in (0, 1)");
  lns::Rng rng(seed);
  const auto order = shuffled_order(train.size(), rng);
  const auto n_val = static_cast<std::size_t>(fraction * static_cast<double>(train.size()));
  Dataset val, rest;
  for (Dataset* d : {&val, &rest}) {
    d->shape = train.shape;
    d->classes = train.classes;
  }
  val.name = train.name + " (validation)";
  rest.name = train.name;
  std::vector<std::size_t> vi(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_val));
  std::vector<std::size_t> ri(order.begin() + static_cast<std::ptrdiff_t>(n_val), order.end());
  // Keep the original order inside each part so that the split is the only change.
  std::sort(vi.begin(), vi.end());
  std::sort(ri.begin(), ri.end());
  Matrix<float> x;
  for (auto [d, idx] : {std::pair{&val, &vi}, std::pair{&rest, &ri}}) {
    train.gather(*idx, 0, idx->size(), x, d->labels);
    d->images.assign(x.data(), x.data() + x.size());
  }
  train = std::move(rest);
  return val;
}

}  // namespace lnslab::nn
