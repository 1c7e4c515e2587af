#include "lnslab/nn/matmul.hpp"

#include "float_gemm/gemm_kernel.hpp"
#include "lnslab/nn/isa.hpp"

namespace lnslab::nn {
namespace {

template <typename T>
float_gemm::Operand<T> operand(const Eigen::Ref<const Matrix<T>>& m, bool transpose) {
  return {m.data(), m.rows(), m.cols(), m.outerStride(), transpose};
}

}  // namespace

template <typename T>
void EigenMatmul<T>::gemm(GemmRole /*role*/, const In& a, bool transpose_a, const In& b,
                          bool transpose_b, Out c) {
  const float_gemm::Operand<T> oa = operand<T>(a, transpose_a), ob = operand<T>(b, transpose_b);
  const float_gemm::Output<T> oc{c.data(), c.rows(), c.cols(), c.outerStride()};
  switch (active_isa()) {
    case Isa::avx512:
      return float_gemm::gemm_avx512(oa, ob, oc);
    case Isa::avx2:
      return float_gemm::gemm_avx2(oa, ob, oc);
    case Isa::portable:
      break;
  }
  float_gemm::gemm_portable(oa, ob, oc);
}

template <typename T>
MatmulBackend<T>& default_matmul() {
  static EigenMatmul<T> backend;
  return backend;
}

template class EigenMatmul<float>;
template class EigenMatmul<double>;
template MatmulBackend<float>& default_matmul<float>();
template MatmulBackend<double>& default_matmul<double>();

}  // namespace lnslab::nn
