// Per-layer and whole-network gradient checks by central differences in double.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "gradcheck.hpp"
#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/cgan.hpp"
#include "lnslab/nn/gan_layers.hpp"
#include "lnslab/nn/init.hpp"
#include "lnslab/nn/loss.hpp"
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/network.hpp"

using namespace lnslab;
using nn::Matrix;
using nn::Mode;
using nn::Shape;

namespace {

constexpr double tolerance = nn::test::gradient_tolerance;
using nn::test::random_matrix;

void randomize(nn::Network<double>& net, lns::Rng& rng) {
  nn::initialize(net.params(), nn::InitConfig{nn::WeightInit::uniform_fan_in, 0.3}, rng);
  // Batch-norm scales away from 1 so that their gradient path is exercised.
  for (const auto& info : net.params().infos())
    if (info.role == nn::ParamRole::norm_scale)
      for (double& v : net.params().value(info.id)) v = 0.5 + rng.uniform();
}

/// Checks d/dx and d/dparams of L = sum(r .* net(x)) for a random r.
void check_projection(nn::Network<double>& net, int batch, std::uint64_t seed) {
  lns::Rng rng(seed);
  randomize(net, rng);
  Matrix<double> x = random_matrix(batch, net.input_shape().size(), rng);
  const Matrix<double> r = random_matrix(batch, net.output_shape().size(), rng);
  auto loss = [&] { return (net.forward(x, Mode::train).array() * r.array()).sum(); };
  loss();
  Matrix<double> dx;
  net.backward(r, dx);
  const std::vector<double> grads(net.params().grads().begin(), net.params().grads().end());
  std::span<double> xs(x.data(), static_cast<std::size_t>(x.size()));
  CHECK(nn::test::max_gradient_error(xs, std::span<const double>(dx.data(), xs.size()), loss) <
        tolerance);
  if (!grads.empty())
    CHECK(nn::test::max_gradient_error(net.params().values(), grads, loss) < tolerance);
}

/// Checks the whole network under the softmax cross-entropy loss.
void check_network(nn::Network<double>& net, int batch, std::uint64_t seed) {
  lns::Rng rng(seed);
  randomize(net, rng);
  Matrix<double> x = random_matrix(batch, net.input_shape().size(), rng);
  std::vector<int> labels;
  for (int i = 0; i < batch; ++i)
    labels.push_back(
        static_cast<int>(rng.below(static_cast<std::uint64_t>(net.output_shape().size()))));
  auto loss = [&] {
    return nn::softmax_cross_entropy<double>(net.forward(x, Mode::train), labels, nullptr).loss;
  };
  Matrix<double> dlogits, dx;
  nn::softmax_cross_entropy<double>(net.forward(x, Mode::train), labels, &dlogits);
  net.backward(dlogits, dx);
  const std::vector<double> grads(net.params().grads().begin(), net.params().grads().end());
  CHECK(nn::test::max_gradient_error(net.params().values(), grads, loss) < tolerance);
  std::span<double> xs(x.data(), static_cast<std::size_t>(x.size()));
  CHECK(nn::test::max_gradient_error(xs, std::span<const double>(dx.data(), xs.size()), loss) <
        tolerance);
}

}  // namespace

TEST_CASE("gradient check detects a wrong gradient", "[gradcheck]") {
  std::vector<double> w{0.3, -1.2};
  auto loss = [&] { return w[0] * w[0] * w[1]; };
  const std::vector<double> right{2 * w[0] * w[1], w[0] * w[0]};
  const std::vector<double> wrong{1.01 * right[0], right[1]};
  CHECK(nn::test::max_gradient_error(w, right, loss) < tolerance);
  CHECK(nn::test::max_gradient_error(w, wrong, loss) > 1e-3);
}

TEST_CASE("Linear gradients", "[gradcheck]") {
  for (bool bias : {true, false}) {
    nn::NetworkBuilder<double> b(Shape{7, 1, 1});
    b.linear(5, bias);
    auto net = b.build();
    check_projection(net, 4, bias ? 1 : 2);
  }
}

TEST_CASE("Conv2d gradients (stride, padding)", "[gradcheck]") {
  const nn::Conv2dSpec specs[] = {{3, 3, 2, 1, true}, {2, 5, 1, 2, true}, {4, 2, 1, 0, false}};
  std::uint64_t seed = 10;
  for (const auto& spec : specs) {
    nn::NetworkBuilder<double> b(Shape{2, 6, 5});
    b.conv2d(spec);
    auto net = b.build();
    check_projection(net, 3, seed++);
  }
}

