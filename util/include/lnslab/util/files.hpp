#pragma once
// Whole-file reads and atomic writes, shared by every module that reads or writes files.
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lnslab::util {

/// A file could not be read or written; the message names the path and the reason.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The whole file, bytes as stored. Throws FileError ("<what> <path>: cannot open the file").
std::string read_file(const std::filesystem::path& path, std::string_view what = "file");

/// Writes `content` to `path` through a temporary file in the same directory and a rename,
/// so that a failed write leaves no partial file. Throws FileError naming the path.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Writes several files so that a failed write (disk full, file-size limit) replaces none of
/// them: every temporary file is written and closed first, then they are renamed in the order
/// given. Throws FileError naming the path that failed.
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
  void finish();  ///< flushes and closes the temporary file; throws FileError on failure
  void commit();  ///< finish() unless done, then renames; throws FileError on failure

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
};

}  // namespace lnslab::util
