// The float GEMM for ISA portable (compile flags in nn/CMakeLists.txt).
#define LNSLAB_FLOAT_GEMM_NAME gemm_portable
#define LNSLAB_FLOAT_GEMM_EIGEN lnslab_eigen_portable
#include "gemm_body.inc"
