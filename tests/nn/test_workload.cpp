// nn::forward_workload: the simulator's GEMMs read off a built network equal the shipped
// topology files for the default models, follow --widths, and are the products training runs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "cgan_fixture.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/workload.hpp"
#include "lnslab/sim/workload.hpp"

using namespace lnslab;

namespace {

const std::string topologies = std::string(LNSLAB_SOURCE_DIR) + "/configs/topologies/";
const nn::Shape fashion{1, 28, 28};

nn::ModelSpec model(const std::string& kind, std::vector<int> widths = {}, bool bn = false) {
  nn::ModelSpec s;
  s.kind = kind;
  s.widths = std::move(widths);
  s.batchnorm = bn;
  s.batchnorm_affine = bn;
  return s;
}

void check_equal(const sim::Workload& got, const sim::Workload& want) {
  REQUIRE(got.gemms.size() == want.gemms.size());
  for (std::size_t i = 0; i < got.gemms.size(); ++i) {
    INFO("GEMM " << i << " " << want.gemms[i].name);
    CHECK(got.gemms[i].name == want.gemms[i].name);
    CHECK(got.gemms[i].shape == want.gemms[i].shape);
    CHECK(got.gemms[i].pass == want.gemms[i].pass);
  }
  REQUIRE(got.updates.size() == want.updates.size());
  for (std::size_t i = 0; i < got.updates.size(); ++i) {
    CHECK(got.updates[i].name == want.updates[i].name);
    CHECK(got.updates[i].weights == want.updates[i].weights);
  }
}

// Records the shape of every product a network runs: (pass, rows, cols, inner).
class Recorder final : public nn::MatmulBackend<float> {
 public:
  std::string name() const override { return "recorder"; }
  void gemm(nn::GemmRole role, const In& a, bool ta, const In& b, bool tb, Out c) override {
    const auto rows = ta ? a.cols() : a.rows(), inner = ta ? a.rows() : a.cols();
    const auto cols = tb ? b.rows() : b.cols();
    // The passes LnsMatmul counts the roles in (lns_matmul.hpp).
    const sim::Pass pass =
        role == nn::GemmRole::forward || role == nn::GemmRole::activation_activation
            ? sim::Pass::forward
        : role == nn::GemmRole::backward_weight ? sim::Pass::backward_weight
                                                : sim::Pass::backward_data;
    calls.emplace_back(pass, rows, cols, inner);
    eigen.gemm(role, a, ta, b, tb, c);
  }
  std::vector<std::tuple<sim::Pass, std::int64_t, std::int64_t, std::int64_t>> calls;

 private:
  nn::EigenMatmul<float> eigen;
};

}  // namespace

TEST_CASE("workload: the default MLP is configs/topologies/mlp.csv", "[nn][workload]") {
  for (int batch : {1, 128}) {
    INFO("batch " << batch);
    const sim::Workload got = nn::forward_workload(model("mlp"), fashion, 10, batch);
    const sim::Workload want = sim::load_topology(topologies + "mlp.csv", batch);
    check_equal(got, want);
    check_equal(sim::training_step(got), sim::training_step(want));
  }
  // Batch norm adds no GEMM and (as in the CSV) no counted parameter.
  check_equal(nn::forward_workload(model("mlp", {}, true), fashion, 10, 64),
              sim::load_topology(topologies + "mlp.csv", 64));
}

TEST_CASE("workload: the default CNN is configs/topologies/cnn.csv (conv1's 32x32 is 28 + 2*2)",
          "[nn][workload]") {
  for (auto rounding : {sim::ConvOutput::floor, sim::ConvOutput::scalesim}) {
    for (int batch : {1, 128}) {
      INFO("batch " << batch);
      const sim::Workload got = nn::forward_workload(model("cnn"), fashion, 10, batch);
      const sim::Workload want = sim::load_topology(topologies + "cnn.csv", batch, rounding);
      check_equal(got, want);
      check_equal(sim::training_step(got), sim::training_step(want));
    }
  }
  check_equal(nn::forward_workload(model("cnn", {}, true), fashion, 10, 128),
              sim::load_topology(topologies + "cnn.csv", 128));
}

TEST_CASE("workload: cnn widths 8,16 give 8 and 16 channels", "[nn][workload]") {
  const sim::Workload w = nn::forward_workload(model("cnn", {8, 16}), fashion, 10, 32);
  REQUIRE(w.gemms.size() == 3);
  CHECK(w.gemms[0].name == "conv1");
  CHECK(w.gemms[0].shape == sim::GemmShape{32 * 28 * 28, 8, 5 * 5 * 1});
  CHECK(w.gemms[1].name == "conv2");
  CHECK(w.gemms[1].shape == sim::GemmShape{32 * 10 * 10, 16, 5 * 5 * 8});
  CHECK(w.gemms[2].name == "fc");
  CHECK(w.gemms[2].shape == sim::GemmShape{32, 10, 16 * 5 * 5});
  const sim::Workload step = sim::training_step(w);
  REQUIRE(step.updates.size() == 3);
  CHECK(step.updates[0].weights == 25 * 8);
  CHECK(step.updates[1].weights == 25 * 8 * 16);
  CHECK(step.updates[2].weights == 400 * 10);
  // forward x3, dX for conv2 and fc only, dW x3
  CHECK(step.gemms.size() == 8);
  CHECK(std::count_if(step.gemms.begin(), step.gemms.end(), [](const sim::GemmOp& g) {
          return g.pass == sim::Pass::backward_data && g.name == "conv1";
        }) == 0);
}

