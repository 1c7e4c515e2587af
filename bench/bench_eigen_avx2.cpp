// Eigen fp32 GEMM built with -mavx2 -mfma (see CMakeLists.txt); called only on AVX2 CPUs.
#include <Eigen/Core>

void lnslab_bench_eigen_gemm_avx2(const float* a, const float* b, float* c, int n) {
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const M> ma(a, n, n), mb(b, n, n);
  Eigen::Map<M> mc(c, n, n);
  mc.noalias() = ma * mb;
}
