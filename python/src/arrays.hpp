#pragma once
// numpy <-> lnslab plumbing shared by the bindings: input arrays taken without a copy when they
// already have the kernel's dtype and layout (converted once otherwise), code arrays checked
// against their format, and the arguments every binding parses the same way.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lnslab/lns/format.hpp"

namespace lnslab::python {

namespace py = pybind11;

/// A real-valued input as a C-contiguous float32 or float64 array. float32 and float64 arrays that
/// are already C-contiguous are returned as they are; float16 becomes float32, integers and bools
/// float64 (one conversion). Anything else (complex, object, strings) is a ValueError naming
/// `what`.
py::array real_array(const py::handle& obj, const char* what);

/// Codes as a C-contiguous array of the format's storage: uint8 for formats up to 8 bits, uint16
/// above. An array of that dtype and layout is taken as it is; other integer arrays are converted
/// once. Every code must fit in the format's bits; otherwise a ValueError naming `what`.
py::array code_array(const py::handle& obj, const lns::Format& f, const char* what);

/// A new uninitialised code array of the format's storage dtype and the given shape.
py::array new_code_array(const lns::Format& f, const std::vector<py::ssize_t>& shape);
/// The shape of an array as a vector.
std::vector<py::ssize_t> shape_of(const py::array& a);
/// True for formats stored in one byte per code.
inline bool byte_codes(const lns::Format& f) {
  return f.bits() <= 8;
}

/// "nearest" | "stochastic" | "toward_zero", else ValueError.
lns::Rounding rounding_of(const std::string& text);

/// A JSON value as the equivalent Python object (dict, list, str, int, float, bool, None).
py::object to_python(const nlohmann::json& j);

}  // namespace lnslab::python
