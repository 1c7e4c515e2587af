#pragma once
// A cycle-stepped systolic array, written independently of sim/src/timing.cpp, to check the
// closed-form fold timing against (tests/sim/test_reference_array.cpp).
//
// Every PE has registers that are written once per cycle from its neighbours' registers of the
// previous cycle; operands move one PE per cycle, each carrying a tag (its index along T) that is
// checked where two streams meet, so a wrong skew throws instead of computing a wrong product.
//   os:    the left operand L (r x T) enters row i at cycle t + i (skew), the top operand
//          (T x c) enters column j at cycle t + j; every PE accumulates; a column drains its
//          accumulators downwards through its bottom port, one per cycle, once all its PEs are
//          done.
//   ws/is: the stationary block S (r x c) is shifted in from the top, one row per cycle (the row
//          for the bottom PE first); then the streamed operand X (T x r) enters row i at cycle
//          r + t + i, partial sums move down and leave the bottom of each column.
// A fold uses the top-left r x c PEs and its ports are at that sub-array's edges (`used`), or
// it is padded with zeros to the whole R x C array with ports at the array's edges (`full`, as
// SCALE-Sim maps every fold).
#include <cstdint>
#include <vector>

#include "lnslab/sim/config.hpp"
#include "lnslab/sim/workload.hpp"

namespace sim_ref {

struct Matrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<std::int64_t> v;
  Matrix() = default;
  Matrix(std::int64_t r, std::int64_t c) : rows(r), cols(c), v(std::size_t(r * c), 0) {}
  std::int64_t& at(std::int64_t i, std::int64_t j) { return v[std::size_t(i * cols + j)]; }
  std::int64_t at(std::int64_t i, std::int64_t j) const { return v[std::size_t(i * cols + j)]; }
  friend bool operator==(const Matrix&, const Matrix&) = default;
};

enum class FoldEdges { used, full };

struct FoldRun {
  Matrix out;                     ///< os: L x T (r x c); ws/is: X x S (T x c)
  std::uint64_t cycles = 0;       ///< from the fold's first cycle to the last result leaving
  std::uint64_t to_last_mac = 0;  ///< from the fold's first cycle through its last MAC
  std::uint64_t macs = 0;
};

/// One output-stationary fold: L (r x T) times top (T x c).
FoldRun run_os_fold(const Matrix& left, const Matrix& top);
/// One stationary fold (ws, is): X (T x r) times the stationary S (r x c).
FoldRun run_stationary_fold(const Matrix& stationary, const Matrix& streamed);

struct GemmRun {
  Matrix c;                       ///< M x N
  std::uint64_t cycles = 0;       ///< folds one after another, each from an empty array
  std::uint64_t to_last_mac = 0;  ///< sum over folds of FoldRun::to_last_mac
  std::uint64_t folds = 0;
};

/// C = A (M x K) * B (K x N) on an R x C array with the dataflow's mapping (os: M, N on rows,
/// cols, K streamed; ws: K, N, M streamed; is: K, M, N streamed); ws/is partial sums of
/// several K folds are added outside the array.
GemmRun run_gemm(lnslab::sim::Dataflow dataflow, int rows, int cols, const Matrix& a,
                 const Matrix& b, FoldEdges edges = FoldEdges::used);

/// Plain triple loop.
Matrix plain_gemm(const Matrix& a, const Matrix& b);

}  // namespace sim_ref
