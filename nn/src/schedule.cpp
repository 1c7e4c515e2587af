#include "lnslab/nn/schedule.hpp"

#include <fmt/format.h>
#include <charconv>
#include <cmath>

#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {

namespace {
[[noreturn]] void bad(std::string_view text, std::string_view item, std::string_view why) {
  throw ConfigError(
      fmt::format("schedule '{}': item '{}' {}; expected 'none' or comma-separated "
                  "step=E, plateau=P, factor=F, warmup=W",
                  text, item, why));
}

int parse_int(std::string_view text, std::string_view item, std::string_view value, int min) {
  int v = 0;
  const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size() || v < min)
    bad(text, item, fmt::format("needs an integer >= {}", min));
  return v;
}
}  // namespace

ScheduleSpec ScheduleSpec::parse(std::string_view text) {
  ScheduleSpec spec;
  if (text.empty() || text == "none" || text == "constant") return spec;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(start, end - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) bad(text, item, "is not key=value");
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "step") {
      spec.step_epochs.push_back(parse_int(text, item, value, 1));
    } else if (key == "plateau") {
      spec.plateau_patience = parse_int(text, item, value, 0);
    } else if (key == "warmup") {
      spec.warmup_epochs = parse_int(text, item, value, 0);
    } else if (key == "factor") {
      double f = 0.0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), f);
      if (ec != std::errc() || p != value.data() + value.size() || !(f > 0.0) || !(f <= 1.0))
        bad(text, item, "needs a number in (0, 1]");
      spec.factor = f;
    } else {
      bad(text, item, "has an unknown key");
    }
    start = end + 1;
  }
  return spec;
}

std::string ScheduleSpec::str() const {
  std::string s;
  auto add = [&](const std::string& item) { s += (s.empty() ? "" : ",") + item; };
  if (warmup_epochs > 0) add(fmt::format("warmup={}", warmup_epochs));
  for (int e : step_epochs) add(fmt::format("step={}", e));
  if (plateau_patience >= 0) add(fmt::format("plateau={}", plateau_patience));
  if (!s.empty() && factor != 0.1) add(fmt::format("factor={}", factor));
  return s.empty() ? "none" : s;
}

LrSchedule::LrSchedule(ScheduleSpec spec, double base_lr)
    : spec_(std::move(spec)), base_lr_(base_lr) {}

double LrSchedule::epoch_lr(int epoch) const {
  double lr = base_lr_ * plateau_scale_;
  for (int e : spec_.step_epochs)
    if (epoch > e) lr *= spec_.factor;
  return lr;
}

double LrSchedule::lr(int epoch, std::int64_t step_in_epoch, std::int64_t steps_per_epoch) const {
  double lr = epoch_lr(epoch);
  if (spec_.warmup_epochs > 0 && epoch <= spec_.warmup_epochs) {
    const double done = static_cast<double>((epoch - 1) * steps_per_epoch + step_in_epoch + 1);
    lr *= done / static_cast<double>(spec_.warmup_epochs * steps_per_epoch);
  }
  return lr;
}

void LrSchedule::end_epoch(int /*epoch*/, double monitored_loss) {
  if (spec_.plateau_patience < 0) return;
  if (!has_best_ || monitored_loss < best_ * (1.0 - 1e-4)) {
    best_ = monitored_loss;
    has_best_ = true;
    bad_epochs_ = 0;
    return;
  }
  if (++bad_epochs_ > spec_.plateau_patience) {
    plateau_scale_ *= spec_.factor;
    bad_epochs_ = 0;
  }
}

void LrSchedule::save(StateWriter& out) const {
  out.str("schedule");
  out.f64(plateau_scale_);
  out.f64(best_);
  out.u32(has_best_ ? 1u : 0u);
  out.u32(static_cast<std::uint32_t>(bad_epochs_));
}

void LrSchedule::load(StateReader& in) {
  in.expect("schedule");
  plateau_scale_ = in.f64("schedule plateau scale");
  best_ = in.f64("schedule best loss");
  has_best_ = in.u32("schedule has best") != 0;
  bad_epochs_ = static_cast<int>(in.u32("schedule bad epochs"));
}

}  // namespace lnslab::nn
