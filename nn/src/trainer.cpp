#include "lnslab/nn/trainer.hpp"

#include <fmt/format.h>
#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "lnslab/nn/checkpoint.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/init.hpp"
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/loss.hpp"
#include "lnslab/nn/models.hpp"

namespace lnslab::nn {

namespace {

enum Stream : std::uint64_t {
  init_stream = 1,
  attach_stream,
  split_stream,
  shuffle_stream,
  step_stream
};

TrainConfig resolved(TrainConfig c) {
  c.resolve();
  return c;
}

void fix_float_environment(const TrainConfig& c) {
  fix_training_environment(*parse_isa(c.isa));  // resolve() checked the name and the CPU
}

Network<float> build_for(const TrainConfig& c, const Dataset& train) {
  fix_float_environment(c);
  if (c.model.kind == "transformer")
    throw ConfigError("model transformer trains on text (a TextCorpus), not on labelled images");
  return build_model<float>(c.model, train.shape, train.classes);
}

Network<float> build_text_model(const TrainConfig& c) {
  fix_float_environment(c);
  if (c.model.kind != "transformer")
    throw ConfigError("model '" + c.model.kind + "' trains on labelled images, not on text");
  return build_model<float>(c.model, Shape{c.model.transformer.context, 1, 1}, byte_vocabulary);
}

void check_compatible(const Dataset& d, const Dataset& train, const char* what) {
  if (d.shape != train.shape || d.classes != train.classes)
    throw DataError(
        fmt::format("{} set {} has samples {} with {} classes, the training set {} "
                    "with {} (expected the same)",
                    what, d.name, d.shape.str(), d.classes, train.shape.str(), train.classes));
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

constexpr std::string_view payload_tag = "lnslab-train";

}  // namespace

BatchProgress BatchProgress::after(int epoch, std::size_t batch, std::size_t batches, double loss,
                                   double accuracy, std::size_t seen, std::size_t total,
                                   double seconds) {
  BatchProgress p;
  p.epoch = epoch;
  p.batch = batch;
  p.batches = batches;
  p.loss = loss;
  p.accuracy = accuracy;
  p.images_per_second = seconds > 0 ? static_cast<double>(seen) / seconds : 0.0;
  p.eta_seconds =
      p.images_per_second > 0 ? static_cast<double>(total - seen) / p.images_per_second : 0.0;
  return p;
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  auto mix = [](std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(seed) ^ stream) ^ index);
}

Trainer::Trainer(TrainConfig config, Dataset train, Dataset test)
    : config_(resolved(std::move(config))),
      train_(std::move(train).head(config_.train_limit)),
      test_(std::move(test).head(config_.test_limit)),
      network_(build_for(config_, train_)),
      optimizer_(make_optimizer(config_)),
      schedule_(ScheduleSpec::parse(config_.schedule), config_.lr) {
  if (train_.size() == 0) throw DataError("the training set is empty");
  check_compatible(test_, train_, "test");
  if (config_.validation > 0.0)
    validation_ =
        split_validation(train_, config_.validation, derive_seed(config_.seed, split_stream, 0));
  setup();
}

Trainer::Trainer(TrainConfig config, TextCorpus corpus)
    : config_(resolved(std::move(config))),
      network_(build_text_model(config_)),
      optimizer_(make_optimizer(config_)),
      schedule_(ScheduleSpec::parse(config_.schedule), config_.lr),
      corpus_(std::make_unique<TextCorpus>(std::move(corpus))) {
  const auto context = static_cast<std::size_t>(config_.model.transformer.context);
  for (const auto* part : {&corpus_->train, &corpus_->validation})
    if (part->size() <= context)
      throw DataError(fmt::format(
          "{}: the {} text has {} characters, not more than the context of {} (expected a "
          "longer corpus or a shorter --context)",
          corpus_->name, part == &corpus_->train ? "training" : "validation", part->size(),
          context));
  setup();
}

void Trainer::setup() {
  lns::Rng init_rng(derive_seed(config_.seed, init_stream, 0));
  initialize(network_.params(), config_.init, init_rng);
  lns::Rng attach_rng(derive_seed(config_.seed, attach_stream, 0));
  optimizer_->attach(network_.params(), attach_rng);
  if (config_.numerics == "lns-full") {
    sim::Config acc;
    try {
      acc = sim::load_config(config_.accelerator);
    } catch (const std::exception& e) {
      throw ConfigError(std::string("--accelerator: ") + e.what());
    }
    if (!acc.pe.format) throw ConfigError("--accelerator: '" + acc.name + "' has no LNS format");
    // The update unit computes this run's optimizer (a config naming another rule contradicts it).
    const sim::UpdateRule rule = update_rule(config_);
    if (acc.update.rule && !(*acc.update.rule == rule))
      throw ConfigError("--accelerator: '" + acc.name + "' has the update rule '" +
                        acc.update.rule->name + "', this run trains with '" + config_.optimizer +
                        "' (leave [update] rule out to take the run's)");
    acc.update.rule = rule;
    auto format_or = [&](const std::string& spec) {
      try {
        return spec.empty() ? *acc.pe.format : lns::Format::parse(spec);
      } catch (const lns::FormatError& e) {
        throw ConfigError(e.what());
      }
    };
    lns_ = std::make_unique<LnsMatmul>(acc, format_or(config_.weight_gemm_format),
                                       format_or(config_.activation_format),
                                       format_or(config_.gradient_format));
    network_.set_backend(*lns_);
  }
}

Evaluation Trainer::evaluate(const Dataset& data) {
  Evaluation e;
  if (data.size() == 0) return e;
  std::vector<std::size_t> order(data.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  Matrix<float> x;
  std::vector<int> y;
  double loss = 0.0;
  std::size_t correct = 0;
  constexpr std::size_t chunk = 1000;
  for (std::size_t first = 0; first < data.size(); first += chunk) {
    const std::size_t n = std::min(chunk, data.size() - first);
    data.gather(order, first, n, x, y);
    const auto r = softmax_cross_entropy<float>(network_.forward(x, Mode::eval), y, nullptr);
    loss += r.loss * static_cast<double>(n);
    correct += static_cast<std::size_t>(r.correct);
  }
  if (lns_) lns_->discard();  // evaluation is not part of a training step's cost
  e.loss = loss / static_cast<double>(data.size());
  e.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  return e;
}

Evaluation Trainer::evaluate_text(const std::vector<std::uint8_t>& text) {
  Evaluation e;
  const int context = config_.model.transformer.context;
  const std::size_t windows = tiled_window_count(text, context);
  if (windows == 0) return e;
  Matrix<float> x;
  std::vector<int> y;
  double loss = 0.0;
  std::size_t correct = 0;
  constexpr std::size_t chunk = 64;
  for (std::size_t first = 0; first < windows; first += chunk) {
    const std::size_t n = std::min(chunk, windows - first);
    tiled_windows(text, context, first, n, x, y);
    const auto r =
        sequence_cross_entropy<float>(network_.forward(x, Mode::eval), context, y, nullptr);
    loss += r.loss * static_cast<double>(y.size());
    correct += static_cast<std::size_t>(r.correct);
  }
  if (lns_) lns_->discard();
  const double predictions = static_cast<double>(windows) * context;
  e.loss = loss / predictions;
  e.accuracy = static_cast<double>(correct) / predictions;
  return e;
}

EpochRecord Trainer::run_text_epoch(const std::function<void(const BatchProgress&)>& progress) {
  const int epoch = completed_ + 1;
  const auto start = Clock::now();
  const int context = config_.model.transformer.context;
  lns::Rng window_rng(derive_seed(config_.seed, shuffle_stream, static_cast<std::uint64_t>(epoch)));
  const std::size_t windows =
      std::max<std::size_t>(1, corpus_->train.size() / static_cast<std::size_t>(context));
  const auto batch = static_cast<std::size_t>(config_.batch);
  const std::size_t batches = (windows + batch - 1) / batch;

  Matrix<float> x, dlogits;
  std::vector<int> y;
  double loss_sum = 0.0;
  std::size_t correct = 0, seen = 0, predicted = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t n = std::min(batch, windows - b * batch);
    random_windows(corpus_->train, context, n, window_rng, x, y);
    const auto r =
        sequence_cross_entropy<float>(network_.forward(x, Mode::train), context, y, &dlogits);
    network_.backward(dlogits);
    lns::Rng step_rng(derive_seed(config_.seed, step_stream, steps_));
    StepContext ctx;
    ctx.lr = schedule_.lr(epoch, static_cast<std::int64_t>(b), static_cast<std::int64_t>(batches));
    ctx.step = steps_;
    ctx.rng = &step_rng;
    optimizer_->step(network_.params(), ctx);
    if (lns_) lns_->close_step(static_cast<std::int64_t>(network_.params().trainable_size()));
    ++steps_;
    loss_sum += r.loss * static_cast<double>(y.size());
    correct += static_cast<std::size_t>(r.correct);
    seen += n;
    predicted += y.size();
    if (progress)
      progress(BatchProgress::after(epoch, b + 1, batches,
                                    loss_sum / static_cast<double>(predicted),
                                    static_cast<double>(correct) / static_cast<double>(predicted),
                                    seen, windows, seconds_since(start)));
  }
  const double train_seconds = seconds_since(start);

  EpochRecord rec;
  rec.epoch = epoch;
  rec.lr = schedule_.lr(epoch, static_cast<std::int64_t>(batches) - 1,
                        static_cast<std::int64_t>(batches));
  rec.lr_note = optimizer_->describe_lr(rec.lr);
  rec.train_loss = loss_sum / static_cast<double>(predicted);
  rec.train_accuracy = static_cast<double>(correct) / static_cast<double>(predicted);
  const Evaluation v = evaluate_text(corpus_->validation);
  rec.val_loss = v.loss;
  rec.val_accuracy = v.accuracy;
  rec.test_loss = std::numeric_limits<double>::quiet_NaN();
  rec.test_accuracy = std::numeric_limits<double>::quiet_NaN();
  rec.images_per_second = train_seconds > 0 ? static_cast<double>(seen) / train_seconds : 0.0;
  rec.seconds = seconds_since(start);
  schedule_.end_epoch(epoch, rec.val_loss);
  completed_ = epoch;
  history_.push_back(rec);
  return rec;
}

EpochRecord Trainer::run_epoch(const std::function<void(const BatchProgress&)>& progress) {
  if (corpus_) return run_text_epoch(progress);
  const int epoch = completed_ + 1;
  const auto start = Clock::now();
  lns::Rng shuffle_rng(
      derive_seed(config_.seed, shuffle_stream, static_cast<std::uint64_t>(epoch)));
  const auto order = shuffled_order(train_.size(), shuffle_rng);
  const auto batch = static_cast<std::size_t>(config_.batch);
  const std::size_t batches = (train_.size() + batch - 1) / batch;

  Matrix<float> x, dlogits;
  std::vector<int> y;
  double loss_sum = 0.0;
  std::size_t correct = 0, seen = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t first = b * batch;
    const std::size_t n = std::min(batch, train_.size() - first);
    StepSums sums;
    if (config_.micro_batches == 1 && group().size() == 1) {
      train_.gather(order, first, n, x, y);
      const auto r = softmax_cross_entropy<float>(network_.forward(x, Mode::train), y, &dlogits);
      network_.backward(dlogits);
      sums = {r.loss * static_cast<double>(n), static_cast<std::size_t>(r.correct)};
    } else {
      sums = micro_batch_pass(order, first, n);
    }
    lns::Rng step_rng(derive_seed(config_.seed, step_stream, steps_));
    StepContext ctx;
    ctx.lr = schedule_.lr(epoch, static_cast<std::int64_t>(b), static_cast<std::int64_t>(batches));
    ctx.step = steps_;
    ctx.rng = &step_rng;
    optimizer_->step(network_.params(), ctx);
    // One process of a group accounts the update (the others' share of the step is products).
    if (lns_)
      lns_->close_step(
          group().rank() == 0 ? static_cast<std::int64_t>(network_.params().trainable_size()) : 0);
    ++steps_;
    loss_sum += sums.loss;
    correct += sums.correct;
    seen += n;
    if (progress)
      progress(BatchProgress::after(epoch, b + 1, batches, loss_sum / static_cast<double>(seen),
                                    static_cast<double>(correct) / static_cast<double>(seen), seen,
                                    train_.size(), seconds_since(start)));
  }
  const double train_seconds = seconds_since(start);
  if (lns_ && group().size() > 1) {
    const SimulatedSteps& mine = lns_->totals();
    std::vector<double> sum{mine.cycles, mine.energy_pj};
    group().all_sum(sum);
    group_totals_ = mine;
    group_totals_.cycles = sum[0];
    group_totals_.energy_pj = sum[1];
  }

