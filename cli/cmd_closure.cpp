// lnslab closure SPEC --op add|sub|mul|div [--csv FILE]: every pair of codes, classified.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "lnslab/lns/adders.hpp"
#include "lnslab/lns/closure.hpp"

namespace lnslab::cli {
namespace {

struct ClosureOptions {
  std::string spec;
  std::string op;
  std::string csv_path;
  std::string adder = "exact";
};

// With an approximate adder: how its results differ from the exact rule over every pair.
void report_adder(const lns::Format& f, lns::Op op, const lns::AdderSpec& spec) {
  const lns::ApproxAdder adder(f, spec);
  std::uint64_t differ = 0;
  int worst = 0;
  for (std::uint32_t i = 0; i < f.code_count(); ++i) {
    for (std::uint32_t j = 0; j < f.code_count(); ++j) {
      const auto a = static_cast<lns::code_t>(i);
      const auto b = static_cast<lns::code_t>(j);
      const lns::code_t exact = op == lns::Op::add ? f.add(a, b) : f.sub(a, b);
      const lns::code_t approx = op == lns::Op::add ? adder.add(a, b) : adder.sub(a, b);
      if (exact == approx) continue;
      ++differ;
      worst = std::max(worst, std::abs(f.exponent(exact) - f.exponent(approx)));
    }
  }
  fmt::print(
      "adder {} ({} table entries, stated bound {:.4g} on the Gaussian log, {} ulp on "
      "results): {} of {} results differ from the exact rule, worst {} ulp\n",
      lns::to_string(spec), adder.table_entries(), adder.error_bound(), adder.result_bound(),
      differ, std::uint64_t{f.code_count()} * f.code_count(), worst);
}

void run_closure(const ClosureOptions& o) {
  lns::Op op{};
  if (!lns::parse_op(o.op, op))
    throw InputError("--op '" + o.op + "' is unknown: expected add, sub, mul or div");
  lns::AdderSpec adder;
  try {
    adder = lns::parse_adder(o.adder);
  } catch (const lns::FormatError& e) {
    throw InputError(std::string("--adder: ") + e.what());
  }
  if (adder.kind != lns::AdderKind::exact && op != lns::Op::add && op != lns::Op::sub)
    throw InputError("--adder " + o.adder + " applies to --op add or sub, not " + o.op);
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
  if (adder.kind != lns::AdderKind::exact) report_adder(f, op, adder);
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
  sub->add_option("--adder", o->adder,
                  "Also compare an approximate adder with the exact rule: lerp:H=8,G=8 or "
                  "cotran:j=3,G=8");
  sub->callback([o] { run_closure(*o); });
}

}  // namespace lnslab::cli
