// lnslab sim CONFIG.toml [--topology FILE.csv | --gemm M,N,K ... | --model mlp|cnn|cgan
//           [--widths W,...] [--input CxHxW] [--classes N] | --model transformer [--layers L]
//           [--width D] [--heads H] [--context P]] [--batch N] [--train]
//           [--mapping fixed|search] [--objective energy|cycles|edp]
//           [--json FILE] [--csv FILE] [--compare CONFIG2.toml ...]
// Cycles, traffic and energy of a workload on one or several accelerator configs.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/text_corpus.hpp"
#include "lnslab/nn/train_config.hpp"
#include "lnslab/nn/workload.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/config.hpp"
#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/report.hpp"
#include "lnslab/sim/timing.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::cli {
namespace {

struct SimOptions {
  std::string config;
  std::string topology;
  std::vector<std::string> gemms;
  std::string model;  // mlp | cnn | cgan | transformer: the network lnslab train builds
  std::vector<int> widths;
  nn::TransformerSpec transformer;  // --layers, --width, --heads, --context
  std::string input = "1x28x28";
  int classes = 10;
  std::vector<std::string> compare;
  int batch = 1;
  bool train = false;
  bool totals_only = false;
  std::string mapping;    // "", fixed, search: overrides every config's [mapping] search
  std::string objective;  // "", energy, cycles, edp: overrides [mapping] objective
  std::string json_path;
  std::string csv_path;
  std::string optimizer;  // "", or a registry name: the update rule of --train
};

// --train costs the weight update with --optimizer's rule (nn's registry at its default
// settings), else the config's [update] rule, else the registry's default for the config.
void apply_update_rule(const SimOptions& o, std::vector<sim::Config>& configs) {
  if (!o.optimizer.empty() && !o.train)
    throw InputError("lnslab sim: --optimizer " + o.optimizer +
                     " applies only to a training step (--train)");
  if (!o.train) return;
  for (auto& c : configs) {
    if (!o.optimizer.empty()) {
      nn::TrainConfig t;
      t.optimizer = o.optimizer;
      const nn::OptimizerDescriptor* d = nn::find_optimizer(o.optimizer);
      if (!d)
        throw InputError("--optimizer " + o.optimizer + ": expected " + nn::optimizer_names());
      c.update.rule = d->update_rule(t);
      if (d->lns_weights && !c.pe.stores_lns_weights())
        throw InputError("--optimizer " + o.optimizer + ": " + c.origin +
                         " does not store weights as LNS codes (an lns PE or a pe.weight_format)");
    } else if (!c.update.rule) {
      c.update.rule = nn::default_update_rule(c);
    }
  }
}

// --mapping / --objective over the configs' [mapping] tables.
void apply_mapping_options(const SimOptions& o, std::vector<sim::Config>& configs) {
  for (auto& c : configs) {
    if (o.mapping == "search") c.mapping.search = true;
    if (o.mapping == "fixed") c.mapping.search = false;
    if (!o.objective.empty()) {
      if (!c.mapping.search)
        throw InputError("lnslab sim: --objective " + o.objective +
                         " applies only to the "
                         "mapping search (--mapping search or [mapping] search = true in " +
                         c.origin + ")");
      sim::parse_objective(o.objective, c.mapping.objective);  // checked by CLI11
    }
  }
}

// "CxHxW", e.g. 1x28x28 (--input).
nn::Shape parse_input(const std::string& text) {
  int dims[3] = {0, 0, 0};
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    const std::size_t end = i < 2 ? text.find('x', at) : text.size();
    const std::string part = end == std::string::npos ? "" : text.substr(at, end - at);
    const bool digits = !part.empty() && part.size() <= 4 &&
                        part.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || (dims[i] = std::stoi(part)) < 1 || dims[i] > 4096)
      throw InputError("--input '" + text +
                       "': expected CxHxW, three integers in [1, 4096] (e.g. 1x28x28)");
    at = end + 1;
  }
  return {dims[0], dims[1], dims[2]};
}

// --model: the network of `lnslab train --model M --widths W` on inputs of --input and --classes
// (with --train, its training step: for cgan both networks' step, nn/workload.hpp).
// The transformer's input is its context of byte ids, its classes the byte vocabulary.
sim::Workload model_workload(const SimOptions& o) {
  nn::ModelSpec spec;
  spec.kind = o.model;
  spec.widths = o.widths;
  spec.transformer = o.transformer;
  const bool text = o.model == "transformer";
  const nn::Shape input = text ? nn::Shape{o.transformer.context, 1, 1} : parse_input(o.input);
  const int classes = text ? nn::byte_vocabulary : o.classes;
  try {
    return o.train ? nn::training_workload(spec, input, classes, o.batch)
                   : nn::forward_workload(spec, input, classes, o.batch);
  } catch (const nn::ConfigError& e) {
    throw InputError(std::string("--model: ") + e.what());
  } catch (const std::bad_alloc&) {
    throw InputError("--model " + o.model + ": the network is too large to build");
  }
}