  EpochRecord rec;
  rec.epoch = epoch;
  rec.lr = schedule_.lr(epoch, static_cast<std::int64_t>(batches) - 1,
                        static_cast<std::int64_t>(batches));
  rec.lr_note = optimizer_->describe_lr(rec.lr);
  rec.train_loss = loss_sum / static_cast<double>(seen);
  rec.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
  if (validation_.size() > 0) {
    const Evaluation v = evaluate(validation_);
    rec.val_loss = v.loss;
    rec.val_accuracy = v.accuracy;
  }
  const Evaluation t = evaluate(test_);
  rec.test_loss = t.loss;
  rec.test_accuracy = t.accuracy;
  rec.images_per_second = train_seconds > 0 ? static_cast<double>(seen) / train_seconds : 0.0;
  rec.seconds = seconds_since(start);
  schedule_.end_epoch(epoch, validation_.size() > 0 ? rec.val_loss : rec.train_loss);
  completed_ = epoch;
  history_.push_back(rec);
  return rec;
}

const SimulatedSteps* Trainer::simulated() const {
  if (!lns_) return nullptr;
  return group().size() > 1 ? &group_totals_ : &lns_->totals();
}

void Trainer::share_micro_batches(MicroBatchGroup& ranks) {
  if (ranks.size() < 1 || config_.micro_batches % ranks.size() != 0)
    throw ConfigError(
        fmt::format("micro-batches {} cannot be shared by {} processes (the process "
                    "count must divide the micro-batch count)",
                    config_.micro_batches, ranks.size()));
  shared_ = &ranks;
}

