// The Accelerator facade: functional GEMMs on the lns kernels plus timing and energy accounting.
#include "lnslab/sim/accelerator.hpp"

#include "lnslab/sim/mapping_search.hpp"

#include <stdexcept>
#include <utility>

namespace lnslab::sim {
namespace {

RunReport empty_run(const Config& c) {
  RunReport r;
  r.config_name = c.name;
  r.energy_table = c.energy.name();
  r.clock_mhz = c.array.clock_mhz;
  r.total.name = "total";
  r.total.kind = "total";
  return r;
}

LayerReport update_report(const Config& c, const UpdateOp& op) {
  LayerReport r;
  r.name = op.name;
  r.kind = "update";
  r.shape = {op.weights, 1, 1};
  const UpdateTiming ut = time_update(c, op.weights);
  r.timing.compute_cycles = ut.compute_cycles;
  r.timing.total_cycles = ut.total_cycles;
  r.timing.stall_cycles = ut.stall_cycles;
  r.timing.dram_read_bits[operand::weight] = ut.dram_read_bits;
  r.timing.dram_write_bits[operand::weight] = ut.dram_write_bits;
  r.actions = update_actions(c, op.weights, ut);
  price(r, c.energy);
  return r;
}

}  // namespace

LayerReport simulate_gemm(const Config& config, const GemmOp& op, const lns::GemmCounts* data) {
  if (config.mapping.search) return search_mapping(config, op, data);
  return simulate_gemm(config, op, Mapping{}, data);
}

LayerReport simulate_gemm(const Config& config, const GemmOp& op, const Mapping& mapping,
                          const lns::GemmCounts* data) {
  if (config.pe.weight_storage && config.pe.type != PeType::lns &&
      op.pass == Pass::backward_weight) {
    // dW = X^T dY has no weight operand: on a float PE with LNS weight storage its B operand is a
    // float gradient, moved at the float width and not decoded.
    Config c = config;
    c.pe.weight_storage.reset();
    c.words.weight = c.words.input;
    return simulate_gemm(c, op, mapping, data);
  }
  LayerReport r;
  r.name = op.name;
  r.kind = std::string(to_string(op.pass));
  r.shape = op.shape;
  r.macs = static_cast<std::uint64_t>(op.shape.m) * static_cast<std::uint64_t>(op.shape.n) *
           static_cast<std::uint64_t>(op.shape.k);
  r.timing = time_gemm(config, op.shape, mapping);
  r.actions = gemm_actions(config, op.shape, r.timing, data);
  if (data) r.data = *data;
  price(r, config.energy);
  return r;
}

RunReport simulate(const Config& config, const Workload& workload) {
  RunReport run = empty_run(config);
  const int pes = config.array.rows * config.array.cols;
  for (const auto& g : workload.gemms) accumulate(run, simulate_gemm(config, g), pes);
  for (const auto& u : workload.updates) accumulate(run, update_report(config, u), pes);
  return run;
}

Accelerator::Accelerator(Config config) : config_(std::move(config)), run_(empty_run(config_)) {
  validate(config_);
}

const LayerReport& Accelerator::add(LayerReport&& r) {
  accumulate(run_, r, config_.array.rows * config_.array.cols, keep_layers_);
  last_ = std::move(r);
  return last_;
}

const LayerReport& Accelerator::account(const GemmOp& op) {
  return add(simulate_gemm(config_, op));
}

const LayerReport& Accelerator::update(const UpdateOp& op) {
  return add(update_report(config_, op));
}

const LayerReport& Accelerator::gemm(const std::string& name, Pass pass, const lns::Format& fa,
                                     lns::CodeMatrix a, const lns::Format& fb, lns::CodeMatrix b,
                                     double* c, int threads) {
  if (config_.pe.type != PeType::lns || !config_.pe.format)
    throw std::invalid_argument("sim::Accelerator::gemm: config '" + config_.name + "' has a " +
                                std::string(to_string(config_.pe.type)) +
                                " PE; functional GEMMs need an lns PE");
  if (fa.base() != config_.pe.format->base() || fb.base() != config_.pe.format->base())
    throw std::invalid_argument("sim::Accelerator::gemm: operand formats " + fa.spec() + ", " +
                                fb.spec() + " do not share the base of the config's format " +
                                config_.pe.format->spec());
  lns::GemmCounts counts;
  lns::gemm(fa, a, fb, b, config_.pe.datapath, *config_.pe.format, c, &counts, threads);
  const GemmOp op{name, {a.rows, b.cols, a.cols}, pass};
  return add(simulate_gemm(config_, op, &counts));
}

RunReport Accelerator::take() {
  RunReport r = std::move(run_);
  reset();
  return r;
}

void Accelerator::reset() {
  run_ = empty_run(config_);
}

}  // namespace lnslab::sim
