// Format.gemm: C[M x N] = A[M x K] * B[K x N] over code matrices through lns::GemmPlan (the fast
// path, bit-identical to gemm_reference), with the saturation counts of the datapath.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "arrays.hpp"
#include "bindings.hpp"
#include "lnslab/lns/kernels/gemm.hpp"

namespace lnslab::python {
namespace {

// A validated 2-D code matrix as C-contiguous uint16 (the GEMM kernels' code_t).
py::array matrix_codes(const py::object& obj, const lns::Format& f, const char* what) {
  py::array c = code_array(obj, f, what);
  if (c.ndim() != 2)
    throw std::invalid_argument(std::string("gemm: ") + what + " must be a 2-D code array, got " +
                                std::to_string(c.ndim()) + " dimension(s)");
  if (byte_codes(f)) c = py::module_::import("numpy").attr("ascontiguousarray")(c, "u2");
  return c;
}

py::tuple gemm(const lns::Format& fa, const py::object& a_obj, const py::object& b_obj,
               const std::string& datapath, int threads, const std::optional<lns::Format>& b_fmt,
               const std::optional<lns::Format>& out_fmt) {
  const lns::Format& fb = b_fmt ? *b_fmt : fa;
  const lns::Format& fo = out_fmt ? *out_fmt : fa;
  const lns::Datapath dp = lns::parse_datapath(datapath);
  if (threads < 1)
    throw std::invalid_argument("gemm: threads must be at least 1, got " + std::to_string(threads));
  const py::array a = matrix_codes(a_obj, fa, "a");
  const py::array b = matrix_codes(b_obj, fb, "b");
  const auto m = static_cast<int>(a.shape(0));
  const auto k = static_cast<int>(a.shape(1));
  const auto n = static_cast<int>(b.shape(1));
  if (b.shape(0) != k)
    throw std::invalid_argument("gemm: a is " + std::to_string(m) + " x " + std::to_string(k) +
                                " but b is " + std::to_string(b.shape(0)) + " x " +
                                std::to_string(n) + ": inner dimensions differ");
  py::array_t<double> c({static_cast<py::ssize_t>(m), static_cast<py::ssize_t>(n)});
  const auto am = lns::CodeMatrix::row_major(static_cast<const lns::code_t*>(a.data()), m, k);
  const auto bm = lns::CodeMatrix::row_major(static_cast<const lns::code_t*>(b.data()), k, n);
  double* out = c.mutable_data();
  lns::GemmCounts counts;
  {
    py::gil_scoped_release release;
    const lns::GemmPlan plan(fa, fb, dp, fo);  // throws for an unsupported format/datapath pair
    plan.run(am, bm, out, &counts, threads);
  }
  py::dict d;
  d["macs"] = counts.macs;
  d["zero_skipped"] = counts.zero_skipped;
  d["nan_outputs"] = counts.nan_outputs;
  d["saturations"] = counts.saturations;
  d["bins_touched"] = counts.bins_touched;
  return py::make_tuple(c, d);
}

}  // namespace

void bind_gemm(FormatClass& cls) {
  cls.def("gemm", &gemm, py::arg("a"), py::arg("b"), py::arg("datapath") = "linear:F=16,W=32",
          py::arg("threads") = 1, py::arg("b_format") = py::none(),
          py::arg("out_format") = py::none(),
          "(C, counts): C[M x N] float64 = A[M x K] * B[K x N] in code units, A codes of this "
          "format, B codes of b_format (default: this one), summed by the datapath "
          "(linear:F=..,W=.. | bins:F=..,W=.. | bins_mitchell:F=..,W=..,low=.. | logadd | exact); "
          "out_format is the logadd result format. counts: macs, zero_skipped, nan_outputs, "
          "saturations, bins_touched. Results do not depend on threads.");
}

}  // namespace lnslab::python