TEST_CASE("Conv2d output shape and values match a direct convolution", "[conv]") {
  nn::NetworkBuilder<double> b(Shape{1, 4, 4});
  b.conv2d({1, 3, 1, 1, false});
  auto net = b.build();
  CHECK(net.output_shape() == Shape{1, 4, 4});
  auto w = net.params().value(0);
  for (std::size_t i = 0; i < 9; ++i) w[i] = static_cast<double>(i + 1);  // kernel 1..9
  Matrix<double> x = Matrix<double>::Zero(1, 16);
  x(0, 5) = 1.0;  // a single 1 at (1, 1)
  const Matrix<double>& y = net.forward(x, Mode::eval);
  // Cross-correlation: y(oy, ox) = sum w(ky, kx) x(oy - 1 + ky, ox - 1 + kx); the 1 at (1, 1)
  // meets kernel entry (ky, kx) = (2 - oy, 2 - ox) for oy, ox in 0..2.
  for (int oy = 0; oy < 4; ++oy)
    for (int ox = 0; ox < 4; ++ox) {
      const double expected = (oy <= 2 && ox <= 2) ? (2 - oy) * 3 + (2 - ox) + 1 : 0.0;
      CHECK(y(0, oy * 4 + ox) == expected);
    }
}

TEST_CASE("MaxPool2d and ReLU gradients", "[gradcheck]") {
  {
    nn::NetworkBuilder<double> b(Shape{2, 6, 6});
    b.maxpool(2);
    auto net = b.build();
    CHECK(net.output_shape() == Shape{2, 3, 3});
    check_projection(net, 3, 20);
  }
  {
    nn::NetworkBuilder<double> b(Shape{2, 7, 7});
    b.maxpool(3, 2);  // overlapping windows
    auto net = b.build();
    CHECK(net.output_shape() == Shape{2, 3, 3});
    check_projection(net, 3, 21);
  }
  {
    nn::NetworkBuilder<double> b(Shape{9, 1, 1});
    b.relu();
    auto net = b.build();
    check_projection(net, 5, 22);
  }
}

TEST_CASE("BatchNorm gradients (affine and not, flat and spatial)", "[gradcheck]") {
  std::uint64_t seed = 30;
  for (Shape shape : {Shape{6, 1, 1}, Shape{3, 2, 3}})
    for (bool affine : {true, false}) {
      nn::NetworkBuilder<double> b(shape);
      b.batchnorm(affine);
      auto net = b.build();
      check_projection(net, 5, seed++);
    }
}

TEST_CASE("softmax cross-entropy: value and gradient", "[gradcheck][loss]") {
  Matrix<double> z(2, 3);
  z << 1.0, 2.0, 3.0, -1.0, 0.5, 1000.0;  // the second row would overflow a naive softmax
  const std::vector<int> labels{0, 2};
  Matrix<double> dz;
  const auto r = nn::softmax_cross_entropy<double>(z, labels, &dz);
  const double row0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 1.0;
  const double row1 = std::log1p(std::exp(-1001.0) + std::exp(-999.5));
  CHECK(r.loss == Approx((row0 + row1) / 2).epsilon(1e-12));
  CHECK(r.correct == 1);
  auto loss = [&] { return nn::softmax_cross_entropy<double>(z, labels, nullptr).loss; };
  std::span<double> zs(z.data(), 6);
  CHECK(nn::test::max_gradient_error(zs, std::span<const double>(dz.data(), 6), loss) < tolerance);
  // p - y, batch-averaged: each row of the gradient sums to zero.
  CHECK(std::abs(dz.row(0).sum()) < 1e-15);
  CHECK(dz(1, 2) == Approx(-(1.0 - 1.0 / (1.0 + std::exp(-1001.0) + std::exp(-999.5))) / 2));
}

TEST_CASE("whole-network gradients: mlp with batch norm, cnn", "[gradcheck]") {
  {
    nn::ModelSpec spec{"mlp", {6, 5}, true, true, {}};
    auto net = nn::build_model<double>(spec, Shape{1, 3, 4}, 4);
    check_network(net, 6, 40);
  }
  {
    nn::ModelSpec spec{"cnn", {2, 3}, false, false, {}};
    auto net = nn::build_model<double>(spec, Shape{1, 12, 12}, 3);
    check_network(net, 2, 41);
  }
  {
    nn::ModelSpec spec{"cnn", {2, 2}, true, true, {}};
    auto net = nn::build_model<double>(spec, Shape{1, 12, 12}, 3);
    check_network(net, 3, 42);
  }
}

