#include "lnslab/nn/cgan_trainer.hpp"
#include "lnslab/nn/isa.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "lnslab/nn/cgan.hpp"
#include "lnslab/nn/checkpoint.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/init.hpp"

namespace lnslab::nn {
namespace {

// Streams of derive_seed (distinct from Trainer's, which they never meet in one run).
enum Stream : std::uint64_t {
  g_init_stream = 11,
  d_init_stream,
  g_attach_stream,
  d_attach_stream,
  shuffle_stream,
  latent_stream,
  g_step_stream,
  d_step_stream,
  score_stream,
  grid_stream,
};

constexpr std::string_view payload_tag = "lnslab-cgan";

TrainConfig resolved(TrainConfig c) {
  c.resolve();
  if (c.model.kind != "cgan")
    throw ConfigError("CganTrainer trains model cgan, not '" + c.model.kind + "'");
  return c;
}

int width_of(const TrainConfig& c) {
  return model_widths(c.model).at(0);
}

Matrix<float> normal_matrix(Eigen::Index rows, Eigen::Index cols, lns::Rng& rng) {
  Matrix<float> m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.normal());
  return m;
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void save_record(StateWriter& w, const EpochRecord& r) {
  w.u32(static_cast<std::uint32_t>(r.epoch));
  w.str(r.lr_note);
  for (double v : {r.lr, r.train_loss, r.train_accuracy, r.seconds, r.images_per_second}) w.f64(v);
  w.u64(r.metrics.size());
  for (const auto& [name, value] : r.metrics) {
    w.str(name);
    w.f64(value);
  }
}

EpochRecord load_record(StateReader& r) {
  EpochRecord rec;
  rec.epoch = static_cast<int>(r.u32("epoch"));
  rec.lr_note = r.str("lr note");
  for (double* v :
       {&rec.lr, &rec.train_loss, &rec.train_accuracy, &rec.seconds, &rec.images_per_second})
    *v = r.f64("epoch record");
  rec.test_loss = rec.test_accuracy = std::numeric_limits<double>::quiet_NaN();
  const std::uint64_t n = r.u64("metric count");
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string name = r.str("metric name");
    rec.metrics[name] = r.f64("metric value");
  }
  return rec;
}

}  // namespace

CganTrainer::CganTrainer(TrainConfig config, Dataset train, Dataset test, FeatureClassifier scorer)
    : config_(resolved(std::move(config))),
      train_(train.head(config_.train_limit)),
      test_(test.head(config_.test_limit)),
      scorer_(std::move(scorer)),
      generator_(build_cgan_generator<float>(train_.shape, train_.classes, width_of(config_))),
      discriminator_(
          build_cgan_discriminator<float>(train_.shape, train_.classes, width_of(config_))),
      g_optimizer_(make_optimizer(config_)),
      d_optimizer_(make_optimizer(config_)),
      schedule_(ScheduleSpec::parse(config_.schedule), config_.lr) {
  if (train_.size() == 0) throw DataError("the training set is empty");
  if (test_.shape != train_.shape || test_.classes != train_.classes)
    throw DataError("test set " + test_.name +
                    " differs from the training set in shape or classes");
  if (scorer_.input_shape() != train_.shape)
    throw DataError("the feature classifier takes " + scorer_.input_shape().str() +
                    " images, the data has " + train_.shape.str());
  fix_training_environment(*parse_isa(config_.isa));  // resolve() checked the name and the CPU
  lns::Rng g_init(derive_seed(config_.seed, g_init_stream, 0));
  initialize(generator_.params(), config_.init, g_init);
  lns::Rng d_init(derive_seed(config_.seed, d_init_stream, 0));
  initialize(discriminator_.params(), config_.init, d_init);
  lns::Rng g_attach(derive_seed(config_.seed, g_attach_stream, 0));
  g_optimizer_->attach(generator_.params(), g_attach);
  lns::Rng d_attach(derive_seed(config_.seed, d_attach_stream, 0));
  d_optimizer_->attach(discriminator_.params(), d_attach);

  // Real features: the first per_class test images of every class.
  per_class_ = std::min(score_per_class, smallest_class_count(test_));
  if (per_class_ < 2)
    throw DataError(
        fmt::format("test set {} has fewer than 2 images of some class (needed to fit "
                    "the Fréchet distance's Gaussians)",
                    test_.name));
  Matrix<float> real;
  balanced_subset(test_, per_class_, real, score_labels_);
  real_fit_ = fit_gaussian(scorer_.features(real));
  lns::Rng score_rng(derive_seed(config_.seed, score_stream, 0));
  score_z_ = normal_matrix(static_cast<Eigen::Index>(score_labels_.size()), cgan_latent, score_rng);
  lns::Rng grid_rng(derive_seed(config_.seed, grid_stream, 0));
  for (int c = 0; c < train_.classes; ++c)
    for (int j = 0; j < grid_per_class; ++j) grid_labels_.push_back(c);
  grid_z_ = normal_matrix(static_cast<Eigen::Index>(grid_labels_.size()), cgan_latent, grid_rng);
  const SampleScore s = score();
  initial_ = {{metric_frechet_distance, s.frechet_distance},
              {metric_sample_class_accuracy, s.class_accuracy}};
}

