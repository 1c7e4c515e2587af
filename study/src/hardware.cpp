#include "lnslab/study/hardware.hpp"

#include <fmt/format.h>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/train_config.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/study/spec.hpp"

namespace lnslab::study {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// Writes the config as TOML and reads it back with the simulator's own parser, so that a derived
// config is one `lnslab sim` accepts (and the error, if not, is the parser's).
sim::Config reparse(const sim::Config& c) {
  const std::string text = sim::to_toml(c);
  try {
    return sim::parse_config(text, "derived accelerator '" + c.name + "'", ".");
  } catch (const std::exception& e) {
    throw StudyError(e.what());
  }
}

lns::Format parse_format(const std::string& spec) {
  try {
    return lns::Format::parse(spec);
  } catch (const std::exception& e) {
    throw StudyError("format '" + spec + "': " + e.what());
  }
}

}  // namespace

EnergyGroup energy_group(const std::string& component) {
  if (starts_with(component, "update.") || component == "dram.update") return EnergyGroup::update;
  if (starts_with(component, "dram.")) return EnergyGroup::off_chip;
  if (starts_with(component, "sram.") || component == "pe.registers") return EnergyGroup::on_chip;
  return EnergyGroup::compute;
}

sim::Config hardware_config(const sim::Config& tmpl, const TrainedAs& run) {
  sim::Config c = tmpl;
  if (run.numerics == "lns-full") {
    try {
      c = sim::load_config(run.accelerator);
    } catch (const std::exception& e) {
      throw StudyError(e.what());
    }
    const lns::Format master = parse_format(run.format);
    // Master weights of another format than the GEMMs' are kept and re-encoded per step.
    if (master.spec() != c.pe.format->spec()) c.pe.weight_storage = master;
    if (c.pe.weight_storage) c.name = fmt::format("{}+{}-master", c.name, master.spec());
  } else {
    c.pe = sim::PeConfig{};
    c.pe.type = sim::PeType::fp32;
    if (run.numerics == "lns-weights") {
      c.pe.weight_storage = parse_format(run.format);
      c.name = fmt::format("fp32+{}-weights", c.pe.weight_storage->spec());
    } else if (run.numerics == "fp32") {
      c.name = "fp32";
    } else {
      throw StudyError("numerics '" + run.numerics + "': no hardware is derived for it");
    }
    c.words = sim::default_words(c.pe);
  }
  c.update.rule = run.update;
  // fmt::format avoids GCC 12's false -Wrestrict on chained string concatenation.
  c.name = fmt::format("{}-{}", c.name, run.update.name);
  return reparse(c);
}

sim::Config baseline_config(const sim::Config& tmpl, sim::PeType pe) {
  sim::Config c = tmpl;
  c.pe = sim::PeConfig{};
  c.pe.type = pe;
  c.words = sim::default_words(c.pe);
  c.update.rule = nn::default_update_rule(c);
  c.name = fmt::format("{}-baseline", sim::to_string(pe));
  return reparse(c);
}

HardwareCost cost_step(const sim::Config& config, const sim::Workload& forward,
                       const std::string& model, int batch) {
  return cost_training_step(config, sim::training_step(forward), model, batch);
}

HardwareCost cost_training_step(const sim::Config& config, const sim::Workload& step,
                                const std::string& model, int batch) {
  sim::Config costed = config;
  if (!costed.update.rule) costed.update.rule = nn::default_update_rule(costed);
  const sim::RunReport r = sim::simulate(costed, step);
  HardwareCost h;
  h.accelerator = config.name;
  h.pe = std::string(sim::to_string(config.pe.type));
  if (config.pe.weight_storage)
    h.format = config.pe.weight_storage->spec();
  else if (config.pe.type == sim::PeType::lns)
    h.format = config.pe.format->spec();
  if (config.pe.type == sim::PeType::lns) {
    h.gemm_format = config.pe.format->spec();
    h.datapath = lns::to_string(config.pe.datapath);
  }
  h.update = costed.update.rule->name;
  h.model = model;
  h.batch = batch;
  h.energy_pj = r.total.energy_pj;
  h.cycles = static_cast<double>(r.total.timing.total_cycles);
  h.energy_by_component = r.total.energy_by_component;
  for (const auto& [component, pj] : h.energy_by_component) {
    switch (energy_group(component)) {
      case EnergyGroup::compute:
        h.split.compute += pj;
        break;
      case EnergyGroup::on_chip:
        h.split.on_chip += pj;
        break;
      case EnergyGroup::off_chip:
        h.split.off_chip += pj;
        break;
      case EnergyGroup::update:
        h.split.update += pj;
        break;
    }
  }
  h.config_toml = sim::to_toml(costed);
  return h;
}

nlohmann::json to_json(const HardwareCost& h) {
  nlohmann::json by = nlohmann::json::object();
  for (const auto& [k, v] : h.energy_by_component) by[k] = v;
  return {{"accelerator", h.accelerator},
          {"pe", h.pe},
          {"format", h.format},
          {"gemm_format", h.gemm_format},
          {"datapath", h.datapath},
          {"update", h.update},
          {"model", h.model},
          {"batch", h.batch},
          {"energy_pj_per_step", h.energy_pj},
          {"cycles_per_step", h.cycles},
          {"energy_pj_by_component", by},
          {"energy_pj_by_group",
           {{"compute", h.split.compute},
            {"on_chip", h.split.on_chip},
            {"off_chip", h.split.off_chip},
            {"update", h.split.update}}}};
}

}  // namespace lnslab::study