TEST_CASE("workload: hidden widths appear as their own layers", "[nn][workload]") {
  const sim::Workload cnn = nn::forward_workload(model("cnn", {8, 16, 64}), fashion, 10, 2);
  REQUIRE(cnn.gemms.size() == 4);
  CHECK(cnn.gemms[2].name == "fc1");
  CHECK(cnn.gemms[2].shape == sim::GemmShape{2, 64, 400});
  CHECK(cnn.gemms[3].name == "fc2");
  CHECK(cnn.gemms[3].shape == sim::GemmShape{2, 10, 64});

  const sim::Workload mlp = nn::forward_workload(model("mlp", {128, 64}), fashion, 10, 4);
  REQUIRE(mlp.gemms.size() == 3);
  CHECK(mlp.gemms[0].shape == sim::GemmShape{4, 128, 784});
  CHECK(mlp.gemms[1].shape == sim::GemmShape{4, 64, 128});
  CHECK(mlp.gemms[2].shape == sim::GemmShape{4, 10, 64});
  CHECK(mlp.gemms[2].name == "fc3");

  // The input shape and classes are the network's: 16x16 synthetic data, 3 classes.
  const sim::Workload small = nn::forward_workload(model("mlp"), nn::Shape{1, 16, 16}, 3, 8);
  CHECK(small.gemms[0].shape == sim::GemmShape{8, 256, 256});
  CHECK(small.gemms[1].shape == sim::GemmShape{8, 3, 256});
}

TEST_CASE("workload: any built network, shapes from its layers, and bad input is an error",
          "[nn][workload]") {
  nn::NetworkBuilder<double> b(nn::Shape{3, 11, 11});
  b.conv2d({6, 3, 2, 1, false}).relu().maxpool(2).flatten().linear(7, false);
  const nn::Network<double> net = b.build();
  const sim::Workload w = nn::forward_workload(net, 5);
  REQUIRE(w.gemms.size() == 2);
  CHECK(w.gemms[0].shape == sim::GemmShape{5 * 6 * 6, 6, 3 * 3 * 3});  // (11 + 2 - 3) / 2 + 1
  CHECK(w.gemms[1].shape == sim::GemmShape{5, 7, 6 * 3 * 3});
  CHECK(w.gemms[1].name == "fc");

  CHECK_THROWS_AS(nn::forward_workload(net, 0), nn::ConfigError);
  CHECK_THROWS_AS(nn::forward_workload(model("rnn"), fashion, 10, 1), nn::ConfigError);
  CHECK_THROWS_AS(nn::forward_workload(model("cnn", {8}), fashion, 10, 1), nn::ConfigError);
  nn::NetworkBuilder<float> none(nn::Shape{1, 4, 4});
  none.relu();
  CHECK_THROWS_AS(nn::forward_workload(none.build(), 1), nn::ConfigError);
}

TEST_CASE("workload: the training step is the products a training step runs", "[nn][workload]") {
  for (const nn::ModelSpec& spec : {model("mlp", {32, 16}), model("cnn", {4, 6, 12}, true)}) {
    INFO(spec.kind);
    nn::Network<float> net = nn::build_model<float>(spec, nn::Shape{1, 16, 16}, 5);
    const int batch = 3;
    Recorder rec;
    net.set_backend(rec);
    nn::Matrix<float> x = nn::Matrix<float>::Constant(batch, 256, 0.5f);
    const nn::Matrix<float> logits = net.forward(x, nn::Mode::train);
    net.backward(nn::Matrix<float>::Constant(batch, logits.cols(), 0.1f));

    // dW GEMMs run transposed (dW^T = dY^T X): compare their outer dimensions unordered.
    auto key = [](sim::Pass p, std::int64_t m, std::int64_t n, std::int64_t k) {
      if (p == sim::Pass::backward_weight && m > n) std::swap(m, n);
      return std::make_tuple(p, m, n, k);
    };
    std::vector<std::tuple<sim::Pass, std::int64_t, std::int64_t, std::int64_t>> ran, costed;
    for (const auto& [p, m, n, k] : rec.calls) ran.push_back(key(p, m, n, k));
    for (const sim::GemmOp& g : sim::training_step(nn::forward_workload(net, batch)).gemms)
      costed.push_back(key(g.pass, g.shape.m, g.shape.n, g.shape.k));
    // The MLP's first Linear follows a Flatten: backward skips its dX as the simulator does.
    std::sort(ran.begin(), ran.end());
    std::sort(costed.begin(), costed.end());
    CHECK(ran == costed);
  }
}