Matrix<float> CganTrainer::generate(const Matrix<float>& z, std::span<const int> labels) {
  return generator_.forward(cgan_generator_input(z, labels, train_.classes), Mode::eval);
}

Matrix<float> CganTrainer::grid_samples() {
  return generate(grid_z_, grid_labels_);
}

SampleScore CganTrainer::score() {
  return scorer_.score(generate(score_z_, score_labels_), score_labels_, real_fit_);
}

CganTrainer::StepResult CganTrainer::train_step(const Matrix<float>& x, std::span<const int> y,
                                                double lr) {
  const int classes = train_.classes;
  const Eigen::Index rows = x.rows();
  const auto n = static_cast<std::size_t>(rows);
  lns::Rng latent_rng(derive_seed(config_.seed, latent_stream, steps_));
  const Matrix<float> z = normal_matrix(rows, cgan_latent, latent_rng);
  // The generator's train-mode forward stays cached for its backward below.
  const Matrix<float> fake = generator_.forward(cgan_generator_input(z, y, classes), Mode::train);
  StepContext ctx;
  ctx.lr = lr;
  ctx.step = steps_;
  StepResult result;

  // Discriminator: real and generated rows in one batch (it has no batch norm, so this equals
  // two separate passes).
  Matrix<float> both(2 * rows, x.cols());
  both.topRows(rows) = x;
  both.bottomRows(rows) = fake;
  std::vector<int> both_labels(y.begin(), y.end());
  both_labels.insert(both_labels.end(), y.begin(), y.end());
  std::vector<bool> real(2 * n, false);
  std::fill(real.begin(), real.begin() + static_cast<std::ptrdiff_t>(n), true);
  Matrix<float> ds, dfake_in;
  result.discriminator_loss = gan_logistic_loss(
      discriminator_.forward(cgan_discriminator_input(both, both_labels, classes, train_.shape),
                             Mode::train),
      real, 1.0 / static_cast<double>(n), &ds, &result.discriminator_correct);
  discriminator_.backward(ds);
  lns::Rng d_step_rng(derive_seed(config_.seed, d_step_stream, steps_));
  ctx.rng = &d_step_rng;
  d_optimizer_->step(discriminator_.params(), ctx);

  // Generator: through the updated discriminator to the generated pixels.
  const std::vector<bool> want_real(n, true);
  result.generator_loss = gan_logistic_loss(
      discriminator_.forward(cgan_discriminator_input(fake, y, classes, train_.shape), Mode::train),
      want_real, 1.0 / static_cast<double>(n), &ds);
  discriminator_.backward(ds, dfake_in);
  const Matrix<float> dfake = dfake_in.leftCols(fake.cols());
  generator_.backward(dfake);
  lns::Rng g_step_rng(derive_seed(config_.seed, g_step_stream, steps_));
  ctx.rng = &g_step_rng;
  g_optimizer_->step(generator_.params(), ctx);
  ++steps_;
  return result;
}