MicroBatchGroup& Trainer::group() const {
  static SingleProcess alone;
  return shared_ ? *shared_ : alone;
}

std::size_t Trainer::micro_batch_bytes() const {
  const std::size_t running = network_.params().total_size() - network_.params().trainable_size();
  return 2 * sizeof(double) + (network_.params().total_size() + running) * sizeof(float);
}

Trainer::StepSums Trainer::micro_batch_pass(const std::vector<std::size_t>& order,
                                            std::size_t first, std::size_t n) {
  ParamStore<float>& params = network_.params();
  if (running_stats_.empty())
    for (const ParamInfo& info : params.infos())
      if (!info.trainable)
        for (std::size_t i = 0; i < info.size; ++i) running_stats_.push_back(info.offset + i);
  const int parts = config_.micro_batches;
  const int mine = parts / group().size();
  const std::size_t block = micro_batch_bytes();
  const std::span<float> values = params.values();
  const std::span<float> grads = params.grads();
  std::vector<float> running_before(running_stats_.size()), running(running_stats_.size());
  for (std::size_t i = 0; i < running_stats_.size(); ++i)
    running_before[i] = values[running_stats_[i]];

  // Block of one part: loss sum, correct count (doubles), gradient, running statistics (floats).
  std::vector<std::byte> my_blocks(block * static_cast<std::size_t>(mine));
  Matrix<float> x, dlogits;
  std::vector<int> y;
  for (int j = 0; j < mine; ++j) {
    const MicroBatch part = micro_batch(n, parts, group().rank() * mine + j);
    std::byte* b = my_blocks.data() + block * static_cast<std::size_t>(j);
    double sums[2] = {0.0, 0.0};
    for (std::size_t i = 0; i < running_stats_.size(); ++i)
      values[running_stats_[i]] = running_before[i];
    if (part.size > 0) {
      train_.gather(order, first + part.offset, part.size, x, y);
      const auto r = softmax_cross_entropy<float>(network_.forward(x, Mode::train), y, &dlogits);
      network_.backward(dlogits);
      sums[0] = r.loss * static_cast<double>(part.size);
      sums[1] = r.correct;
      for (std::size_t i = 0; i < running_stats_.size(); ++i)
        running[i] = values[running_stats_[i]];
    } else {
      std::fill(grads.begin(), grads.end(), 0.0f);
      std::fill(running.begin(), running.end(), 0.0f);
    }
    std::memcpy(b, sums, sizeof sums);
    std::memcpy(b + sizeof sums, grads.data(), grads.size_bytes());
    std::memcpy(b + sizeof sums + grads.size_bytes(), running.data(),
                running.size() * sizeof(float));
  }
  std::vector<std::byte> all(block * static_cast<std::size_t>(parts));
  group().all_gather(my_blocks, all);

  // The step's gradient and statistics, in part order whichever process computed each part.
  StepSums out;
  std::fill(grads.begin(), grads.end(), 0.0f);
  std::fill(running.begin(), running.end(), 0.0f);
  std::vector<float> part_grads(grads.size()), part_running(running.size());
  int nonempty = 0;
  for (int k = 0; k < parts; ++k) {
    const MicroBatch part = micro_batch(n, parts, k);
    if (part.size == 0) continue;
    const std::byte* b = all.data() + block * static_cast<std::size_t>(k);
    double sums[2];
    std::memcpy(sums, b, sizeof sums);
    std::memcpy(part_grads.data(), b + sizeof sums, grads.size_bytes());
    std::memcpy(part_running.data(), b + sizeof sums + grads.size_bytes(),
                running.size() * sizeof(float));
    const float share = static_cast<float>(part.size) / static_cast<float>(n);
    for (std::size_t i = 0; i < grads.size(); ++i) grads[i] += share * part_grads[i];
    for (std::size_t i = 0; i < running.size(); ++i) running[i] += part_running[i];
    out.loss += sums[0];
    out.correct += static_cast<std::size_t>(sums[1]);
    ++nonempty;
  }
  for (std::size_t i = 0; i < running_stats_.size(); ++i)
    values[running_stats_[i]] = running[i] / static_cast<float>(nonempty);
  return out;
}

