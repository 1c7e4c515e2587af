#include "format_properties.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "common.hpp"
#include "lnslab/lns/format.hpp"

namespace lnslab::cli {
namespace {

struct Baseline {
  const char* name;
  int bits;
  int mantissa_bits;
  double smallest_normal;
  double largest;
};

// IEEE 754 binary32/binary16, bfloat16, OCP FP8 E4M3 (no infinity, max 448) and E5M2.
constexpr std::array<Baseline, 5> float_baselines{{
    {"fp32", 32, 23, 0x1p-126, 0x1.fffffep127},
    {"fp16", 16, 10, 0x1p-14, 65504.0},
    {"bf16", 16, 7, 0x1p-126, 0x1.fep127},
    {"fp8e4m3", 8, 3, 0x1p-6, 448.0},
    {"fp8e5m2", 8, 2, 0x1p-14, 57344.0},
}};

void fill_range(FormatProperties& p) {
  p.range_octaves = std::log2(p.largest / p.smallest);
  p.range_db = 20.0 * std::log10(p.largest / p.smallest);
}

}  // namespace

FormatProperties describe_format(const std::string& spec) {
  FormatProperties p;
  p.spec = spec;
  for (const auto& b : float_baselines) {
    if (spec != b.name) continue;
    p.kind = "float";
    p.bits = b.bits;
    p.base = 2.0;
    const int exponent_bits = b.bits - 1 - b.mantissa_bits;
    p.bias = (1 << (exponent_bits - 1)) - 1;
    p.smallest = b.smallest_normal;
    p.largest = b.largest;
    const double u = std::ldexp(1.0, -(b.mantissa_bits + 1));
    p.spacing = 2.0 * u;
    p.max_rounding_error = u / (1.0 + u);
    p.magnitudes = static_cast<long>(std::floor(std::log2(b.largest / b.smallest_normal)) + 1) *
                       (1L << b.mantissa_bits) -
                   (spec == "fp8e4m3" ? 1 : 0);  // E4M3 gives its top mantissa code to NaN
    fill_range(p);
    return p;
  }
  if (spec == "int8") {
    p.kind = "int";
    p.bits = 8;
    p.magnitudes = 127;
    p.smallest = 1.0;  // in units of the per-tensor scale
    p.largest = 127.0;
    p.spacing = 1.0 / 127.0;
    p.max_rounding_error = 0.5 / 1.5;  // worst inside [1, 127]: 1.5 rounds to 1 or 2
    fill_range(p);
    return p;
  }
  if (spec.rfind("lns", 0) != 0)
    throw InputError("format spec '" + spec +
                     "' is unknown: expected an LNS spec like lns8:eta0=0.016 or one of fp32, "
                     "fp16, bf16, fp8e4m3, fp8e5m2, int8");
  const lns::Format f = lns::Format::parse(spec);
  p.spec = f.spec();
  p.kind = "lns";
  p.bits = f.bits();
  p.base = f.base();
  p.bias = f.bias();
  p.magnitudes = f.kmax();
  p.smallest = f.min_magnitude();
  p.largest = f.max_magnitude();
  const double log_b = std::log(f.base_ld());
  p.range_octaves = (f.kmax() - 1) * log_b / std::log(2.0);
  p.range_db = 20.0 * (f.kmax() - 1) * log_b / std::log(10.0);
  p.spacing = f.eta0();
  p.max_rounding_error = static_cast<double>(std::sqrt(f.base_ld()) - 1.0L);
  p.sum_entries = std::to_string(f.sum_table().size());
  p.difference_entries = std::to_string(f.difference_table().size());
  p.table_bytes = std::to_string(2 * (f.sum_table().size() + f.difference_table().size()));
  return p;
}

nlohmann::json to_json(const FormatProperties& p) {
  nlohmann::json j{{"spec", p.spec},
                   {"kind", p.kind},
                   {"bits", p.bits},
                   {"base", p.base},
                   {"bias", p.bias},
                   {"nonzero_magnitudes", p.magnitudes},
                   {"smallest_magnitude", p.smallest},
                   {"largest_magnitude", p.largest},
                   {"dynamic_range_db", p.range_db},
                   {"dynamic_range_octaves", p.range_octaves},
                   {"relative_spacing", p.spacing},
                   {"max_relative_rounding_error", p.max_rounding_error}};
  if (p.kind == "lns") {
    j["sum_table_entries"] = std::stol(p.sum_entries);
    j["difference_table_entries"] = std::stol(p.difference_entries);
  }
  return j;
}

std::string dump_codes_csv(const std::string& spec) {
  if (spec.rfind("lns", 0) != 0)
    throw InputError("--dump needs an LNS format spec, got '" + spec + "'");
  const lns::Format f = lns::Format::parse(spec);
  std::string out = "code,sign,k,value\n";
  for (std::uint32_t c = 0; c < f.code_count(); ++c) {
    const auto code = static_cast<lns::code_t>(c);
    const int sign = (c >> (f.bits() - 1)) & 1;
    out += fmt::format("{},{},{},{:.17g}\n", c, sign, f.exponent(code), f.decode(code));
  }
  return out;
}

}  // namespace lnslab::cli