void CganTrainer::set_backend(MatmulBackend<float>& backend) {
  generator_.set_backend(backend);
  discriminator_.set_backend(backend);
}

EpochRecord CganTrainer::run_epoch(const std::function<void(const BatchProgress&)>& progress) {
  const int epoch = completed_ + 1;
  const auto start = Clock::now();
  lns::Rng shuffle_rng(
      derive_seed(config_.seed, shuffle_stream, static_cast<std::uint64_t>(epoch)));
  const auto order = shuffled_order(train_.size(), shuffle_rng);
  const auto batch = static_cast<std::size_t>(config_.batch);
  const std::size_t batches = (train_.size() + batch - 1) / batch;

  Matrix<float> x;
  std::vector<int> y;
  double d_loss_sum = 0.0, g_loss_sum = 0.0;
  std::size_t d_correct = 0, seen = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t first = b * batch;
    const std::size_t n = std::min(batch, train_.size() - first);
    train_.gather(order, first, n, x, y);
    const double lr =
        schedule_.lr(epoch, static_cast<std::int64_t>(b), static_cast<std::int64_t>(batches));
    const StepResult r = train_step(x, y, lr);
    const double d_loss = r.discriminator_loss, g_loss = r.generator_loss;
    const int correct = r.discriminator_correct;
    d_loss_sum += d_loss * static_cast<double>(n);
    g_loss_sum += g_loss * static_cast<double>(n);
    d_correct += static_cast<std::size_t>(correct);
    seen += n;
    if (progress)
      progress(BatchProgress::after(epoch, b + 1, batches, d_loss_sum / static_cast<double>(seen),
                                    static_cast<double>(d_correct) / static_cast<double>(2 * seen),
                                    seen, train_.size(), seconds_since(start)));
  }
  const double train_seconds = seconds_since(start);

  EpochRecord rec;
  rec.epoch = epoch;
  rec.lr = schedule_.lr(epoch, static_cast<std::int64_t>(batches) - 1,
                        static_cast<std::int64_t>(batches));
  rec.lr_note = g_optimizer_->describe_lr(rec.lr);
  rec.train_loss = d_loss_sum / static_cast<double>(seen);
  rec.train_accuracy = static_cast<double>(d_correct) / static_cast<double>(2 * seen);
  rec.test_loss = rec.test_accuracy = std::numeric_limits<double>::quiet_NaN();
  const SampleScore s = score();
  rec.metrics = {{metric_generator_loss, g_loss_sum / static_cast<double>(seen)},
                 {metric_frechet_distance, s.frechet_distance},
                 {metric_sample_class_accuracy, s.class_accuracy}};
  rec.images_per_second = train_seconds > 0 ? static_cast<double>(seen) / train_seconds : 0.0;
  rec.seconds = seconds_since(start);
  schedule_.end_epoch(epoch, rec.train_loss);
  completed_ = epoch;
  history_.push_back(rec);
  return rec;
}

void CganTrainer::run(const std::function<void(const BatchProgress&)>& progress,
                      const std::function<void(const EpochRecord&)>& epoch_end) {
  while (completed_ < config_.epochs) {
    const EpochRecord rec = run_epoch(progress);
    if (epoch_end) epoch_end(rec);
  }
}

std::string CganTrainer::checkpoint() const {
  StateWriter w;
  w.str(payload_tag);
  w.str(to_json(config_).dump());
  w.str(scorer_.checkpoint_hash());
  w.u32(static_cast<std::uint32_t>(completed_));
  w.u64(steps_);
  w.floats(generator_.params().values());
  w.floats(discriminator_.params().values());
  g_optimizer_->save(w);
  d_optimizer_->save(w);
  schedule_.save(w);
  w.u64(history_.size());
  for (const EpochRecord& r : history_) save_record(w, r);
  return pack_checkpoint(w.bytes());
}

