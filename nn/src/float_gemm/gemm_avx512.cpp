// The float GEMM for ISA avx512 (compile flags in nn/CMakeLists.txt).
#define LNSLAB_FLOAT_GEMM_NAME gemm_avx512
#define LNSLAB_FLOAT_GEMM_EIGEN lnslab_eigen_avx512
#include "gemm_body.inc"