TEST_CASE("workload: the cgan step is the products CganTrainer's step runs", "[nn][workload]") {
  nn::CganTrainer t = nn::test::make_cgan(nn::test::small_cgan_config("adam"));
  Recorder rec;
  t.set_backend(rec);
  const int batch = 3;
  const nn::Matrix<float> x = nn::Matrix<float>::Constant(batch, 256, 0.5f);
  const std::vector<int> y{0, 4, 9};
  t.train_step(x, y, 1e-3);

  auto key = [](sim::Pass p, std::int64_t m, std::int64_t n, std::int64_t k) {
    if (p == sim::Pass::backward_weight && m > n) std::swap(m, n);
    return std::make_tuple(p, m, n, k);
  };
  std::vector<std::tuple<sim::Pass, std::int64_t, std::int64_t, std::int64_t>> ran, costed;
  for (const auto& [p, m, n, k] : rec.calls) ran.push_back(key(p, m, n, k));
  const sim::Workload step =
      nn::training_workload(t.config().model, nn::Shape{1, 16, 16}, 10, batch);
  for (const sim::GemmOp& g : step.gemms)
    costed.push_back(key(g.pass, g.shape.m, g.shape.n, g.shape.k));
  std::sort(ran.begin(), ran.end());
  std::sort(costed.begin(), costed.end());
  CHECK(ran == costed);
  // One update per weight tensor of both networks, K * N weights each.
  std::int64_t updated = 0, weights = 0;
  for (const sim::UpdateOp& u : step.updates) updated += u.weights;
  for (const nn::Network<float>* net : {&t.generator(), &t.discriminator()})
    for (const auto& info : net->params().infos())
      if (info.role == nn::ParamRole::weight) weights += static_cast<std::int64_t>(info.size);
  CHECK(updated == weights);
  CHECK(step.updates.size() == 6);  // G: fc, conv, conv; D: conv, conv, fc
  CHECK(step.gemms.front().name.rfind("G.", 0) == 0);
}

TEST_CASE("workload: the transformer's training step is the products its training runs, per head",
          "[nn][workload][transformer]") {
  nn::ModelSpec spec;
  spec.kind = "transformer";
  spec.transformer = {2, 16, 4, 8, false};
  auto net = nn::build_model<float>(spec, nn::Shape{8, 1, 1}, 256);
  const int batch = 3;
  const sim::Workload w = nn::training_workload(net, batch);
  // The products one training step runs, recorded.
  Recorder rec;
  net.set_backend(rec);
  nn::Matrix<float> x = nn::Matrix<float>::Zero(batch, 8);
  const nn::Matrix<float> dlogits = nn::Matrix<float>::Ones(batch, 8 * 256);
  net.forward(x, nn::Mode::train);
  net.backward(dlogits);
  // dW GEMMs run transposed (dW^T = dY^T X): compare their outer dimensions unordered.
  auto key = [](sim::Pass p, std::int64_t m, std::int64_t n, std::int64_t k) {
    if (p == sim::Pass::backward_weight && m > n) std::swap(m, n);
    return std::make_tuple(p, m, n, k);
  };
  std::vector<std::tuple<sim::Pass, std::int64_t, std::int64_t, std::int64_t>> ran, listed;
  for (const auto& [p, m, n, k] : rec.calls) ran.push_back(key(p, m, n, k));
  for (const sim::GemmOp& g : w.gemms)
    listed.push_back(key(g.pass, g.shape.m, g.shape.n, g.shape.k));
  std::sort(ran.begin(), ran.end());
  std::sort(listed.begin(), listed.end());
  CHECK(ran == listed);
  // Per layer: 4 Linear (qkv, proj, up, down) and the head; attention per sample and head.
  const auto count = [&](const std::string& name) {
    return std::count_if(w.gemms.begin(), w.gemms.end(),
                         [&](const sim::GemmOp& g) { return g.name == name; });
  };
  CHECK(count("block1.attn.attention.scores") == batch * 4);
  CHECK(count("block2.attn.qkv") == 3);  // forward, dX, dW
  CHECK(w.gemms.front().shape == sim::GemmShape{batch * 8, 48, 16});
  // Updates: every weight tensor (biases left out, as for the other models).
  std::int64_t updated = 0;
  for (const auto& u : w.updates) updated += u.weights;
  std::int64_t weights = 0;
  for (const auto& info : net.params().infos())
    if (info.role == nn::ParamRole::weight) weights += static_cast<std::int64_t>(info.size);
  CHECK(updated == weights);
  // A classifier's training step is sim::training_step of its forward GEMMs.
  auto mlp = nn::build_model<float>(model("mlp"), fashion, 10);
  check_equal(nn::training_workload(mlp, 16), sim::training_step(nn::forward_workload(mlp, 16)));
}
