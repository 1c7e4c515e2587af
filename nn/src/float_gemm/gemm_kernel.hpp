#pragma once
// The float GEMM compiled once per ISA (internal to nn; matmul.cpp dispatches).
//
// Eigen picks its SIMD at compile time, so the same product is built in three translation units
// with different -m flags. Each renames Eigen's namespace (gemm_body.inc) so that the three sets
// of template instances cannot be merged by the linker, and the interface below carries only
// plain pointers and sizes.
#include <cstddef>

namespace lnslab::nn::float_gemm {

/// A row-major matrix view: element (i, j) at data[i * stride + j]; `transpose` uses it as its
/// transpose.
/// The cache sizes Eigen blocks its products for, fixed so that the order of float sums (hence the
/// bits) does not depend on the machine's caches.
inline constexpr std::ptrdiff_t eigen_l1_bytes = 32 * 1024, eigen_l2_bytes = 256 * 1024,
                                eigen_l3_bytes = 2 * 1024 * 1024;

template <typename T>
struct Operand {
  const T* data;
  std::ptrdiff_t rows, cols, stride;
  bool transpose;
};

/// The row-major result c = op(a) * op(b), [op(a).rows, op(b).cols], overwritten.
template <typename T>
struct Output {
  T* data;
  std::ptrdiff_t rows, cols, stride;
};

void gemm_portable(const Operand<float>& a, const Operand<float>& b, const Output<float>& c);
void gemm_portable(const Operand<double>& a, const Operand<double>& b, const Output<double>& c);
void gemm_avx2(const Operand<float>& a, const Operand<float>& b, const Output<float>& c);
void gemm_avx2(const Operand<double>& a, const Operand<double>& b, const Output<double>& c);
void gemm_avx512(const Operand<float>& a, const Operand<float>& b, const Output<float>& c);
void gemm_avx512(const Operand<double>& a, const Operand<double>& b, const Output<double>& c);

}  // namespace lnslab::nn::float_gemm
