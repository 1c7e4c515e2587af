#include "lnslab/nn/models.hpp"

#include "lnslab/nn/cgan.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/transformer.hpp"

namespace lnslab::nn {

std::vector<int> model_widths(const ModelSpec& spec) {
  if (!spec.widths.empty()) return spec.widths;
  if (spec.kind == "transformer") return {};
  if (spec.kind == "cnn") return {16, 32};
  if (spec.kind == "cgan") return {cgan_default_width};
  return {256};
}

template <typename T>
Network<T> build_model(const ModelSpec& spec, Shape input, int classes) {
  if (spec.kind == "transformer") {
    if (input.size() != spec.transformer.context)
      throw ConfigError("model transformer: inputs of " + input.str() + ", expected " +
                        std::to_string(spec.transformer.context) + " token ids");
    return build_transformer<T>(spec, classes);
  }
  const std::vector<int> widths = model_widths(spec);
  for (int w : widths)
    if (w <= 0) throw ConfigError("model widths must be positive integers");
  NetworkBuilder<T> b(input);
  if (spec.kind == "mlp") {
    b.flatten();
    for (int w : widths) {
      b.linear(w);
      if (spec.batchnorm) b.batchnorm(spec.batchnorm_affine);
      b.relu();
    }
    b.linear(classes);
  } else if (spec.kind == "cnn") {
    if (widths.size() != 2 && widths.size() != 3)
      throw ConfigError(
          "model cnn: --widths expects two channel counts and an optional hidden width (e.g. "
          "16,32 or 16,32,128)");
    if (input.height < 12 || input.width < 12)
      throw ConfigError("model cnn needs inputs of at least 12x12, got " + input.str());
    b.conv2d({widths[0], 5, 1, 2, true});
    if (spec.batchnorm) b.batchnorm(spec.batchnorm_affine);
    b.relu().maxpool(2);
    b.conv2d({widths[1], 5, 1, 0, true});
    if (spec.batchnorm) b.batchnorm(spec.batchnorm_affine);
    b.relu().maxpool(2).flatten();
    if (widths.size() == 3) {
      b.linear(widths[2]);
      if (spec.batchnorm) b.batchnorm(spec.batchnorm_affine);
      b.relu();
    }
    b.linear(classes);
  } else if (spec.kind == "cgan") {
    throw ConfigError(
        "model cgan is two networks (build_cgan_generator, build_cgan_discriminator "
        "in cgan.hpp), not one classifier");
  } else {
    throw ConfigError("unknown model '" + spec.kind + "': expected mlp, cnn, transformer or cgan");
  }
  return b.build();
}

template Network<float> build_model<float>(const ModelSpec&, Shape, int);
template Network<double> build_model<double>(const ModelSpec&, Shape, int);

}  // namespace lnslab::nn
