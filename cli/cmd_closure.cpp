// lnslab closure SPEC --op add|sub|mul|div [--csv FILE]: every pair of codes, classified.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "lnslab/lns/closure.hpp"

namespace lnslab::cli {
namespace {

struct ClosureOptions {
  std::string spec;
  std::string op;
  std::string csv_path;
};

void run_closure(const ClosureOptions& o) {
  lns::Op op{};
  if (!lns::parse_op(o.op, op))
    throw InputError("--op '" + o.op + "' is unknown: expected add, sub, mul or div");
  const lns::Format f = lns::Format::parse(o.spec);
  if (f.bits() > 12)
    throw InputError("closure of '" + o.spec + "': " + std::to_string(f.bits()) +
                     "-bit formats have too many pairs; expected a format of at most 12 bits");
  std::unique_ptr<AtomicFile> csv;
  if (!o.csv_path.empty()) {
    csv = std::make_unique<AtomicFile>(o.csv_path);
    std::fputs("a,b,result\n", csv->handle());
  }
  std::FILE* out = csv ? csv->handle() : nullptr;
  const lns::ClosureSummary s =
      lns::closure(f, op, [out](lns::code_t a, lns::code_t b, lns::code_t r, lns::ResultClass) {
        if (out) std::fprintf(out, "%u,%u,%u\n", unsigned{a}, unsigned{b}, unsigned{r});
      });
  if (csv) csv->commit();
  auto pct = [&](std::uint64_t n) { return 100.0 * static_cast<double>(n) / s.pairs; };
  fmt::print("closure of {} under {} (nearest rounding, flush): {} pairs\n", f.spec(),
             lns::to_string(op), s.pairs);
  fmt::print("  {:<10} {:>10} {:>8.3f}%\n", "exact", s.exact, pct(s.exact));
  fmt::print("  {:<10} {:>10} {:>8.3f}%\n", "rounded", s.rounded, pct(s.rounded));
  fmt::print("  {:<10} {:>10} {:>8.3f}%\n", "saturated", s.saturated, pct(s.saturated));
  fmt::print("  {:<10} {:>10} {:>8.3f}%\n", "flushed", s.flushed, pct(s.flushed));
  fmt::print("  {:<10} {:>10} {:>8.3f}%\n", "NaN", s.nan, pct(s.nan));
  if (csv) fmt::print("wrote {} rows to {}\n", s.pairs, o.csv_path);
}

}  // namespace

void register_closure(CLI::App& app) {
  auto o = std::make_shared<ClosureOptions>();
  auto* sub = app.add_subcommand("closure",
                                 "Apply an operation to every pair of codes of a format and "
                                 "count exact, rounded, saturated, flushed and NaN results");
  sub->add_option("spec", o->spec, "LNS format spec, at most 12 bits (e.g. lns8:eta0=0.016)")
      ->required();
  sub->add_option("--op", o->op, "add, sub, mul or div")->required();
  sub->add_option("--csv", o->csv_path, "Write every pair as a,b,result (codes as integers)");
  sub->callback([o] { run_closure(*o); });
}

}  // namespace lnslab::cli