// A topology's conv output sizes follow the config's timing mode (SCALE-Sim's rounding in
// scalesim mode), so each config gets its own copy of the workload.
sim::Workload load_workload(const SimOptions& o, const sim::Config& c) {
  if (!o.model.empty()) return model_workload(o);
  sim::Workload w;
  if (!o.topology.empty()) {
    w = sim::load_topology(o.topology, o.batch, sim::conv_output(c.array.timing));
  } else {
    for (std::size_t i = 0; i < o.gemms.size(); ++i) {
      sim::GemmOp op;
      op.name = fmt::format("gemm{}", i);
      op.shape = sim::parse_gemm_shape(o.gemms[i], "--gemm");
      w.gemms.push_back(op);
    }
  }
  return o.train ? sim::training_step(w) : w;
}

void run_sim(const SimOptions& o) {
  std::vector<sim::Config> configs;
  std::vector<sim::Workload> workloads;
  const std::string workload_name =
      !o.model.empty() ? "--model " + o.model : (o.topology.empty() ? "--gemm" : o.topology);
  try {
    configs.push_back(sim::load_config(o.config));
    for (const auto& c : o.compare) configs.push_back(sim::load_config(c));
    apply_mapping_options(o, configs);
    apply_update_rule(o, configs);
    for (const auto& c : configs) workloads.push_back(load_workload(o, c));
  } catch (const sim::ConfigError& e) {
    throw InputError(e.what());
  }
  const sim::Workload& workload = workloads.front();

  std::vector<sim::RunReport> runs;
  const auto start = std::chrono::steady_clock::now();
  try {
    for (std::size_t i = 0; i < configs.size(); ++i)
      runs.push_back(sim::simulate(configs[i], workloads[i]));
  } catch (const sim::ConfigError& e) {
    throw InputError(e.what());
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  fmt::print("# lnslab sim {}; workload {} ({} GEMMs, {} updates, batch {}{})\n",
             build_provenance(), workload_name, workload.gemms.size(), workload.updates.size(),
             o.batch, o.train ? ", training step" : "");
  for (auto& r : runs) {
    if (o.totals_only) r.layers.clear();
    fmt::print("\n{}", sim::format_table(r));
  }
  if (runs.size() > 1) fmt::print("\n{}", sim::format_comparison(runs));
  fmt::print("\n# simulated {} config(s) in {:.3f} ms\n", runs.size(), ms);

  if (!o.json_path.empty()) {
    nlohmann::json j;
    j["provenance"] = build_provenance();
    j["workload"] = {{"source", workload_name},
                     {"batch", o.batch},
                     {"training_step", o.train},
                     {"gemms", workload.gemms.size()},
                     {"updates", workload.updates.size()}};
    j["simulation_ms"] = ms;
    j["runs"] = nlohmann::json::array();
    for (std::size_t i = 0; i < runs.size(); ++i) {
      j["runs"].push_back(sim::to_json(runs[i], configs[i]));
    }
    write_file_atomically(o.json_path, j.dump(2) + "\n");
  }
  if (!o.csv_path.empty()) write_file_atomically(o.csv_path, sim::to_csv(runs));
}

}  // namespace

