// lnslab.Format: properties, conversion and elementwise arithmetic over numpy arrays, closure.
// Every array operation is one call of an lns kernel (lnslab/lns/kernels/elementwise.hpp) with
// the GIL released; codes are uint8 for formats up to 8 bits and uint16 above.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <span>
#include <string>

#include "arrays.hpp"
#include "bindings.hpp"
#include "format_properties.hpp"
#include "lnslab/lns/closure.hpp"
#include "lnslab/lns/kernels/elementwise.hpp"

namespace lnslab::python {
namespace {

template <typename T>
std::span<const T> in_span(const py::array& a) {
  return {static_cast<const T*>(a.data()), static_cast<std::size_t>(a.size())};
}
template <typename T>
std::span<T> out_span(py::array& a) {
  return {static_cast<T*>(a.mutable_data()), static_cast<std::size_t>(a.size())};
}

// x (float32 or float64, C-contiguous) -> codes of storage T.
template <typename T>
void encode_into(const lns::Format& f, const py::array& x, py::array& out, lns::Policy policy,
                 lns::Rng& rng) {
  auto o = out_span<T>(out);
  if (x.dtype().itemsize() == 4) {
    const auto in = in_span<float>(x);
    py::gil_scoped_release release;
    lns::encode<T>(f, in, o, policy, &rng);
  } else {
    const auto in = in_span<double>(x);
    py::gil_scoped_release release;
    lns::encode<T>(f, in, o, policy, &rng);
  }
}

template <typename T>
void decode_into(const lns::Format& f, const py::array& c, py::array& out) {
  const auto in = in_span<T>(c);
  if (out.dtype().itemsize() == 4) {
    auto o = out_span<float>(out);
    py::gil_scoped_release release;
    lns::decode<T>(f, in, o);
  } else {
    auto o = out_span<double>(out);
    py::gil_scoped_release release;
    lns::decode<T>(f, in, o);
  }
}

py::array checked_out(const py::object& out, const lns::Format& f, const py::array& x) {
  if (out.is_none()) return new_code_array(f, shape_of(x));
  const py::array o = py::array::ensure(out);
  const py::dtype storage(byte_codes(f) ? "u1" : "u2");
  if (!o || !o.dtype().is(storage) || !(o.flags() & py::array::c_style) || !o.writeable() ||
      shape_of(o) != shape_of(x))
    throw std::invalid_argument("encode: out must be a writeable C-contiguous " +
                                py::str(py::object(storage)).cast<std::string>() +
                                " array of the input's shape");
  return o;
}

py::array encode(const lns::Format& f, const py::object& values, const std::string& rounding,
                 std::uint64_t seed, const py::object& out) {
  const py::array x = real_array(values, "encode");
  py::array codes = checked_out(out, f, x);
  lns::Rng rng(seed);
  const lns::Policy policy{rounding_of(rounding), lns::Underflow::flush};
  if (byte_codes(f))
    encode_into<std::uint8_t>(f, x, codes, policy, rng);
  else
    encode_into<std::uint16_t>(f, x, codes, policy, rng);
  return codes;
}

py::dtype float_dtype(const py::object& dtype) {
  const py::dtype d = py::dtype::from_args(dtype);
  if (d.kind() != 'f' || (d.itemsize() != 4 && d.itemsize() != 8))
    throw std::invalid_argument("decode: dtype must be float32 or float64, got " +
                                py::str(py::object(d)).cast<std::string>());
  return d;
}

py::array decode(const lns::Format& f, const py::object& codes, const py::object& dtype) {
  const py::array c = code_array(codes, f, "decode");
  py::array out(float_dtype(dtype), shape_of(c));
  if (byte_codes(f))
    decode_into<std::uint8_t>(f, c, out);
  else
    decode_into<std::uint16_t>(f, c, out);
  return out;
}

// encode then decode into the input's float type, without a Python-visible code array.
py::array quantize(const lns::Format& f, const py::object& values, const std::string& rounding,
                   std::uint64_t seed) {
  const py::array x = real_array(values, "quantize");
  py::array codes = new_code_array(f, shape_of(x));
  lns::Rng rng(seed);
  const lns::Policy policy{rounding_of(rounding), lns::Underflow::flush};
  py::array out(x.dtype(), shape_of(x));
  if (byte_codes(f)) {
    encode_into<std::uint8_t>(f, x, codes, policy, rng);
    decode_into<std::uint8_t>(f, codes, out);
  } else {
    encode_into<std::uint16_t>(f, x, codes, policy, rng);
    decode_into<std::uint16_t>(f, codes, out);
  }
  return out;
}

enum class Binary { add, sub, mul, div };

template <typename T>
void binary_into(const lns::Format& f, Binary op, const py::array& a, const py::array& b,
                 py::array& out, lns::Policy policy, lns::Rng& rng) {
  const auto x = in_span<T>(a);
  const auto y = in_span<T>(b);
  auto o = out_span<T>(out);
  py::gil_scoped_release release;
  switch (op) {
    case Binary::add:
      return lns::add<T>(f, x, y, o, policy, &rng);
    case Binary::sub:
      return lns::sub<T>(f, x, y, o, policy, &rng);
    case Binary::mul:
      return lns::mul<T>(f, x, y, o, policy);
    case Binary::div:
      return lns::div<T>(f, x, y, o, policy);
  }
}

std::string shape_text(const py::array& a) {
  return py::str(py::tuple(py::cast(shape_of(a)))).cast<std::string>();
}

py::array binary(const lns::Format& f, Binary op, const char* name, const py::object& a_obj,
                 const py::object& b_obj, const std::string& rounding, std::uint64_t seed) {
  const py::array a = code_array(a_obj, f, name);
  const py::array b = code_array(b_obj, f, name);
  if (shape_of(a) != shape_of(b))
    throw std::invalid_argument(std::string(name) + ": operand shapes " + shape_text(a) + " and " +
                                shape_text(b) + " differ");
  py::array out = new_code_array(f, shape_of(a));
  lns::Rng rng(seed);
  const lns::Policy policy{rounding_of(rounding), lns::Underflow::flush};
  if (byte_codes(f))
    binary_into<std::uint8_t>(f, op, a, b, out, policy, rng);
  else
    binary_into<std::uint16_t>(f, op, a, b, out, policy, rng);
  return out;
}

py::array unary(const lns::Format& f, bool negate, const py::object& a_obj) {
  const py::array a = code_array(a_obj, f, negate ? "neg" : "abs");
  py::array out = new_code_array(f, shape_of(a));
  auto run = [&]<typename T>(T) {
    const auto x = in_span<T>(a);
    auto o = out_span<T>(out);
    py::gil_scoped_release release;
    if (negate)
      lns::neg<T>(f, x, o);
    else
      lns::abs<T>(f, x, o);
  };
  if (byte_codes(f))
    run(std::uint8_t{});
  else
    run(std::uint16_t{});
  return out;
}

py::dict closure(const lns::Format& f, const std::string& op_text) {
  lns::Op op{};
  if (!lns::parse_op(op_text, op))
    throw std::invalid_argument("op '" + op_text + "' is unknown: expected add, sub, mul or div");
  lns::ClosureSummary s;
  {
    py::gil_scoped_release release;
    s = lns::closure(f, op);
  }
  py::dict d;
  d["format"] = f.spec();
  d["op"] = std::string(lns::to_string(op));
  d["pairs"] = s.pairs;
  d["exact"] = s.exact;
  d["rounded"] = s.rounded;
  d["saturated"] = s.saturated;
  d["flushed"] = s.flushed;
  d["nan"] = s.nan;
  return d;
}

}  // namespace

FormatClass bind_format(py::module_& m) {
  FormatClass cls(m, "Format",
                  "An LNS format: B bits (3..16), base b = 1 + eta0 or 2^(1/gamma), bias.");
  cls.def(py::init([](const std::string& spec) { return lns::Format::parse(spec); }),
          py::arg("spec"), "Parses lnsB:eta0=X, lnsB:gamma=G or lnsB:base=X, each with ,bias=N.")
      .def_property_readonly("spec", &lns::Format::spec, "canonical spec string")
      .def_property_readonly("bits", &lns::Format::bits)
      .def_property_readonly("base", &lns::Format::base)
      .def_property_readonly("eta0", &lns::Format::eta0, "b - 1")
      .def_property_readonly("gamma", &lns::Format::gamma, "gamma, or None")
      .def_property_readonly("bias", &lns::Format::bias)
      .def_property_readonly("kmax", &lns::Format::kmax, "K = 2^(B-1) - 1")
      .def_property_readonly("code_count", &lns::Format::code_count, "2^B")
      .def_property_readonly("min_magnitude", &lns::Format::min_magnitude)
      .def_property_readonly("max_magnitude", &lns::Format::max_magnitude)
      .def_property_readonly(
          "code_dtype", [](const lns::Format& f) { return py::dtype(byte_codes(f) ? "u1" : "u2"); },
          "numpy dtype of code arrays: uint8 up to 8 bits, uint16 above")
      .def(
          "properties",
          [](const lns::Format& f) {
            return to_python(cli::to_json(cli::describe_format(f.spec())));
          },
          "The properties `lnslab format --json` writes, as a dict.")
      .def("encode", &encode, py::arg("values"), py::arg("rounding") = "nearest",
           py::arg("seed") = 0, py::arg("out") = py::none(),
           "float32/float64 array (any shape) -> code array of the same shape. rounding: "
           "nearest | stochastic | toward_zero; seed seeds stochastic rounding. out: an optional "
           "C-contiguous code array of the same shape to write into.")
      .def("decode", &decode, py::arg("codes"), py::arg("dtype") = py::dtype("f8"),
           "code array -> float64 (or float32) values, same shape.")
      .def("quantize", &quantize, py::arg("values"), py::arg("rounding") = "nearest",
           py::arg("seed") = 0, "decode(encode(values)) in the input's float type.")
      .def(
          "add",
          [](const lns::Format& f, const py::object& a, const py::object& b,
             const std::string& rounding,
             std::uint64_t seed) { return binary(f, Binary::add, "add", a, b, rounding, seed); },
          py::arg("a"), py::arg("b"), py::arg("rounding") = "nearest", py::arg("seed") = 0)
      .def(
          "sub",
          [](const lns::Format& f, const py::object& a, const py::object& b,
             const std::string& rounding,
             std::uint64_t seed) { return binary(f, Binary::sub, "sub", a, b, rounding, seed); },
          py::arg("a"), py::arg("b"), py::arg("rounding") = "nearest", py::arg("seed") = 0)
      .def(
          "mul",
          [](const lns::Format& f, const py::object& a, const py::object& b) {
            return binary(f, Binary::mul, "mul", a, b, "nearest", 0);
          },
          py::arg("a"), py::arg("b"), "exact exponent addition; saturates, flushes")
      .def(
          "div",
          [](const lns::Format& f, const py::object& a, const py::object& b) {
            return binary(f, Binary::div, "div", a, b, "nearest", 0);
          },
          py::arg("a"), py::arg("b"), "exact exponent subtraction; x / 0 is NaN")
      .def(
          "neg", [](const lns::Format& f, const py::object& a) { return unary(f, true, a); },
          py::arg("a"))
      .def(
          "abs", [](const lns::Format& f, const py::object& a) { return unary(f, false, a); },
          py::arg("a"))
      .def("closure", &closure, py::arg("op"),
           "Counts of exact/rounded/saturated/flushed/NaN results of op over all code pairs "
           "(`lnslab closure`; formats up to 12 bits).")
      .def("__eq__", [](const lns::Format& a, const lns::Format& b) { return a == b; })
      .def("__hash__", [](const lns::Format& f) { return py::hash(py::str(f.spec())); })
      .def("__repr__", [](const lns::Format& f) { return "Format('" + f.spec() + "')"; })
      .def(py::pickle([](const lns::Format& f) { return f.spec(); },
                      [](const std::string& spec) { return lns::Format::parse(spec); }));
  return cls;
}

}  // namespace lnslab::python
