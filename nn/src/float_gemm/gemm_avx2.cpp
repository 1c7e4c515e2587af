// The float GEMM for ISA avx2 (compile flags in nn/CMakeLists.txt).
#define LNSLAB_FLOAT_GEMM_NAME gemm_avx2
#define LNSLAB_FLOAT_GEMM_EIGEN lnslab_eigen_avx2
#include "gemm_body.inc"
