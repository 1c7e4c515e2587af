// The extension module lnslab._lnslab; the package lnslab (python/lnslab) re-exports it.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "lnslab/nn/errors.hpp"

PYBIND11_MODULE(_lnslab, m) {
  m.doc() = "lnslab: low-precision logarithmic-number-system arithmetic (C++ kernels)";
  m.attr("revision") = LNSLAB_GIT_REVISION;
  // FormatError, sim/nn ConfigError are std::invalid_argument and so already ValueError; the
  // state handed to an optimizer that does not parse is bad input too.
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const lnslab::nn::CheckpointError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  auto format = lnslab::python::bind_format(m);
  lnslab::python::bind_gemm(format);
  lnslab::python::bind_sim(m);
  lnslab::python::bind_optim(m);
  lnslab::python::bind_reference(m);
}
