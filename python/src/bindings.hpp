#pragma once
// One function per part of the module, each in its own file; module.cpp calls them in order.
#include <pybind11/pybind11.h>

#include "lnslab/lns/format.hpp"

namespace lnslab::python {

namespace py = pybind11;
using FormatClass = py::class_<lns::Format>;

FormatClass bind_format(py::module_& m);  ///< Format, encode/decode/quantize, arithmetic, closure
void bind_gemm(FormatClass& cls);         ///< Format.gemm
void bind_sim(py::module_& m);            ///< simulate (the JSON of `lnslab sim --json`)
void bind_optim(py::module_& m);          ///< the C++ Madam / LNS Madam driven from torch
void bind_reference(py::module_& m);      ///< scalar reference loops for the tests

}  // namespace lnslab::python
