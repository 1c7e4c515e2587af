// Mixed-operand GEMM: LNS codes times floats, decoded on the fly (gemm.hpp).
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gemm_simd.hpp"
#include "lnslab/lns/kernels/gemm.hpp"

namespace lnslab::lns {
namespace {

void check_shapes(int a_rows, int a_cols, int b_rows, int b_cols) {
  if (a_rows < 0 || a_cols < 0 || b_rows < 0 || b_cols < 0 || a_cols != b_rows)
    throw std::invalid_argument("lns::gemm_mixed: A is " + std::to_string(a_rows) + " x " +
                                std::to_string(a_cols) + " but B is " + std::to_string(b_rows) +
                                " x " + std::to_string(b_cols));
}

float code_value(const Format& f, const CodeMatrix& m, int i, int j) {
  return f.decode_float(m.data[i * m.row_stride + j * m.col_stride]);
}
float float_value(const FloatMatrix& m, int i, int j) {
  return m.data[i * m.row_stride + j * m.col_stride];
}

// The reference: one output at a time, c = c + a * b over increasing k.
template <typename GetA, typename GetB>
void reference(int m, int kdim, int n, GetA get_a, GetB get_b, float* c) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int k = 0; k < kdim; ++k) {
        const float p = get_a(i, k) * get_b(k, j);
        s = s + p;
      }
      c[static_cast<std::ptrdiff_t>(i) * n + j] = s;
    }
}

// The fast path: both operands packed as row-major floats, rows split between threads.
void fast(int m, int kdim, int n, const std::vector<float>& a, const std::vector<float>& b,
          float* c, int threads) {
  if (threads < 1) throw std::invalid_argument("lns::gemm_mixed: threads must be >= 1");
  const int parts = std::max(1, std::min(threads, m));
  std::vector<std::thread> pool;
  for (int t = 1; t < parts; ++t) {
    const int i0 = static_cast<int>(static_cast<long long>(m) * t / parts);
    const int i1 = static_cast<int>(static_cast<long long>(m) * (t + 1) / parts);
    pool.emplace_back(
        [&, i0, i1] { kernels_detail::mixed_f32(a.data(), b.data(), kdim, n, i0, i1, c); });
  }
  kernels_detail::mixed_f32(a.data(), b.data(), kdim, n, 0,
                            static_cast<int>(static_cast<long long>(m) / parts), c);
  for (auto& th : pool) th.join();
}

}  // namespace

void gemm_mixed_reference(const Format& fa, CodeMatrix a, FloatMatrix b, float* c) {
  check_shapes(a.rows, a.cols, b.rows, b.cols);
  reference(
      a.rows, a.cols, b.cols, [&](int i, int k) { return code_value(fa, a, i, k); },
      [&](int k, int j) { return float_value(b, k, j); }, c);
}

void gemm_mixed_reference(FloatMatrix a, const Format& fb, CodeMatrix b, float* c) {
  check_shapes(a.rows, a.cols, b.rows, b.cols);
  reference(
      a.rows, a.cols, b.cols, [&](int i, int k) { return float_value(a, i, k); },
      [&](int k, int j) { return code_value(fb, b, k, j); }, c);
}

void gemm_mixed(const Format& fa, CodeMatrix a, FloatMatrix b, float* c, int threads) {
  check_shapes(a.rows, a.cols, b.rows, b.cols);
  std::vector<float> pa(static_cast<std::size_t>(a.rows) * a.cols);
  std::vector<float> pb(static_cast<std::size_t>(b.rows) * b.cols);
  for (int i = 0; i < a.rows; ++i)
    for (int k = 0; k < a.cols; ++k)
      pa[static_cast<std::size_t>(i) * a.cols + k] = code_value(fa, a, i, k);
  for (int k = 0; k < b.rows; ++k)
    for (int j = 0; j < b.cols; ++j)
      pb[static_cast<std::size_t>(k) * b.cols + j] = float_value(b, k, j);
  fast(a.rows, a.cols, b.cols, pa, pb, c, threads);
}

void gemm_mixed(FloatMatrix a, const Format& fb, CodeMatrix b, float* c, int threads) {
  check_shapes(a.rows, a.cols, b.rows, b.cols);
  std::vector<float> pa(static_cast<std::size_t>(a.rows) * a.cols);
  std::vector<float> pb(static_cast<std::size_t>(b.rows) * b.cols);
  for (int i = 0; i < a.rows; ++i)
    for (int k = 0; k < a.cols; ++k)
      pa[static_cast<std::size_t>(i) * a.cols + k] = float_value(a, i, k);
  for (int k = 0; k < b.rows; ++k)
    for (int j = 0; j < b.cols; ++j)
      pb[static_cast<std::size_t>(k) * b.cols + j] = code_value(fb, b, k, j);
  fast(a.rows, a.cols, b.cols, pa, pb, c, threads);
}

}  // namespace lnslab::lns
