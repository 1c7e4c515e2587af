// lnslab._lnslab.reference: the scalar lns::Format operations applied element by element, the
// exact reference that the tests compare the kernel-backed Format methods with, bit for bit.
// Slow by design (one scalar call per element); not part of the documented API.
#include <pybind11/numpy.h>

#include <string>

#include "arrays.hpp"
#include "bindings.hpp"
#include "lnslab/lns/kernels/gemm.hpp"

namespace lnslab::python {
namespace {

template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <typename X>
py::array_t<std::uint16_t> encode(const lns::Format& f, const Array<X>& x,
                                  const std::string& rounding, std::uint64_t seed) {
  const lns::Policy policy{rounding_of(rounding), lns::Underflow::flush};
  lns::Rng rng(seed);
  py::array_t<std::uint16_t> out(x.size());
  for (py::ssize_t i = 0; i < x.size(); ++i)
    out.mutable_data()[i] = f.encode(x.data()[i], policy, &rng);
  return out;
}

py::array decode(const lns::Format& f, const Array<std::uint16_t>& c, bool as_float) {
  if (as_float) {
    py::array_t<float> out(c.size());
    for (py::ssize_t i = 0; i < c.size(); ++i) out.mutable_data()[i] = f.decode_float(c.data()[i]);
    return out;
  }
  py::array_t<double> out(c.size());
  for (py::ssize_t i = 0; i < c.size(); ++i) out.mutable_data()[i] = f.decode(c.data()[i]);
  return out;
}

py::array_t<std::uint16_t> binary(const lns::Format& f, const std::string& op,
                                  const Array<std::uint16_t>& a, const Array<std::uint16_t>& b,
                                  const std::string& rounding, std::uint64_t seed) {
  if (a.size() != b.size()) throw std::invalid_argument("reference: sizes differ");
  const lns::Policy policy{rounding_of(rounding), lns::Underflow::flush};
  lns::Rng rng(seed);
  py::array_t<std::uint16_t> out(a.size());
  for (py::ssize_t i = 0; i < a.size(); ++i) {
    const lns::code_t x = a.data()[i], y = b.data()[i];
    lns::code_t r = 0;
    if (op == "add")
      r = f.add(x, y, policy, &rng);
    else if (op == "sub")
      r = f.sub(x, y, policy, &rng);
    else if (op == "mul")
      r = f.mul(x, y, policy);
    else if (op == "div")
      r = f.div(x, y, policy);
    else
      throw std::invalid_argument("reference: unknown op " + op);
    out.mutable_data()[i] = r;
  }
  return out;
}

// lns::gemm_reference on row-major uint16 code matrices of one format (logadd into the same).
py::tuple gemm(const lns::Format& f, const Array<std::uint16_t>& a, const Array<std::uint16_t>& b,
               const std::string& datapath) {
  if (a.ndim() != 2 || b.ndim() != 2 || a.shape(1) != b.shape(0))
    throw std::invalid_argument("reference: gemm shapes");
  const auto m = static_cast<int>(a.shape(0)), k = static_cast<int>(a.shape(1)),
             n = static_cast<int>(b.shape(1));
  py::array_t<double> c({static_cast<py::ssize_t>(m), static_cast<py::ssize_t>(n)});
  lns::GemmCounts counts;
  lns::gemm_reference(f, lns::CodeMatrix::row_major(a.data(), m, k), f,
                      lns::CodeMatrix::row_major(b.data(), k, n), lns::parse_datapath(datapath), f,
                      c.mutable_data(), &counts);
  return py::make_tuple(c, counts.saturations, counts.zero_skipped, counts.nan_outputs,
                        counts.bins_touched);
}

}  // namespace

void bind_reference(py::module_& m) {
  auto r = m.def_submodule("reference", "scalar reference loops (for tests)");
  r.def("encode_float", &encode<float>, py::arg("format"), py::arg("values"),
        py::arg("rounding") = "nearest", py::arg("seed") = 0);
  r.def("encode_double", &encode<double>, py::arg("format"), py::arg("values"),
        py::arg("rounding") = "nearest", py::arg("seed") = 0);
  r.def("decode", &decode, py::arg("format"), py::arg("codes"), py::arg("as_float") = false);
  r.def("binary", &binary, py::arg("format"), py::arg("op"), py::arg("a"), py::arg("b"),
        py::arg("rounding") = "nearest", py::arg("seed") = 0);
  r.def("gemm", &gemm, py::arg("format"), py::arg("a"), py::arg("b"), py::arg("datapath"));
}

}  // namespace lnslab::python