void Trainer::run(const std::function<void(const BatchProgress&)>& progress,
                  const std::function<void(const EpochRecord&)>& epoch_end) {
  while (completed_ < config_.epochs) {
    const EpochRecord rec = run_epoch(progress);
    if (epoch_end) epoch_end(rec);
  }
}

namespace {
nlohmann::json comparable(const TrainConfig& c) {
  nlohmann::json j = to_json(c);
  j.erase("epochs");
  return j;
}
}  // namespace

std::string Trainer::checkpoint() const {
  StateWriter w;
  w.str(payload_tag);
  w.str(to_json(config_).dump());
  w.u32(static_cast<std::uint32_t>(completed_));
  w.u64(steps_);
  w.floats(network_.params().values());
  optimizer_->save(w);
  schedule_.save(w);
  w.u64(history_.size());
  for (const EpochRecord& r : history_) {
    w.u32(static_cast<std::uint32_t>(r.epoch));
    w.str(r.lr_note);
    for (double v : {r.lr, r.train_loss, r.train_accuracy, r.val_loss, r.val_accuracy, r.test_loss,
                     r.test_accuracy, r.seconds, r.images_per_second})
      w.f64(v);
  }
  return pack_checkpoint(w.bytes());
}

TrainConfig Trainer::checkpoint_config(std::string_view file) {
  return checkpoint_settings(file, payload_tag);
}

