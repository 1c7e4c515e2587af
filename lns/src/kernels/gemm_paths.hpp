#pragma once
// The paths of the fast GEMM (internal), chosen by GemmPlan::run (gemm_run.cpp):
//   exact       doubles summed in k order per output (gemm_path_free.cpp);
//   free order  integer sums in any order, when no partial sum can saturate (gemm_path_free.cpp);
//   counted     exact sums with the magnitude bound per output, redoing the few outputs that may
//               have saturated (gemm_path_counted.cpp);
//   sequential  every output in k order with the saturation after each add, and logadd
//               (gemm_path_sequential.cpp).
#include <cstdint>
#include <vector>

#include "gemm_internal.hpp"
#include "gemm_prepare.hpp"

namespace lnslab::lns::kernels_detail {

/// NaN into every output of a NaN row or column.
void set_nan_outputs(const Prepared& q, double* c);

void run_exact(const GemmPlan::Impl& p, const Prepared& q, double* c, int threads);
/// fits_i32: K * max|entry| fits int32, so the int32 table and lanes are exact.
void run_free_order(const GemmPlan::Impl& p, const Prepared& q, bool fits_i32, double* c,
                    int threads);

/// The fields of the counted path's packed entries (gemm_path_counted.cpp); ok is false when
/// they do not fit 64 bits.
struct Packing {
  int zero_bits = 0;
  int bin_bits = 0;
  int abs_shift = 0;
  int u = 0;
  std::int64_t limit = 0;
  bool ok = false;
};
Packing choose_packing(const GemmPlan::Impl& p, int kdim);
void run_counted(const GemmPlan::Impl& p, const Prepared& q, const Packing& k, const CodeMatrix& a,
                 const CodeMatrix& b, double* c, GemmCounts& total, int threads);

/// One integer-datapath output in k order with the saturation after every add (the reference's
/// rule); bcol[k * bstep] are B's indices. Adds saturations and bins_touched to `counts`.
double integer_output(const GemmPlan::Impl& p, const std::int32_t* arow, const std::int32_t* bcol,
                      std::ptrdiff_t bstep, int kdim, std::vector<std::int64_t>& bins,
                      GemmCounts& counts);
/// Every output in k order (logadd, and the integer datapaths when the counted sums cannot be
/// packed); adds saturations and bins_touched to `total`.
void run_sequential(const GemmPlan::Impl& p, const Prepared& q, double* c, GemmCounts& total,
                    int threads);

}  // namespace lnslab::lns::kernels_detail
