#include "arrays.hpp"

#include <algorithm>
#include <stdexcept>

namespace lnslab::python {
namespace {

py::dtype dtype_of(char kind, int bytes) {
  return py::dtype(std::string(1, kind) + std::to_string(bytes));
}

bool is_c_contiguous(const py::array& a) {
  return (a.flags() & py::array::c_style) != 0;
}

// One conversion (or none) to a C-contiguous array of `dtype`.
py::array as_contiguous(const py::array& a, const py::dtype& dtype) {
  if (a.dtype().is(dtype) && is_c_contiguous(a)) return a;
  return py::module_::import("numpy").attr("ascontiguousarray")(a, dtype);
}

template <typename T>
T largest_element(const py::array& a) {
  const T* p = static_cast<const T*>(a.data());
  const auto n = static_cast<std::size_t>(a.size());
  T m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, p[i]);
  return m;
}

}  // namespace

py::array real_array(const py::handle& obj, const char* what) {
  const py::array a = py::array::ensure(obj);
  if (!a) throw std::invalid_argument(std::string(what) + ": expected an array of real numbers");
  const char kind = a.dtype().kind();
  if (kind == 'f' && a.dtype().itemsize() == 4) return as_contiguous(a, dtype_of('f', 4));
  if (kind == 'f' && a.dtype().itemsize() == 2) return as_contiguous(a, dtype_of('f', 4));
  if (kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b')
    return as_contiguous(a, dtype_of('f', 8));
  throw std::invalid_argument(std::string(what) +
                              ": expected a float or integer array, got dtype " +
                              py::str(a.dtype()).cast<std::string>());
}

py::array code_array(const py::handle& obj, const lns::Format& f, const char* what) {
  const py::array a = py::array::ensure(obj);
  const std::string name = std::string(what) + " (codes of " + f.spec() + ")";
  if (!a) throw std::invalid_argument(name + ": expected an integer array");
  const char kind = a.dtype().kind();
  if (kind != 'u' && kind != 'i')
    throw std::invalid_argument(name + ": expected an integer array, got dtype " +
                                py::str(a.dtype()).cast<std::string>());
  const std::uint32_t limit = f.code_count();
  const py::dtype storage = dtype_of('u', byte_codes(f) ? 1 : 2);
  auto out_of_range = [&](const std::string& code) {
    return std::invalid_argument(name + ": code " + code + " is outside [0, " +
                                 std::to_string(limit) + ")");
  };
  if (a.dtype().is(storage)) {
    const py::array c = as_contiguous(a, storage);
    const std::uint32_t largest =
        byte_codes(f) ? largest_element<std::uint8_t>(c) : largest_element<std::uint16_t>(c);
    if (largest >= limit) throw out_of_range(std::to_string(largest));
    return c;
  }
  // Other integer types: checked in 64 bits before narrowing, so that nothing wraps into range.
  if (kind == 'u' && a.dtype().itemsize() == 8) {
    const py::array wide = as_contiguous(a, dtype_of('u', 8));
    const std::uint64_t largest = largest_element<std::uint64_t>(wide);
    if (largest >= limit) throw out_of_range(std::to_string(largest));
    return as_contiguous(wide, storage);
  }
  const py::array wide = as_contiguous(a, dtype_of('i', 8));
  const auto* p = static_cast<const std::int64_t*>(wide.data());
  for (py::ssize_t i = 0; i < wide.size(); ++i)
    if (p[i] < 0 || p[i] >= static_cast<std::int64_t>(limit))
      throw out_of_range(std::to_string(p[i]));
  return as_contiguous(wide, storage);
}

py::array new_code_array(const lns::Format& f, const std::vector<py::ssize_t>& shape) {
  return py::array(dtype_of('u', byte_codes(f) ? 1 : 2), shape);
}

std::vector<py::ssize_t> shape_of(const py::array& a) {
  return std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim());
}

lns::Rounding rounding_of(const std::string& text) {
  lns::Rounding r{};
  if (!lns::parse_rounding(text, r))
    throw std::invalid_argument("rounding '" + text +
                                "' is unknown: expected nearest, stochastic or toward_zero");
  return r;
}

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      py::dict d;
      for (const auto& [key, value] : j.items()) d[py::str(key)] = to_python(value);
      return d;
    }
    case nlohmann::json::value_t::array: {
      py::list l;
      for (const auto& value : j) l.append(to_python(value));
      return l;
    }
    case nlohmann::json::value_t::string:
      return py::str(j.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    default:
      return py::none();
  }
}

}  // namespace lnslab::python
