// The cycle-stepped reference array (see systolic_reference.hpp).
#include "systolic_reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sim_ref {
namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;

// One register: a value with the index it belongs to (T index of an operand or partial sum,
// row of an accumulator or of a stationary word) and whether it holds anything.
struct Word {
  i64 value = 0;
  i64 tag = -1;
  bool valid = false;
};

[[noreturn]] void fail(const std::string& what, i64 i, i64 j, u64 cycle) {
  throw std::logic_error(
      fmt::format("reference array: {} at PE({},{}) cycle {}", what, i, j, cycle));
}

// Far more cycles than any correct schedule needs: a schedule that never finishes is an error.
u64 cycle_limit(i64 r, i64 c, i64 t) {
  return u64(4 * (r + c + t) + 16);
}

}  // namespace

FoldRun run_os_fold(const Matrix& left, const Matrix& top) {
  const i64 r = left.rows, t_len = left.cols, c = top.cols;
  if (top.rows != t_len) throw std::invalid_argument("run_os_fold: shapes");
  auto at = [c](i64 i, i64 j) { return std::size_t(i * c + j); };
  std::vector<Word> h(std::size_t(r * c)), v(h.size()), acc(h.size());
  std::vector<i64> macs(h.size(), 0);
  for (i64 i = 0; i < r; ++i)
    for (i64 j = 0; j < c; ++j) acc[at(i, j)] = {0, i, true};  // the accumulator of row i
  FoldRun run;
  run.out = Matrix(r, c);
  i64 outputs = 0;
  u64 last_out = 0, last_mac = 0;
  for (u64 cycle = 0; outputs < r * c; ++cycle) {
    if (cycle > cycle_limit(r, c, t_len)) fail("os fold did not finish", 0, 0, cycle);
    // A column whose PEs had all done T MACs by the end of the previous cycle drains.
    std::vector<bool> drain(std::size_t(c), true);
    for (i64 j = 0; j < c; ++j)
      for (i64 i = 0; i < r; ++i)
        drain[std::size_t(j)] = drain[std::size_t(j)] && macs[at(i, j)] == t_len;
    auto nh = h, nv = v, nacc = acc;
    const i64 now = i64(cycle);
    for (i64 i = 0; i < r; ++i)
      for (i64 j = 0; j < c; ++j) {
        Word a, b;
        if (j == 0) {
          const i64 k = now - i;  // row i is skewed by i cycles
          a = (k >= 0 && k < t_len) ? Word{left.at(i, k), k, true} : Word{};
        } else {
          a = h[at(i, j - 1)];
        }
        if (i == 0) {
          const i64 k = now - j;  // column j is skewed by j cycles
          b = (k >= 0 && k < t_len) ? Word{top.at(k, j), k, true} : Word{};
        } else {
          b = v[at(i - 1, j)];
        }
        nh[at(i, j)] = a;
        nv[at(i, j)] = b;
        if (a.valid != b.valid || (a.valid && a.tag != b.tag))
          fail("operands out of step", i, j, cycle);
        if (!a.valid) continue;
        if (macs[at(i, j)] == t_len) fail("operand after the last MAC", i, j, cycle);
        nacc[at(i, j)].value += a.value * b.value;
        ++macs[at(i, j)];
        ++run.macs;
        last_mac = cycle;
      }
    // A draining column shifts its accumulators down by one; the bottom one leaves through the
    // column's port.
    for (i64 j = 0; j < c; ++j) {
      if (!drain[std::size_t(j)]) continue;
      const Word out = acc[at(r - 1, j)];
      if (out.valid) {
        run.out.at(out.tag, j) = out.value;
        ++outputs;
        last_out = cycle;
      }
      for (i64 i = r - 1; i > 0; --i) nacc[at(i, j)] = acc[at(i - 1, j)];
      nacc[at(0, j)] = Word{};
    }
    h = std::move(nh);
    v = std::move(nv);
    acc = std::move(nacc);
  }
  run.cycles = last_out + 1;
  run.to_last_mac = last_mac + 1;
  return run;
}

