#include "lnslab/nn/matmul.hpp"

namespace lnslab::nn {

template <typename T>
void EigenMatmul<T>::gemm(GemmRole /*role*/, const In& a, bool transpose_a, const In& b,
                          bool transpose_b, Out c) {
  if (!transpose_a && !transpose_b) {
    c.noalias() = a * b;
  } else if (transpose_a && !transpose_b) {
    c.noalias() = a.transpose() * b;
  } else if (!transpose_a && transpose_b) {
    c.noalias() = a * b.transpose();
  } else {
    c.noalias() = a.transpose() * b.transpose();
  }
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
