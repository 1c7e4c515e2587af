#pragma once
// The simulator's library entry point for other modules (training's `lns-full` mode, tools).
//
//   sim::Accelerator acc(sim::load_config("configs/accelerators/lns8.toml"));
//   // functional + accounting: computes C = A * B with lns::gemm on the configured datapath
//   // (bit-exact with docs/design.md §3.2) and accounts cycles and energy with the real counts
//   const sim::LayerReport& r = acc.gemm("fc1", sim::Pass::forward, fa, a, fb, b, c);
//   // accounting only (shapes, every product active):
//   acc.account({"fc1", {m, n, k}, sim::Pass::forward});
//   acc.update({"fc1", n_weights});
//   sim::RunReport step = acc.take();  // totals since the last take()/reset(): one training step
//
// An Accelerator accumulates every call into a running RunReport (cycles, traffic, actions,
// energy). It is not thread-safe; use one per thread. Per-layer rows are kept unless
// keep_layers(false) (long training runs keep only totals).
#include <string>

#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/sim/config.hpp"
#include "lnslab/sim/report.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::sim {

class Accelerator {
 public:
  explicit Accelerator(Config config);
  const Config& config() const { return config_; }

  /// Timing + energy of a GEMM shape; every product counted as active.
  const LayerReport& account(const GemmOp& op);
  /// Functional GEMM: C[M x N] (row-major, ldc = N) = A[M x K] * B[K x N] in code units with
  /// lns::gemm on the configured datapath (logadd results in the configured format), then
  /// accounted with the data's counts (zero products gated, bins touched). LNS PEs only: throws
  /// std::invalid_argument for a baseline PE or formats whose base differs from the config's.
  const LayerReport& gemm(const std::string& name, Pass pass, const lns::Format& fa,
                          lns::CodeMatrix a, const lns::Format& fb, lns::CodeMatrix b, double* c,
                          int threads = 1);
  /// Weight update of `op.weights` weights with the configured optimizer.
  const LayerReport& update(const UpdateOp& op);

  /// Everything accounted since construction or the last take()/reset().
  const RunReport& totals() const { return run_; }
  RunReport take();
  void reset();
  void keep_layers(bool keep) { keep_layers_ = keep; }

 private:
  const LayerReport& add(LayerReport&& r);
  Config config_;
  RunReport run_;
  LayerReport last_;
  bool keep_layers_ = true;
};

/// Timing and energy of a whole workload (every GEMM, then every update).
RunReport simulate(const Config& config, const Workload& workload);
/// One GEMM's report (accounting only, or with functional counts), with the fixed mapping or,
/// when config.mapping.search, the searched one.
LayerReport simulate_gemm(const Config& config, const GemmOp& op,
                          const lns::GemmCounts* data = nullptr);
/// Same with a given mapping.
LayerReport simulate_gemm(const Config& config, const GemmOp& op, const Mapping& mapping,
                          const lns::GemmCounts* data = nullptr);

}  // namespace lnslab::sim