FoldRun run_stationary_fold(const Matrix& stationary, const Matrix& streamed) {
  const i64 r = stationary.rows, c = stationary.cols, t_len = streamed.rows;
  if (streamed.cols != r) throw std::invalid_argument("run_stationary_fold: shapes");
  auto at = [c](i64 i, i64 j) { return std::size_t(i * c + j); };
  std::vector<Word> s(std::size_t(r * c)), h(s.size()), p(s.size());
  FoldRun run;
  run.out = Matrix(t_len, c);
  u64 cycle = 0;
  // Load: the top port of column j takes the stationary words bottom row first; each cycle
  // every word moves one PE down.
  for (; cycle < u64(r); ++cycle) {
    auto ns = s;
    const i64 row = r - 1 - i64(cycle);
    for (i64 j = 0; j < c; ++j) {
      ns[at(0, j)] = {stationary.at(row, j), row, true};
      for (i64 i = 1; i < r; ++i) ns[at(i, j)] = s[at(i - 1, j)];
    }
    s = std::move(ns);
  }
  for (i64 i = 0; i < r; ++i)
    for (i64 j = 0; j < c; ++j)
      if (!s[at(i, j)].valid || s[at(i, j)].tag != i)
        fail("stationary word misplaced", i, j, cycle);
  // Stream: element t of row i enters at cycle r + t + i; partial sums move down.
  const u64 start = cycle;
  i64 outputs = 0;
  u64 last_out = 0;
  for (; outputs < t_len * c; ++cycle) {
    if (cycle - start > cycle_limit(r, c, t_len))
      fail("stationary fold did not finish", 0, 0, cycle);
    auto nh = h, np = p;
    for (i64 i = 0; i < r; ++i)
      for (i64 j = 0; j < c; ++j) {
        Word a;
        if (j == 0) {
          const i64 t = i64(cycle - start) - i;
          a = (t >= 0 && t < t_len) ? Word{streamed.at(t, i), t, true} : Word{};
        } else {
          a = h[at(i, j - 1)];
        }
        const Word in = i == 0 ? Word{0, a.tag, a.valid} : p[at(i - 1, j)];
        if (a.valid != in.valid || (a.valid && a.tag != in.tag))
          fail("partial sum out of step", i, j, cycle);
        nh[at(i, j)] = a;
        np[at(i, j)] = a.valid ? Word{in.value + a.value * s[at(i, j)].value, a.tag, true} : Word{};
        if (a.valid) ++run.macs;
      }
    for (i64 j = 0; j < c; ++j) {
      const Word out = np[at(r - 1, j)];
      if (!out.valid) continue;
      run.out.at(out.tag, j) = out.value;
      ++outputs;
      last_out = cycle;
    }
    h = std::move(nh);
    p = std::move(np);
  }
  run.cycles = last_out + 1;
  run.to_last_mac = run.cycles;  // the last MAC is the bottom PE's, whose result leaves then
  return run;
}

GemmRun run_gemm(lnslab::sim::Dataflow dataflow, int rows, int cols, const Matrix& a,
                 const Matrix& b, FoldEdges edges) {
  using lnslab::sim::Dataflow;
  const i64 m = a.rows, k = a.cols, n = b.cols;
  if (b.rows != k) throw std::invalid_argument("run_gemm: shapes");
  i64 s_r = 0, s_c = 0, t_len = 0;
  switch (dataflow) {
    case Dataflow::os:
      s_r = m, s_c = n, t_len = k;
      break;
    case Dataflow::ws:
      s_r = k, s_c = n, t_len = m;
      break;
    case Dataflow::is:
      s_r = k, s_c = m, t_len = n;
      break;
  }
  GemmRun run;
  run.c = Matrix(m, n);
  for (i64 i0 = 0; i0 < s_r; i0 += rows)
    for (i64 j0 = 0; j0 < s_c; j0 += cols) {
      const i64 r = std::min<i64>(rows, s_r - i0), c = std::min<i64>(cols, s_c - j0);
      const i64 pr = edges == FoldEdges::full ? rows : r;
      const i64 pc = edges == FoldEdges::full ? cols : c;
      FoldRun f;
      if (dataflow == Dataflow::os) {
        Matrix left(pr, t_len), top(t_len, pc);
        for (i64 i = 0; i < r; ++i)
          for (i64 t = 0; t < t_len; ++t) left.at(i, t) = a.at(i0 + i, t);
        for (i64 t = 0; t < t_len; ++t)
          for (i64 j = 0; j < c; ++j) top.at(t, j) = b.at(t, j0 + j);
        f = run_os_fold(left, top);
        for (i64 i = 0; i < r; ++i)
          for (i64 j = 0; j < c; ++j) run.c.at(i0 + i, j0 + j) += f.out.at(i, j);
      } else {
        const bool ws = dataflow == Dataflow::ws;
        Matrix s(pr, pc), x(t_len, pr);
        for (i64 i = 0; i < r; ++i)
          for (i64 j = 0; j < c; ++j) s.at(i, j) = ws ? b.at(i0 + i, j0 + j) : a.at(j0 + j, i0 + i);
        for (i64 t = 0; t < t_len; ++t)
          for (i64 i = 0; i < r; ++i) x.at(t, i) = ws ? a.at(t, i0 + i) : b.at(i0 + i, t);
        f = run_stationary_fold(s, x);
        for (i64 t = 0; t < t_len; ++t)
          for (i64 j = 0; j < c; ++j)
            (ws ? run.c.at(t, j0 + j) : run.c.at(j0 + j, t)) += f.out.at(t, j);
      }
      run.cycles += f.cycles;
      run.to_last_mac += f.to_last_mac;
      ++run.folds;
    }
  return run;
}

Matrix plain_gemm(const Matrix& a, const Matrix& b) {
  Matrix c(a.rows, b.cols);
  for (i64 i = 0; i < a.rows; ++i)
    for (i64 j = 0; j < b.cols; ++j)
      for (i64 k = 0; k < a.cols; ++k) c.at(i, j) += a.at(i, k) * b.at(k, j);
  return c;
}

}  // namespace sim_ref
