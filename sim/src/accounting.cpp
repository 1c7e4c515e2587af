// Action counts of GEMMs and weight updates (docs/simulator.md §Energy lists every formula).
#include "lnslab/sim/accounting.hpp"

#include <algorithm>
#include <cmath>

#include "lnslab/sim/errors.hpp"

namespace lnslab::sim {
namespace {

int ceil_log2(int v) {
  int b = 0;
  while ((1 << b) < v) ++b;
  return b;
}

struct Adder {
  std::vector<ActionCount>& out;
  void operator()(const char* component, Primitive p, double bits, double count,
                  double capacity_kib = 0) const {
    if (count > 0) out.push_back({component, p, bits, capacity_kib, count});
  }
};

}  // namespace

std::vector<ActionCount> gemm_actions(const Config& c, const GemmShape& g, const TimingResult& t,
                                      const lns::GemmCounts* data) {
  std::vector<ActionCount> acts;
  Adder add{acts};
  const double macs = double(g.m) * double(g.n) * double(g.k);
  const double outputs = double(g.m) * double(g.n);
  const double active = data ? double(data->macs - data->zero_skipped) : macs;
  const double merges = double(t.psum_merges);
  const double W = c.pe.acc_bits;
  const PeConfig& pe = c.pe;

  if (pe.type == PeType::lns) {
    const int B = pe.format->bits();
    const double F = pe.datapath.frac_bits;
    const int bins = pe.bins;
    add("pe.exp_add", Primitive::int_add, B - 1, active);
    add("pe.sign_xor", Primitive::logic_gate, 1, active);
    switch (pe.datapath.kind) {
      case lns::Accumulation::linear:
        add("pe.to_linear", Primitive::lut_read, W, active);
        add("pe.acc_add", Primitive::int_add, W, active);
        add("pe.to_lns", Primitive::int_add, W, outputs * (1 + (B - 1)));
        add("pe.psum_merge", Primitive::int_add, W, merges);
        break;
      case lns::Accumulation::bins:
      case lns::Accumulation::bins_mitchell: {
        add("pe.to_linear", Primitive::logic_gate, 1, active * W);  // one-hot 1 << q
        add("pe.bin_select", Primitive::logic_gate, 1, active * bins);
        add("pe.acc_add", Primitive::int_add, W, active);
        if (pe.datapath.kind == lns::Accumulation::bins_mitchell)
          add("pe.mitchell", Primitive::int_add, W, active);
        const double scaled = data ? double(data->bins_touched) : outputs * bins;
        const double summed =
            data ? std::max(0.0, double(data->bins_touched) - outputs) : outputs * (bins - 1);
        add("pe.bin_scale", Primitive::int_mult, std::sqrt(W * F), scaled);
        add("pe.bin_scale", Primitive::lut_read, F, scaled);
        add("pe.bin_sum", Primitive::int_add, W + F, summed);
        const int gamma = pe.format->gamma().value_or(1);
        add("pe.to_lns", Primitive::int_add, W + F, outputs * (1 + ceil_log2(gamma)));
        add("pe.psum_merge", Primitive::int_add, W, merges * bins);
        break;
      }
      case lns::Accumulation::logadd:
        add("pe.log_add", Primitive::int_add, B, 2 * active);
        add("pe.log_add", Primitive::lut_read, B, active);
        add("pe.psum_merge", Primitive::int_add, B, 2 * merges);
        add("pe.psum_merge", Primitive::lut_read, B, merges);
        break;
      case lns::Accumulation::exact:
        break;  // rejected by the config
    }
  } else {
    const bool fp = pe.type != PeType::int8;
    const double mult_bits = pe.type == PeType::fp32 ? 32 : pe.type == PeType::int8 ? 8 : 16;
    add("pe.mult", fp ? Primitive::fp_mult : Primitive::int_mult, mult_bits, active);
    add("pe.acc_add", fp ? Primitive::fp_add : Primitive::int_add, W, active);
    add("pe.psum_merge", fp ? Primitive::fp_add : Primitive::int_add, W, merges);
  }

  double reg_bits = 0;
  for (auto b : t.pe_register_bits) reg_bits += double(b);
  if (pe.weight_storage && pe.type != PeType::lns) {
    // LNS weight codes are decoded to the PE's float format by a table at the array edge, once
    // per weight word read from the weight SRAM; the PEs' weight registers then hold floats.
    const double float_bits = c.words.input;
    const double decodes = double(t.sram_read_bits[operand::weight]) / c.words.weight;
    add("pe.weight_decode", Primitive::lut_read, float_bits, decodes);
    reg_bits += double(t.pe_register_bits[operand::weight]) * (float_bits / c.words.weight - 1.0);
  }
  add("pe.registers", Primitive::register_bit, 1, reg_bits);
  const char* sram_names[operand_count] = {"sram.input", "sram.weight", "sram.output"};
  const char* dram_names[operand_count] = {"dram.input", "dram.weight", "dram.output"};
  const double kib[operand_count] = {c.memory.input_kib, c.memory.weight_kib, c.memory.output_kib};
  for (int i = 0; i < operand_count; ++i) {
    add(sram_names[i], Primitive::sram_access, 1,
        double(t.sram_read_bits[i]) + double(t.sram_write_bits[i]), kib[i]);
    add(dram_names[i], Primitive::dram_access, 1,
        double(t.dram_read_bits[i]) + double(t.dram_write_bits[i]));
  }
  return acts;
}

UpdateCosts update_costs(const Config& c) {
  // Per weight; docs/simulator.md §Weight update explains each count.
  if (!c.update.rule)
    throw ConfigError(c.origin +
                      ": [update]: no weight-update rule (rule, fp_mults, ...) to cost a training "
                      "step's update (lnslab sim --optimizer NAME supplies one)");
  const UpdateRule& rule = *c.update.rule;
  UpdateCosts k{rule.fp_mults, rule.fp_adds, rule.int_adds, rule.state_words};
  const auto& stored = c.pe.weight_storage;
  if (rule.exponent_update) {
    if (c.pe.type == PeType::lns && stored) {
      // master codes of another base: decode, re-encode into the PE's operand format
      k.decodes = 1;
      k.encode_compares = c.pe.format->bits() - 1;
    }
    return k;
  }
  if (c.pe.stores_lns_weights()) {
    // A float rule on LNS-stored weights: decode the code (one table read), apply the rule,
    // re-encode by a binary search over the format's B - 1 magnitude thresholds (and, for master
    // codes of another base on an lns PE, once more into the PE's operand format).
    k.decodes = 1;
    k.encode_compares = (stored ? stored->bits() : c.pe.format->bits()) - 1;
    if (c.pe.type == PeType::lns && stored) k.encode_compares += c.pe.format->bits() - 1;
  }
  return k;
}

UpdateTiming time_update(const Config& c, std::int64_t weights) {
  const UpdateCosts k = update_costs(c);
  const auto n = static_cast<std::uint64_t>(weights);
  UpdateTiming t;
  // reads: gradient (as the dW GEMM wrote it), weight, state; writes: weight, state. Master
  // weights of another format than an lns PE's operands are read and written in their own width,
  // and the GEMMs' copy in the PE's format is written beside them.
  const bool master_copy = c.pe.type == PeType::lns && c.pe.weight_storage;
  const std::uint64_t master_bits =
      master_copy ? std::uint64_t(c.pe.weight_storage->bits()) : std::uint64_t(c.words.weight);
  const std::uint64_t state_bits = 32u * std::uint64_t(k.state_words);
  t.dram_read_bits = n * (std::uint64_t(c.words.output) + master_bits + state_bits);
  t.dram_write_bits =
      n * (master_bits + state_bits + (master_copy ? std::uint64_t(c.words.weight) : 0u));
  t.compute_cycles = (n + std::uint64_t(c.update.lanes) - 1) / std::uint64_t(c.update.lanes);
  TilePipeline link(c.memory.dram_bytes_per_cycle, c.memory.dram_latency_cycles);
  const std::uint64_t memory = link.transfer_cycles(t.dram_read_bits + t.dram_write_bits);
  t.total_cycles = std::max(t.compute_cycles, memory);
  t.stall_cycles = t.total_cycles - t.compute_cycles;
  return t;
}

std::vector<ActionCount> update_actions(const Config& c, std::int64_t weights,
                                        const UpdateTiming& t) {
  std::vector<ActionCount> acts;
  Adder add{acts};
  const UpdateCosts k = update_costs(c);
  const double n = double(weights);
  add("update.fp_mult", Primitive::fp_mult, 32, n * k.fp_mults);
  add("update.fp_add", Primitive::fp_add, 32, n * k.fp_adds);
  const int weight_bits = c.pe.weight_storage ? c.pe.weight_storage->bits() : c.words.weight;
  add("update.int_add", Primitive::int_add, std::max(1, weight_bits - 1), n * k.int_adds);
  add("update.decode", Primitive::lut_read, 32, n * k.decodes);
  add("update.encode", Primitive::int_add, 32, n * k.encode_compares);
  add("dram.update", Primitive::dram_access, 1, double(t.dram_read_bits + t.dram_write_bits));
  return acts;
}

void merge_actions(std::vector<ActionCount>& into, const std::vector<ActionCount>& add) {
  for (const auto& a : add) {
    auto it = std::find_if(into.begin(), into.end(), [&](const ActionCount& b) {
      return b.component == a.component && b.primitive == a.primitive && b.bits == a.bits &&
             b.capacity_kib == a.capacity_kib;
    });
    if (it == into.end())
      into.push_back(a);
    else
      it->count += a.count;
  }
}

double total_energy_pj(const EnergyTable& t, const std::vector<ActionCount>& actions) {
  double sum = 0;
  for (const auto& a : actions) sum += a.energy_pj(t);
  return sum;
}

}  // namespace lnslab::sim
