#include "lnslab/study/lr_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "lnslab/nn/train_config.hpp"

namespace lnslab::study {
namespace {

// The study writes lrs as the user typed them; the default is compared with a relative slack
// far below any grid spacing (1e-9), so that 0.016 matches 0.016000000000000001.
bool same_lr(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

}  // namespace

std::optional<double> LrSweep::loss_from_default() const {
  if (!at_default) return std::nullopt;
  return score->shortfall(at_default->mean, best.score->mean);
}

std::vector<LrSweep> lr_sweeps(const std::vector<GroupResult>& groups) {
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, std::size_t> index;
  std::vector<LrSweep> sweeps;
  for (const GroupResult& g : groups) {
    const Key key{g.model, g.label, g.numerics, g.format};
    auto [it, inserted] = index.try_emplace(key, sweeps.size());
    if (inserted) {
      LrSweep s;
      s.model = g.model;
      s.label = g.label;
      s.optimizer = g.optimizer;
      s.numerics = g.numerics;
      s.format = g.format;
      s.score = g.score;
      nn::TrainConfig c;
      c.optimizer = g.optimizer;
      s.default_lr = c.default_lr();
      sweeps.push_back(std::move(s));
    }
    sweeps[it->second].points.push_back({g.lr, g.final_score});
  }
  std::vector<LrSweep> out;
  for (LrSweep& s : sweeps) {
    if (s.points.size() < 2) continue;
    std::sort(s.points.begin(), s.points.end(),
              [](const LrPoint& a, const LrPoint& b) { return a.lr < b.lr; });
    const LrPoint* best = nullptr;
    for (const LrPoint& p : s.points) {
      if (same_lr(p.lr, s.default_lr)) {
        s.default_in_grid = true;
        s.at_default = p.score;
      }
      if (p.score && (best == nullptr || s.score->better(p.score->mean, best->score->mean)))
        best = &p;
    }
    if (best == nullptr) continue;
    s.best = *best;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace lnslab::study
