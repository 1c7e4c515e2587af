#include "lnslab/nn/generate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace lnslab::nn {

std::string generate_text(Network<float>& network, int context, std::string_view prompt, int tokens,
                          double temperature, lns::Rng& rng) {
  if (prompt.empty()) throw std::invalid_argument("generate_text: empty prompt");
  if (context < 1 || network.input_shape().size() != context)
    throw std::invalid_argument("generate_text: the network does not read " +
                                std::to_string(context) + " tokens");
  const int vocab = network.output_shape().size() / context;
  std::string text(prompt);
  std::string out;
  Matrix<float> x(1, context);
  std::vector<double> weights(static_cast<std::size_t>(vocab));
  for (int i = 0; i < tokens; ++i) {
    const std::size_t n = std::min(text.size(), static_cast<std::size_t>(context));
    const std::size_t first = text.size() - n;
    x.setZero();
    for (std::size_t t = 0; t < n; ++t)
      x(0, static_cast<Eigen::Index>(t)) = static_cast<unsigned char>(text[first + t]);
    const Matrix<float>& logits = network.forward(x, Mode::eval);
    const float* z = logits.data() + (n - 1) * static_cast<std::size_t>(vocab);
    int next = static_cast<int>(std::max_element(z, z + vocab) - z);
    if (temperature > 0.0) {
      const double zmax = z[next];
      double total = 0.0;
      for (int v = 0; v < vocab; ++v)
        total += weights[static_cast<std::size_t>(v)] = std::exp((z[v] - zmax) / temperature);
      double u = rng.uniform() * total;
      for (next = 0; next < vocab - 1; ++next) {
        u -= weights[static_cast<std::size_t>(next)];
        if (u < 0.0) break;
      }
    }
    text.push_back(static_cast<char>(next));
    out.push_back(static_cast<char>(next));
  }
  return out;
}

}  // namespace lnslab::nn
