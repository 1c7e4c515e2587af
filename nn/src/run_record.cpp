#include "lnslab/nn/run_record.hpp"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {
namespace {

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

double number_or_nan(const nlohmann::json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

}  // namespace

std::optional<double> RunRecord::final_test_accuracy() const {
  if (epochs.empty() || std::isnan(epochs.back().test_accuracy)) return std::nullopt;
  return epochs.back().test_accuracy;
}

std::optional<double> RunRecord::final_val_bits_per_char() const {
  if (epochs.empty() || !data.text || !std::isfinite(epochs.back().val_loss)) return std::nullopt;
  return bits_per_char(epochs.back().val_loss);
}

RunRecord make_run_record(const Trainer& trainer, Provenance provenance, double wall_seconds) {
  RunRecord r;
  r.settings = trainer.config();
  r.provenance = std::move(provenance);
  if (const TextCorpus* c = trainer.corpus()) {
    const auto context = static_cast<std::size_t>(trainer.config().model.transformer.context);
    r.data = {c->name,
              "",
              c->train.size() / context,
              tiled_window_count(c->validation, static_cast<int>(context)),
              0,
              std::nullopt};
    r.data.text = TextSummary{c->files,
                              c->train.size(),
                              c->validation.size(),
                              c->train_documents,
                              c->validation_documents,
                              bits_per_char(unigram_cross_entropy(c->train, c->validation))};
  } else {
    r.data = {trainer.train_set().name,   trainer.test_set().name,
              trainer.train_set().size(), trainer.validation_set().size(),
              trainer.test_set().size(),  std::nullopt};
  }
  r.trainable_parameters = trainer.network().params().trainable_size();
  r.storage = trainer.config().lns_weights() ? trainer.config().format : std::string("fp32");
  r.epochs = trainer.history();
  r.completed_epochs = trainer.completed_epochs();
  r.steps = trainer.steps();
  r.wall_seconds_this_invocation = wall_seconds;
  if (const SimulatedSteps* s = trainer.simulated())
    r.simulated =
        SimulatedSummary{s->accelerator, s->steps, s->cycles_per_step(), s->energy_pj_per_step()};
  return r;
}

nlohmann::json to_json(const RunRecord& r) {
  nlohmann::json j;
  j["settings"] = to_json(r.settings);
  j["seed"] = r.settings.seed;
  const Provenance& p = r.provenance;
  j["provenance"] = {
      {"lnslab_version", p.lnslab_version},
      {"git_revision", p.git_revision},
      {"compiler", p.compiler},
      {"build_type", p.build_type},
      {"flags", p.flags},
      {"threads", p.threads},
      {"machine", {{"cpu", p.cpu}, {"hardware_threads", p.hardware_threads}}},
  };
  j["data"] = {{"train", r.data.train},
               {"train_images", r.data.train_images},
               {"validation_images", r.data.validation_images},
               {"test", r.data.test},
               {"test_images", r.data.test_images}};
  if (const auto& t = r.data.text)
    j["data"]["text"] = {{"files", t->files},
                         {"train_characters", t->train_characters},
                         {"validation_characters", t->validation_characters},
                         {"train_documents", t->train_documents},
                         {"validation_documents", t->validation_documents},
                         {"unigram_val_bits_per_char", t->unigram_val_bits_per_char}};
  j["parameters"] = {{"trainable", r.trainable_parameters}, {"storage", r.storage}};
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochRecord& e : r.epochs) {
    epochs.push_back({{"epoch", e.epoch},
                      {"lr", e.lr},
                      {"lr_note", e.lr_note},
                      {"train_loss", e.train_loss},
                      {"train_accuracy", e.train_accuracy},
                      {"val_loss", number_or_null(e.val_loss)},
                      {"val_accuracy", number_or_null(e.val_accuracy)},
                      {"test_loss", number_or_null(e.test_loss)},
                      {"test_accuracy", number_or_null(e.test_accuracy)},
                      {"seconds", e.seconds},
                      {"images_per_second", e.images_per_second}});
    // A language model's losses (nats per character) in the units it is read in; derived, not
    // read back.
    if (r.data.text) {
      auto& x = epochs.back();
      x["train_bits_per_char"] = bits_per_char(e.train_loss);
      x["val_bits_per_char"] = number_or_null(bits_per_char(e.val_loss));
      x["val_perplexity_per_char"] = number_or_null(std::exp(e.val_loss));
      x["tokens_per_second"] = e.images_per_second * r.settings.model.transformer.context;
    }
    if (!e.metrics.empty()) epochs.back()["metrics"] = e.metrics;
  }
  j["epochs"] = epochs;
  j["completed_epochs"] = r.completed_epochs;
  j["steps"] = r.steps;
  j["wall_seconds_this_invocation"] = r.wall_seconds_this_invocation;
  if (r.simulated)
    j["simulated"] = {{"accelerator", r.simulated->accelerator},
                      {"steps", r.simulated->steps},
                      {"cycles_per_step", r.simulated->cycles_per_step},
                      {"energy_pj_per_step", r.simulated->energy_pj_per_step}};
  if (!r.initial_metrics.empty()) j["initial_metrics"] = r.initial_metrics;
  if (!r.scorer.empty()) j["scorer"] = r.scorer;
  const std::optional<double> final_acc = r.final_test_accuracy();
  j["final_test_accuracy"] = final_acc ? nlohmann::json(*final_acc) : nlohmann::json(nullptr);
  if (const std::optional<double> bpc = r.final_val_bits_per_char())
    j["final_val_bits_per_char"] = *bpc;
  return j;
}

