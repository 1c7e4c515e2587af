#pragma once
// Shared plumbing of the libFuzzer targets: the input as text, and input files on disk for the
// readers that take a path. Each target catches only the error type its reader documents; any
// other exception, a crash, a leak or undefined behaviour is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace lnslab::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A directory of this process's own (fuzzers may run in parallel), removed by nobody: it
/// holds a handful of small files that every input overwrites.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("lnslab-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

/// Writes bytes to scratch_dir()/name and returns the path.
inline std::filesystem::path write_scratch(const std::string& name, std::string_view bytes) {
  const std::filesystem::path p = scratch_dir() / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

/// The repository's configs/ (shipped accelerators, energy table, topologies).
inline std::filesystem::path config_dir() {
  return std::filesystem::path(LNSLAB_SOURCE_DIR) / "configs";
}

}  // namespace lnslab::fuzz