void Trainer::checkpoint_parameters(std::string_view file, std::span<float> values) {
  StateReader r(unpack_checkpoint(file));
  r.expect(payload_tag);
  (void)r.str("settings");
  (void)r.u32("completed epochs");
  (void)r.u64("steps");
  r.floats_into(values, "parameters");
}

void Trainer::restore(std::string_view file) {
  StateReader r(unpack_checkpoint(file));
  r.expect(payload_tag);
  const std::string text = r.str("settings");
  nlohmann::json stored;
  try {
    stored = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(std::string("checkpoint settings are not valid JSON: ") + e.what());
  }
  if (!stored.is_object()) throw CheckpointError("checkpoint settings are not a JSON object");
  stored.erase("epochs");
  // Checkpoints from before the per-ISA float products were made at the base flags (portable).
  if (!stored.contains("isa")) stored["isa"] = "portable";
  const nlohmann::json mine = comparable(config_);
  for (const auto& [key, value] : mine.items()) {
    if (!stored.contains(key) || stored[key] != value)
      throw CheckpointError(fmt::format("checkpoint was made with {} = {}, this run has {}", key,
                                        stored.contains(key) ? stored[key].dump() : "(unset)",
                                        value.dump()));
  }
  const auto completed = static_cast<int>(r.u32("completed epochs"));
  const std::uint64_t steps = r.u64("steps");
  r.floats_into(network_.params().values(), "parameters");
  optimizer_->load(r);
  schedule_.load(r);
  const std::uint64_t n = r.u64("history size");
  std::vector<EpochRecord> history;
  for (std::uint64_t i = 0; i < n; ++i) {
    EpochRecord rec;
    rec.epoch = static_cast<int>(r.u32("epoch"));
    rec.lr_note = r.str("lr note");
    for (double* v :
         {&rec.lr, &rec.train_loss, &rec.train_accuracy, &rec.val_loss, &rec.val_accuracy,
          &rec.test_loss, &rec.test_accuracy, &rec.seconds, &rec.images_per_second})
      *v = r.f64("epoch record");
    history.push_back(rec);
  }
  if (!r.done()) throw CheckpointError("checkpoint has unread bytes after its last section");
  if (history.size() != static_cast<std::size_t>(completed))
    throw CheckpointError("checkpoint history does not match its epoch count");
  completed_ = completed;
  steps_ = steps;
  history_ = std::move(history);
}

}  // namespace lnslab::nn