TEST_CASE("cGAN layers: LeakyReLU, Sigmoid, Reshape, Upsample2d gradients", "[gradcheck][cgan]") {
  {
    nn::NetworkBuilder<double> b(Shape{9, 1, 1});
    b.layer(std::make_unique<nn::LeakyReLU<double>>(b.current_shape(), 0.2), "lrelu");
    auto net = b.build();
    check_projection(net, 5, 50);
  }
  {
    nn::NetworkBuilder<double> b(Shape{9, 1, 1});
    b.layer(std::make_unique<nn::Sigmoid<double>>(b.current_shape()), "sigmoid");
    auto net = b.build();
    check_projection(net, 5, 51);
  }
  {
    // Reshape then upsample, then a convolution so that the upsampled layout matters.
    nn::NetworkBuilder<double> b(Shape{18, 1, 1});
    b.layer(std::make_unique<nn::Reshape<double>>(b.current_shape(), Shape{2, 3, 3}), "reshape");
    b.layer(std::make_unique<nn::Upsample2d<double>>(b.current_shape(), 2), "up");
    b.conv2d({2, 3, 1, 1, true});
    auto net = b.build();
    CHECK(net.output_shape() == Shape{2, 6, 6});
    check_projection(net, 3, 52);
  }
}

TEST_CASE("Upsample2d copies each value into its f x f block; Reshape keeps sizes", "[cgan]") {
  nn::Upsample2d<double> up(Shape{2, 2, 3}, 3);
  CHECK(up.output_shape() == Shape{2, 6, 9});
  Matrix<double> x(1, 12), y;
  for (int i = 0; i < 12; ++i) x(0, i) = i;
  up.forward(x, y, Mode::eval);
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 9; ++j) CHECK(y(0, (c * 6 + i) * 9 + j) == c * 6 + (i / 3) * 3 + j / 3);
  CHECK_THROWS_AS(nn::Reshape<double>(Shape{6, 1, 1}, Shape{1, 2, 2}), std::invalid_argument);
}

TEST_CASE("GAN logistic loss: value and gradient, real and generated", "[gradcheck][cgan]") {
  Matrix<double> s(4, 1);
  s << 0.3, -2.0, 40.0, -35.0;  // large |s| would overflow a naive log(1 + exp)
  const std::vector<bool> real{true, false, true, false};
  Matrix<double> ds;
  int correct = 0;
  const double loss = nn::gan_logistic_loss<double>(s, real, 0.5, &ds, &correct);
  auto softplus = [](double u) { return std::log1p(std::exp(u)); };
  const double expected =
      0.5 * (softplus(-0.3) + softplus(-2.0) + std::log1p(std::exp(-40.0)) + softplus(-35.0));
  CHECK(loss == Approx(expected).epsilon(1e-12));
  CHECK(correct == 4);
  auto f = [&] { return nn::gan_logistic_loss<double>(s, real, 0.5, nullptr); };
  std::span<double> ss(s.data(), 4);
  CHECK(nn::test::max_gradient_error(ss, std::span<const double>(ds.data(), 4), f) < tolerance);
}

TEST_CASE("whole-network gradients: cGAN generator and discriminator", "[gradcheck][cgan]") {
  const Shape image{1, 8, 8};
  {
    auto g = nn::build_cgan_generator<double>(image, 3, 2);
    CHECK(g.input_shape() == Shape{nn::cgan_latent + 3, 1, 1});
    CHECK(g.output_shape() == image);
    check_projection(g, 3, 60);
  }
  {
    // The input gradient is what trains the generator through the discriminator.
    auto d = nn::build_cgan_discriminator<double>(image, 3, 2);
    CHECK(d.input_shape() == Shape{4, 8, 8});
    CHECK(d.output_shape() == Shape{1, 1, 1});
    check_projection(d, 3, 61);
  }
}

TEST_CASE("cGAN inputs: one-hot class after the latent, class planes after the image", "[cgan]") {
  Matrix<double> z(2, 3);
  z << 1, 2, 3, 4, 5, 6;
  const std::vector<int> labels{2, 0};
  const Matrix<double> gin = nn::cgan_generator_input<double>(z, labels, 3);
  Matrix<double> expected_g(2, 6);
  expected_g << 1, 2, 3, 0, 0, 1, 4, 5, 6, 1, 0, 0;
  CHECK(gin == expected_g);
  const Matrix<double> img = Matrix<double>::Constant(2, 4, 0.5);  // 1 x 2 x 2
  const Matrix<double> din = nn::cgan_discriminator_input<double>(img, labels, 3, Shape{1, 2, 2});
  REQUIRE(din.cols() == 16);
  for (int i = 0; i < 2; ++i)
    for (int c = 0; c < 3; ++c)
      CHECK(din.row(i).segment(4 + 4 * c, 4).sum() == (c == labels[i] ? 4.0 : 0.0));
  CHECK(din.leftCols(4) == img);
}
