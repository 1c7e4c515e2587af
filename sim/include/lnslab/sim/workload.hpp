#pragma once
// Workloads: lists of GEMMs (C[M x N] = A[M x K] * B[K x N]; A the inputs/activations, B the
// weights) plus weight updates.
//
// Sources: `M,N,K` triples, SCALE-Sim topology CSV files (conv format: name, IFMAP H, IFMAP W,
// filter H, filter W, channels, filters, stride[, stride W]; GEMM format: name, M, N, K), and a
// training step generated from a forward layer list. (The models of `lnslab train`:
// nn::forward_workload in nn/workload.hpp reads the forward list off a built network.)
//
// Conv layers map by im2col: M = batch * OH * OW, N = filters, K = FH * FW * channels, with
// OH = (H - FH) / stride + 1 (floor; H and W already include padding, as in SCALE-Sim files).
// A training step of forward GEMM (M, N, K) adds dX = dY W^T: GEMM (M, K, N) (skipped for the
// first layer, whose input needs no gradient), dW = X^T dY: GEMM (K, N, M), and a weight update
// of K * N weights.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lnslab::sim {

enum class Pass { forward, backward_data, backward_weight };
std::string_view to_string(Pass p);

struct GemmShape {
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  friend bool operator==(const GemmShape&, const GemmShape&) = default;
};

struct GemmOp {
  std::string name;
  GemmShape shape;
  Pass pass = Pass::forward;
};

struct UpdateOp {
  std::string name;
  std::int64_t weights = 0;
};

struct Workload {
  std::vector<GemmOp> gemms;
  std::vector<UpdateOp> updates;
};

/// Output size of a conv layer: `floor`, OH = floor((H - FH) / stride) + 1; `scalesim`,
/// SCALE-Sim v2's topology reader, OH = ceil((H - FH + stride) / stride), one more row (column)
/// whenever the stride does not divide H - FH.
enum class ConvOutput { floor, scalesim };

/// Parses "M,N,K" (positive integers). Throws ConfigError naming `origin`.
GemmShape parse_gemm_shape(std::string_view text, const std::string& origin);

/// Reads a SCALE-Sim topology CSV (conv or GEMM format, detected per row by its field count; an
/// optional header line; trailing commas allowed). `batch` multiplies M of every layer.
/// Throws ConfigError naming file, line and field.
Workload load_topology(const std::filesystem::path& path, int batch = 1,
                       ConvOutput rounding = ConvOutput::floor);
Workload parse_topology(std::string_view text, const std::string& origin, int batch = 1,
                        ConvOutput rounding = ConvOutput::floor);

/// The training step of a forward workload: per layer forward, backward-data (not for the first
/// layer), backward-weight GEMMs, then one weight update per layer.
Workload training_step(const Workload& forward);

}  // namespace lnslab::sim
