// Workloads: GEMM shapes, SCALE-Sim topology CSV files, training steps.
#include "lnslab/sim/workload.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>
#include <initializer_list>

#include <limits>
#include <vector>

#include "lnslab/sim/errors.hpp"
#include "toml_util.hpp"

namespace lnslab::sim {
namespace {

constexpr std::int64_t kMaxDim = std::int64_t{1} << 40;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t pos = line.find(sep, start);
    out.push_back(trim(line.substr(start, pos == std::string_view::npos ? pos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();  // trailing commas
  return out;
}

bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

std::string_view to_string(Pass p) {
  switch (p) {
    case Pass::forward:
      return "forward";
    case Pass::backward_data:
      return "backward_data";
    case Pass::backward_weight:
      return "backward_weight";
  }
  return "?";
}

GemmShape parse_gemm_shape(std::string_view text, const std::string& origin) {
  const auto cells = split(text, ',');
  GemmShape g;
  std::int64_t* dims[3] = {&g.m, &g.n, &g.k};
  if (cells.size() != 3)
    throw ConfigError(
        fmt::format("{}: '{}': expected M,N,K (three positive integers)", origin, text));
  const char* names[3] = {"M", "N", "K"};
  for (int i = 0; i < 3; ++i) {
    if (!parse_int(cells[static_cast<std::size_t>(i)], *dims[i]) || *dims[i] < 1 ||
        *dims[i] > kMaxDim)
      throw ConfigError(
          fmt::format("{}: '{}': {} must be an integer in [1, 2^40]", origin, text, names[i]));
  }
  return g;
}

Workload load_topology(const std::filesystem::path& path, int batch, ConvOutput rounding) {
  return parse_topology(detail::read_text_file(path, "topology"), path.string(), batch, rounding);
}

Workload parse_topology(std::string_view text, const std::string& origin, int batch,
                        ConvOutput rounding) {
  if (batch < 1) throw ConfigError(origin + ": batch must be >= 1");
  Workload w;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  bool seen_row = false;
  while (pos <= text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string_view line =
        trim(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    pos = end == std::string_view::npos ? text.size() + 1 : end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const auto cells = split(line, ',');
    auto bad = [&](const std::string& field, const std::string& what) {
      throw ConfigError(fmt::format("{}:{}: {}: {}", origin, line_no, field, what));
    };
    // Only the first row may be a header, and only when none of its numeric fields parse.
    const bool first_row = !seen_row;
    seen_row = true;
    if (first_row && cells.size() >= 2 &&
        std::none_of(cells.begin() + 1, cells.end(), [](std::string_view c) {
          std::int64_t probe = 0;
          return parse_int(c, probe);
        }))
      continue;
    auto field = [&](std::size_t i, const char* name) {
      std::int64_t v = 0;
      if (!parse_int(cells[i], v) || v < 1 || v > kMaxDim)
        bad(name, "expected a positive integer, got '" + std::string(cells[i]) + "'");
      return v;
    };
    GemmOp op;
    op.name = std::string(cells[0]);
    if (op.name.empty()) bad("layer name", "expected a name");
    // Products of fields in [1, 2^40] overflow int64: checked, an error rather than a wrap.
    auto product = [&](std::initializer_list<std::int64_t> factors, const char* name) {
      std::int64_t p = 1;
      for (const std::int64_t f : factors)
        if (__builtin_mul_overflow(p, f, &p) || p > kMaxDim) bad(name, "too large (over 2^40)");
      return p;
    };
    if (cells.size() == 4) {  // GEMM format: name, M, N, K
      const std::int64_t m = field(1, "M");
      op.shape = {product({m, batch}, "M"), field(2, "N"), field(3, "K")};
    } else if (cells.size() == 8 || cells.size() == 9) {
      // conv format: name, IFMAP H, IFMAP W, filter H, filter W, channels, filters, stride[, W]
      const std::int64_t h = field(1, "IFMAP Height"), wd = field(2, "IFMAP Width");
      const std::int64_t fh = field(3, "Filter Height"), fw = field(4, "Filter Width");
      const std::int64_t ch = field(5, "Channels"), nf = field(6, "Num Filter");
      const std::int64_t sh = field(7, "Strides");
      const std::int64_t sw = cells.size() == 9 ? field(8, "Stride Width") : sh;
      if (fh > h) bad("Filter Height", "larger than the IFMAP height (padding goes in the IFMAP)");
      if (fw > wd) bad("Filter Width", "larger than the IFMAP width (padding goes in the IFMAP)");
      auto out = [rounding](std::int64_t in, std::int64_t f, std::int64_t s) {
        return rounding == ConvOutput::scalesim ? (in - f + s + s - 1) / s : (in - f) / s + 1;
      };
      const std::int64_t oh = out(h, fh, sh), ow = out(wd, fw, sw);
      op.shape = {product({oh, ow, batch}, "M"), nf, product({fh, fw, ch}, "K")};
    } else {
      bad("row", fmt::format("expected 4 fields (name, M, N, K) or 8-9 fields (name, IFMAP "
                             "Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
                             "Filter, Strides[, Stride Width]); got {}",
                             cells.size()));
    }
    w.gemms.push_back(std::move(op));
  }
  if (w.gemms.empty()) throw ConfigError(origin + ": no layers");
  return w;
}

Workload training_step(const Workload& forward) {
  Workload step;
  for (std::size_t i = 0; i < forward.gemms.size(); ++i) {
    const GemmOp& f = forward.gemms[i];
    step.gemms.push_back({f.name, f.shape, Pass::forward});
  }
  for (std::size_t j = forward.gemms.size(); j-- > 0;) {
    const GemmOp& f = forward.gemms[j];
    if (j > 0)
      step.gemms.push_back({f.name, {f.shape.m, f.shape.k, f.shape.n}, Pass::backward_data});
    step.gemms.push_back({f.name, {f.shape.k, f.shape.n, f.shape.m}, Pass::backward_weight});
  }
  for (const GemmOp& f : forward.gemms) step.updates.push_back({f.name, f.shape.k * f.shape.n});
  return step;
}

}  // namespace lnslab::sim