bool CganTrainer::is_checkpoint(std::string_view file) {
  try {
    StateReader r(unpack_checkpoint(file));
    return r.str("tag") == payload_tag;
  } catch (const CheckpointError&) {
    return false;
  }
}

TrainConfig CganTrainer::checkpoint_config(std::string_view file) {
  return checkpoint_settings(file, payload_tag);
}

void CganTrainer::restore(std::string_view file) {
  StateReader r(unpack_checkpoint(file));
  r.expect(payload_tag);
  nlohmann::json stored;
  try {
    stored = nlohmann::json::parse(r.str("settings"));
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(std::string("checkpoint settings are not valid JSON: ") + e.what());
  }
  if (!stored.is_object()) throw CheckpointError("checkpoint settings are not a JSON object");
  stored.erase("epochs");
  nlohmann::json mine = to_json(config_);
  mine.erase("epochs");
  for (const auto& [key, value] : mine.items())
    if (!stored.contains(key) || stored[key] != value)
      throw CheckpointError(fmt::format("checkpoint was made with {} = {}, this run has {}", key,
                                        stored.contains(key) ? stored[key].dump() : "(unset)",
                                        value.dump()));
  const std::string hash = r.str("feature classifier hash");
  if (hash != scorer_.checkpoint_hash())
    throw CheckpointError(fmt::format(
        "checkpoint was scored with the feature classifier {}, this run's is {} ({}); scores "
        "would not be comparable",
        hash, scorer_.checkpoint_hash(), scorer_.checkpoint_path().string()));
  const auto completed = static_cast<int>(r.u32("completed epochs"));
  const std::uint64_t steps = r.u64("steps");
  r.floats_into(generator_.params().values(), "generator parameters");
  r.floats_into(discriminator_.params().values(), "discriminator parameters");
  g_optimizer_->load(r);
  d_optimizer_->load(r);
  schedule_.load(r);
  const std::uint64_t n = r.u64("history size");
  std::vector<EpochRecord> history;
  for (std::uint64_t i = 0; i < n; ++i) history.push_back(load_record(r));
  if (!r.done()) throw CheckpointError("checkpoint has unread bytes after its last section");
  if (history.size() != static_cast<std::size_t>(completed))
    throw CheckpointError("checkpoint history does not match its epoch count");
  completed_ = completed;
  steps_ = steps;
  history_ = std::move(history);
}

RunRecord make_run_record(const CganTrainer& trainer, Provenance provenance, double wall_seconds) {
  RunRecord r;
  r.settings = trainer.config();
  r.provenance = std::move(provenance);
  r.data = {trainer.train_set().name,   trainer.test_set().name,
            trainer.train_set().size(), 0,
            trainer.test_set().size(),  std::nullopt};
  r.trainable_parameters = trainer.generator().params().trainable_size() +
                           trainer.discriminator().params().trainable_size();
  r.storage = trainer.config().lns_weights() ? trainer.config().format : std::string("fp32");
  r.epochs = trainer.history();
  r.completed_epochs = trainer.completed_epochs();
  r.steps = trainer.steps();
  r.wall_seconds_this_invocation = wall_seconds;
  r.initial_metrics = trainer.initial_metrics();
  const FeatureClassifier& s = trainer.scorer();
  r.scorer = {{"feature_classifier_hash", s.checkpoint_hash()},
              {"feature_classifier_file", s.checkpoint_path().filename().string()},
              {"feature_classifier_test_accuracy", fmt::format("{:.4f}", s.test_accuracy())},
              {"features", std::to_string(s.feature_size())},
              {"samples_per_class", std::to_string(trainer.scored_per_class())}};
  return r;
}

}  // namespace lnslab::nn
