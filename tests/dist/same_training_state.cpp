// same_training_state A B: exit 0 when two checkpoints hold the same training state (settings,
// epochs, steps, parameter bits, optimizer state, per-epoch losses and accuracies), 1 naming the
// first difference otherwise. Wall-clock fields (seconds, images/s) are not compared: they differ
// between any two runs.
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/serialize.hpp"
#include "lnslab/nn/trainer.hpp"
#include "lnslab/util/files.hpp"

namespace {

using lnslab::nn::Trainer;

std::unique_ptr<Trainer> restored(const std::string& path) {
  const std::string file = lnslab::util::read_file(path, "checkpoint");
  lnslab::nn::TrainConfig c = Trainer::checkpoint_config(file);
  auto data = [&](bool train) {
    return c.data_dir == "synthetic"
               ? lnslab::nn::synthetic_split(c.seed, train)
               : lnslab::nn::load_idx_split(c.data_dir, train ? "train" : "t10k");
  };
  auto t = std::make_unique<Trainer>(c, data(true), data(false));
  t->restore(file);
  return t;
}

bool differ(const char* what, bool different) {
  if (different) std::printf("differ: %s\n", what);
  return different;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: same_training_state A.lnsck B.lnsck\n");
    return 2;
  }
  try {
    const std::unique_ptr<Trainer> ta = restored(argv[1]), tb = restored(argv[2]);
    Trainer &a = *ta, &b = *tb;
    if (differ("settings", to_json(a.config()) != to_json(b.config())) ||
        differ("completed epochs", a.completed_epochs() != b.completed_epochs()) ||
        differ("steps", a.steps() != b.steps()))
      return 1;
    const auto pa = a.network().params().values(), pb = b.network().params().values();
    if (differ("parameter count", pa.size() != pb.size()) ||
        differ("parameter bits", std::memcmp(pa.data(), pb.data(), pa.size_bytes()) != 0))
      return 1;
    lnslab::nn::StateWriter oa, ob;
    a.optimizer().save(oa);
    b.optimizer().save(ob);
    if (differ("optimizer state", oa.bytes() != ob.bytes())) return 1;
    for (std::size_t e = 0; e < a.history().size(); ++e) {
      const auto &ra = a.history()[e], &rb = b.history()[e];
      const double va[] = {ra.lr,           ra.train_loss, ra.train_accuracy, ra.val_loss,
                           ra.val_accuracy, ra.test_loss,  ra.test_accuracy};
      const double vb[] = {rb.lr,           rb.train_loss, rb.train_accuracy, rb.val_loss,
                           rb.val_accuracy, rb.test_loss,  rb.test_accuracy};
      if (differ("epoch record (lr, losses, accuracies)",
                 std::memcmp(va, vb, sizeof va) != 0 || ra.lr_note != rb.lr_note))
        return 1;
    }
    std::printf("same training state: %d epochs, %llu steps, %zu parameters\n",
                a.completed_epochs(), static_cast<unsigned long long>(a.steps()), pa.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "same_training_state: %s\n", e.what());
    return 2;
  }
}