RunRecord run_record_from_json(const nlohmann::json& j) {
  RunRecord r;
  try {
    r.settings = train_config_from_json(j.at("settings"));
    const auto& p = j.at("provenance");
    r.provenance = {p.at("lnslab_version").get<std::string>(),
                    p.at("git_revision").get<std::string>(),
                    p.at("compiler").get<std::string>(),
                    p.at("build_type").get<std::string>(),
                    p.at("flags").get<std::string>(),
                    p.at("threads").get<int>(),
                    p.at("machine").at("cpu").get<std::string>(),
                    p.at("machine").at("hardware_threads").get<unsigned>()};
    const auto& d = j.at("data");
    r.data = {d.at("train").get<std::string>(),        d.at("test").get<std::string>(),
              d.at("train_images").get<std::size_t>(), d.at("validation_images").get<std::size_t>(),
              d.at("test_images").get<std::size_t>(),  std::nullopt};
    if (d.contains("text")) {
      const auto& t = d.at("text");
      r.data.text = TextSummary{t.at("files").get<std::size_t>(),
                                t.at("train_characters").get<std::size_t>(),
                                t.at("validation_characters").get<std::size_t>(),
                                t.at("train_documents").get<std::size_t>(),
                                t.at("validation_documents").get<std::size_t>(),
                                t.at("unigram_val_bits_per_char").get<double>()};
    }
    r.trainable_parameters = j.at("parameters").at("trainable").get<std::size_t>();
    r.storage = j.at("parameters").at("storage").get<std::string>();
    for (const auto& e : j.at("epochs")) {
      EpochRecord x;
      x.epoch = e.at("epoch").get<int>();
      x.lr = e.at("lr").get<double>();
      x.lr_note = e.at("lr_note").get<std::string>();
      x.train_loss = e.at("train_loss").get<double>();
      x.train_accuracy = e.at("train_accuracy").get<double>();
      x.val_loss = number_or_nan(e.at("val_loss"));
      x.val_accuracy = number_or_nan(e.at("val_accuracy"));
      x.test_loss = number_or_nan(e.at("test_loss"));
      x.test_accuracy = number_or_nan(e.at("test_accuracy"));
      if (e.contains("metrics")) x.metrics = e.at("metrics").get<std::map<std::string, double>>();
      x.seconds = e.at("seconds").get<double>();
      x.images_per_second = e.at("images_per_second").get<double>();
      r.epochs.push_back(std::move(x));
    }
    r.completed_epochs = j.at("completed_epochs").get<int>();
    r.steps = j.at("steps").get<std::uint64_t>();
    r.wall_seconds_this_invocation = j.at("wall_seconds_this_invocation").get<double>();
    if (j.contains("simulated")) {
      const auto& s = j.at("simulated");
      r.simulated = SimulatedSummary{
          s.at("accelerator").get<std::string>(), s.at("steps").get<std::uint64_t>(),
          s.at("cycles_per_step").get<double>(), s.at("energy_pj_per_step").get<double>()};
    }
    if (j.contains("initial_metrics"))
      r.initial_metrics = j.at("initial_metrics").get<std::map<std::string, double>>();
    if (j.contains("scorer")) r.scorer = j.at("scorer").get<std::map<std::string, std::string>>();
    // Redundant fields must agree with the record they summarise.
    const std::optional<double> final_acc = r.final_test_accuracy();
    if (final_acc ? j.at("final_test_accuracy") != nlohmann::json(*final_acc)
                  : !j.at("final_test_accuracy").is_null())
      throw ConfigError("final_test_accuracy differs from the last epoch's test_accuracy");
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("malformed run record: ") + e.what());
  }
  return r;
}

}  // namespace lnslab::nn
