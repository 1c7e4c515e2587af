#pragma once
// Exceptions of the nn module. Each message names the input, the place and what was expected, so
// the command line can report it as bad input (exit code 2).
#include <stdexcept>

namespace lnslab::nn {

/// A data file (IDX images or labels) is missing, unreadable or malformed.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A training setting is invalid (unknown model/optimizer, bad schedule spec, lr not a multiple of
/// eta0, ...).
class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A checkpoint file is truncated, corrupt, of another version or of another configuration.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lnslab::nn
