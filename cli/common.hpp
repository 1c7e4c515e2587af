#pragma once
// Shared plumbing of the lnslab subcommands: input errors (exit code 2) and atomic file output.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lnslab::cli {

/// Bad user input: the message names the input, the place and what was expected.
/// main() prints "lnslab: error: <message>" and exits with code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes `content` to `path` through a temporary file in the same directory and a rename,
/// so that a failed write leaves no partial file. Throws InputError naming the path.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Writes several files so that a failed write (disk full, file-size limit) replaces none of
/// them: every temporary file is written and closed first, then they are renamed in the order
/// given. Throws InputError naming the path that failed.
void write_files_atomically(
    const std::vector<std::pair<std::filesystem::path, std::string>>& files);

/// Streams output to a temporary file that replaces `path` only on commit().
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();  ///< removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  std::FILE* handle() { return file_; }
  void finish();  ///< flushes and closes the temporary file; throws InputError on failure
  void commit();  ///< finish() unless done, then renames; throws InputError on failure

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
};

/// The CPU's model name from /proc/cpuinfo ("unknown" if absent), for provenance records.
std::string cpu_model();

/// "revision compiler build-type" of this binary, for provenance lines.
std::string build_provenance();

}  // namespace lnslab::cli
