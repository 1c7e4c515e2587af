#pragma once
// Shared plumbing of the lnslab subcommands: input errors (exit code 2), provenance.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lnslab/util/files.hpp"

namespace lnslab::cli {

/// Bad user input: the message names the input, the place and what was expected.
/// main() prints "lnslab: error: <message>" and exits with code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Atomic file output is util's (lnslab/util/files.hpp); main() reports its FileError as bad
// input (exit code 2), like InputError.
using util::AtomicFile;
using util::write_file_atomically;
using util::write_files_atomically;

/// The CPU's model name from /proc/cpuinfo ("unknown" if absent), for provenance records.
std::string cpu_model();

/// "revision compiler build-type" of this binary, for provenance lines.
std::string build_provenance();

}  // namespace lnslab::cli
