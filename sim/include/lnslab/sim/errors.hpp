#pragma once
// The simulator's input error: a bad config, energy table, topology file or GEMM shape.
#include <stdexcept>
#include <string>

namespace lnslab::sim {

/// Bad user input. The message names the file (or argument), the line when known, the field and
/// what was expected, e.g. "configs/x.toml:7: array.rows: expected an integer >= 1, got 0".
class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace lnslab::sim