void register_sim(CLI::App& app) {
  auto o = std::make_shared<SimOptions>();
  auto* sub = app.add_subcommand(
      "sim",
      "Simulate an accelerator (systolic array of LNS or FP32/FP16/BF16/INT8 PEs): cycles, "
      "utilisation, SRAM/DRAM traffic and energy by component, per layer and in total "
      "(docs/simulator.md)");
  sub->add_option("config", o->config, "Accelerator config (configs/accelerators/*.toml)")
      ->required();
  auto* topo = sub->add_option("--topology", o->topology,
                               "SCALE-Sim topology CSV (conv or GEMM format), e.g. "
                               "configs/topologies/resnet18.csv");
  auto* gemm = sub->add_option("--gemm", o->gemms, "GEMM shape M,N,K (repeatable)");
  topo->excludes(gemm);
  gemm->excludes(topo);
  auto* model = sub->add_option(
      "--model", o->model,
      "A model of lnslab train (mlp, cnn, cgan or transformer): the forward GEMMs of the network "
      "it builds (cgan: generator then discriminator; with --train both networks' step; "
      "transformer: per-position Linear GEMMs and each head's attention products), instead of "
      "--topology or --gemm");
  model->check(CLI::IsMember({"mlp", "cnn", "cgan", "transformer"}));
  auto* widths = sub->add_option("--widths", o->widths,
                                 "--model's widths, as for lnslab train (mlp hidden widths, "
                                 "default 256; cnn channels, default 16,32, [+ hidden]; cgan base "
                                 "width, default 32)")
                     ->delimiter(',')
                     ->check(CLI::Range(1, 1 << 16));
  auto* input = sub->add_option("--input", o->input,
                                "--model's input shape CxHxW (default 1x28x28, Fashion-MNIST)");
  auto* classes = sub->add_option("--classes", o->classes, "--model's classes (default 10)")
                      ->check(CLI::Range(2, 1 << 20));
  nn::TransformerSpec& tf = o->transformer;
  const std::vector<CLI::Option*> text_options{
      sub->add_option("--layers", tf.layers, "--model transformer: pre-norm blocks")
          ->capture_default_str()
          ->check(CLI::Range(1, 1 << 10)),
      sub->add_option("--width", tf.width,
                      "--model transformer: model width (a multiple of --heads)")
          ->capture_default_str()
          ->check(CLI::Range(1, 1 << 16)),
      sub->add_option("--heads", tf.heads, "--model transformer: attention heads")
          ->capture_default_str()
          ->check(CLI::Range(1, 1 << 10)),
      sub->add_option("--context", tf.context, "--model transformer: characters per window")
          ->capture_default_str()
          ->check(CLI::Range(1, 1 << 16))};
  sub->add_option("--batch", o->batch,
                  "Batch size: multiplies M of every topology or --model layer (transformer: "
                  "windows)")
      ->check(CLI::Range(1, 1 << 20));
  sub->add_option("--optimizer", o->optimizer,
                  "--train: the weight-update rule of this optimizer (" + nn::optimizer_names() +
                      "; default: the config's [update] rule, else lns-madam for LNS weights, "
                      "madam otherwise)");
  sub->add_flag("--train", o->train,
                "Simulate a training step: forward, backward (dX, dW) GEMMs and weight updates");
  sub->add_option("--compare", o->compare,
                  "More configs to run on the same workload, shown side by side with ratios");
  sub->add_flag("--totals-only", o->totals_only, "Print totals without per-layer rows");
  sub->add_option("--mapping", o->mapping,
                  "fixed: each dataflow's fixed loop order; search: per layer the mapping of "
                  "the searched space with the lowest --objective (overrides [mapping] search)")
      ->check(CLI::IsMember({"fixed", "search"}));
  sub->add_option("--objective", o->objective,
                  "What the mapping search minimises: energy, cycles or edp (energy x cycles); "
                  "overrides [mapping] objective; only with the search")
      ->check(CLI::IsMember({"energy", "cycles", "edp"}));
  sub->add_option("--json", o->json_path, "Also write the reports as JSON to this file");
  sub->add_option("--csv", o->csv_path, "Also write one CSV row per layer and config");
  sub->callback([o, widths, input, classes, text_options] {
    if (!o->model.empty() && (!o->topology.empty() || !o->gemms.empty()))
      throw InputError("lnslab sim: --model " + o->model +
                       " is a workload of its own: give it without --topology and --gemm");
    for (const auto* opt : {widths, input, classes})
      if (opt->count() > 0 && o->model.empty())
        throw InputError("lnslab sim: " + opt->get_name() +
                         " describes --model's network: give --model mlp or --model cnn");
    const bool text = o->model == "transformer";
    for (const auto* opt : {widths, input, classes})
      if (opt->count() > 0 && text)
        throw InputError("lnslab sim: " + opt->get_name() +
                         " does not apply to --model transformer (its input is --context byte "
                         "ids; --layers, --width, --heads size it)");
    for (const auto* opt : text_options)
      if (opt->count() > 0 && !text)
        throw InputError("lnslab sim: " + opt->get_name() + " applies only to --model transformer");
    if (o->topology.empty() && o->gemms.empty() && o->model.empty())
      throw InputError(
          "lnslab sim: give a workload: --topology FILE.csv, --gemm M,N,K or --model mlp|cnn");
    run_sim(*o);
  });
}

}  // namespace lnslab::cli
