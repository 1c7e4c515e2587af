#include "lnslab/nn/cgan.hpp"

#include <fmt/format.h>

#include <cmath>

#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/gan_layers.hpp"

namespace lnslab::nn {

void check_cgan_shape(Shape image, int classes, int width) {
  if (image.height % 4 != 0 || image.width % 4 != 0 || image.height < 8 || image.width < 8)
    throw ConfigError(
        "model cgan needs images whose height and width are multiples of 4 and at "
        "least 8, got " +
        image.str());
  if (classes < 1) throw ConfigError("model cgan needs at least one class");
  if (width < 1) throw ConfigError(fmt::format("model cgan: width {} must be positive", width));
}

template <typename T>
Network<T> build_cgan_generator(Shape image, int classes, int width) {
  check_cgan_shape(image, classes, width);
  const Shape base{2 * width, image.height / 4, image.width / 4};
  NetworkBuilder<T> b(Shape{cgan_latent + classes, 1, 1});
  b.linear(base.size()).batchnorm(false).relu();
  b.layer(std::make_unique<Reshape<T>>(b.current_shape(), base), "reshape");
  b.layer(std::make_unique<Upsample2d<T>>(b.current_shape(), 2), "up");
  b.conv2d({width, 3, 1, 1, true}).batchnorm(false).relu();
  b.layer(std::make_unique<Upsample2d<T>>(b.current_shape(), 2), "up");
  b.conv2d({image.channels, 3, 1, 1, true});
  b.layer(std::make_unique<Sigmoid<T>>(b.current_shape()), "sigmoid");
  return b.build();
}

template <typename T>
Network<T> build_cgan_discriminator(Shape image, int classes, int width) {
  check_cgan_shape(image, classes, width);
  NetworkBuilder<T> b(Shape{image.channels + classes, image.height, image.width});
  b.conv2d({width, 4, 2, 1, true});
  b.layer(std::make_unique<LeakyReLU<T>>(b.current_shape(), 0.2), "lrelu");
  b.conv2d({2 * width, 4, 2, 1, true});
  b.layer(std::make_unique<LeakyReLU<T>>(b.current_shape(), 0.2), "lrelu");
  b.flatten().linear(1);
  return b.build();
}

template <typename T>
Matrix<T> cgan_generator_input(const Matrix<T>& z, std::span<const int> labels, int classes) {
  Matrix<T> in = Matrix<T>::Zero(z.rows(), z.cols() + classes);
  in.leftCols(z.cols()) = z;
  for (Eigen::Index i = 0; i < z.rows(); ++i)
    in(i, z.cols() + labels[static_cast<std::size_t>(i)]) = T(1);
  return in;
}

template <typename T>
Matrix<T> cgan_discriminator_input(const Matrix<T>& images, std::span<const int> labels,
                                   int classes, Shape image) {
  const Eigen::Index plane = image.spatial();
  Matrix<T> in = Matrix<T>::Zero(images.rows(), images.cols() + classes * plane);
  in.leftCols(images.cols()) = images;
  for (Eigen::Index i = 0; i < images.rows(); ++i)
    in.row(i)
        .segment(images.cols() + labels[static_cast<std::size_t>(i)] * plane, plane)
        .setConstant(T(1));
  return in;
}

template <typename T>
double gan_logistic_loss(const Matrix<T>& logits, const std::vector<bool>& real, double scale,
                         Matrix<T>* dlogits, int* correct) {
  if (dlogits != nullptr) dlogits->resize(logits.rows(), 1);
  double loss = 0.0;
  int right = 0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const double s = static_cast<double>(logits(i, 0));
    const bool is_real = real[static_cast<std::size_t>(i)];
    const double u = is_real ? -s : s;  // loss term softplus(u), stable for large |u|
    loss += scale * (std::max(u, 0.0) + std::log1p(std::exp(-std::abs(u))));
    // d softplus(u)/du = sigmoid(u); du/ds = -1 for real
    const double sig = 1.0 / (1.0 + std::exp(-u));
    if (dlogits != nullptr) (*dlogits)(i, 0) = static_cast<T>(scale * (is_real ? -sig : sig));
    if (is_real ? s > 0.0 : s <= 0.0) ++right;
  }
  if (correct != nullptr) *correct = right;
  return loss;
}

template Network<float> build_cgan_generator<float>(Shape, int, int);
template Network<double> build_cgan_generator<double>(Shape, int, int);
template Network<float> build_cgan_discriminator<float>(Shape, int, int);
template Network<double> build_cgan_discriminator<double>(Shape, int, int);
template Matrix<float> cgan_generator_input<float>(const Matrix<float>&, std::span<const int>, int);
template Matrix<double> cgan_generator_input<double>(const Matrix<double>&, std::span<const int>,
                                                     int);
template Matrix<float> cgan_discriminator_input<float>(const Matrix<float>&, std::span<const int>,
                                                       int, Shape);
template Matrix<double> cgan_discriminator_input<double>(const Matrix<double>&,
                                                         std::span<const int>, int, Shape);
template double gan_logistic_loss<float>(const Matrix<float>&, const std::vector<bool>&, double,
                                         Matrix<float>*, int*);
template double gan_logistic_loss<double>(const Matrix<double>&, const std::vector<bool>&, double,
                                          Matrix<double>*, int*);

}  // namespace lnslab::nn
