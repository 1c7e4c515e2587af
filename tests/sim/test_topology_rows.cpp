// Topology CSV rows: only the first row may be a header (none of its numeric fields parse);
// every other row is data or an error naming the line and the field.
#include <catch2/catch.hpp>

#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/workload.hpp"

using namespace lnslab::sim;

namespace {
std::string error_of(const std::string& text, int batch = 1) {
  try {
    parse_topology(text, "t.csv", batch);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("topology CSV: a number that does not fit after a header is an error naming it") {
  const std::string e = error_of("name, M, N, K\nl1, 2, 3, 4\nl2,99999999999999999999,5,5\n");
  INFO(e);
  CHECK(e.find("t.csv:3: M") != std::string::npos);
  CHECK(e.find("99999999999999999999") != std::string::npos);
  CHECK(e.find("no layers") == std::string::npos);
  // The same row straight after the header (no data row yet) is not a second header either.
  CHECK(error_of("name, M, N, K\nl2,99999999999999999999,5,5\n").find("t.csv:2: M") !=
        std::string::npos);
}

TEST_CASE("topology CSV: only the first row may be a header") {
  // A second header-like row is data: its fields are reported.
  CHECK(error_of("name, M, N, K\nname, M, N, K\nl1, 2, 3, 4\n").find("t.csv:2: M") !=
        std::string::npos);
  // A first row where some numeric field parses is data, not a header.
  CHECK(error_of("name, M, 3, 4\nl1, 2, 3, 4\n").find("t.csv:1: M") != std::string::npos);
  // Comments and blank lines before the header do not count as rows.
  const Workload w = parse_topology("# c\n\nname, M, N, K\nl1, 2, 3, 4\n", "t.csv");
  REQUIRE(w.gemms.size() == 1);
  CHECK(w.gemms[0].shape == GemmShape{2, 3, 4});
}

TEST_CASE("topology CSV: products of fields that overflow are errors, not wrapped values") {
  // M times the batch, and the conv output and patch sizes, each over 2^40.
  CHECK(error_of("l, 1099511627776, 1, 1\n", 2).find("t.csv:1: M") != std::string::npos);
  CHECK(error_of("c, 1099511627776, 1099511627776, 1, 1, 1, 1, 1\n").find("t.csv:1: M") !=
        std::string::npos);
  CHECK(error_of("c, 4, 4, 4, 4, 1099511627776, 1, 1\n").find("t.csv:1: K") != std::string::npos);
  CHECK(error_of("l, 1099511627776, 1, 1\n", 1) == "no error");
}
