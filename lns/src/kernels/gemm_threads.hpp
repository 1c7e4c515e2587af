#pragma once
// The GEMM's thread split (internal): contiguous parts of rows or columns over std::thread.
// Which part computes which outputs never changes a result.
#include <algorithm>
#include <thread>
#include <vector>

namespace lnslab::lns::kernels_detail {

/// Number of parts parallel_for uses for n items and `threads` threads.
inline int part_count(int n, int threads) {
  return std::max(1, std::min(threads, n));
}

/// Runs body(part, begin, end) over [0, n) split into part_count(n, threads) contiguous parts,
/// part 0 on the calling thread.
template <typename Body>
void parallel_for(int n, int threads, Body body) {
  const int parts = part_count(n, threads);
  auto begin_of = [&](int t) { return static_cast<int>(static_cast<long long>(n) * t / parts); };
  if (parts == 1) {
    body(0, 0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(parts - 1));
  for (int t = 1; t < parts; ++t) {
    const int begin = begin_of(t);
    const int end = begin_of(t + 1);
    pool.emplace_back([&body, t, begin, end] { body(t, begin, end); });
  }
  body(0, 0, begin_of(1));
  for (auto& th : pool) th.join();
}

/// Runs body(part, i0, i1, j0, j1) over the m x n outputs: rows split between threads when there
/// are at least as many rows as columns or at least two rows per thread, else columns.
template <typename Body>
void split_outputs(int m, int n, int threads, Body body) {
  if (m >= n || m >= 2 * threads)
    parallel_for(m, threads, [&](int part, int i0, int i1) { body(part, i0, i1, 0, n); });
  else
    parallel_for(n, threads, [&](int part, int j0, int j1) { body(part, 0, m, j0, j1); });
}

}  // namespace lnslab::lns::kernels_detail
