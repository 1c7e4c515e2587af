#include "lnslab/util/files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace lnslab::util {

std::string read_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(std::string(what) + " " + path.string() + ": cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw FileError(std::string(what) + " " + path.string() + ": read error");
  return ss.str();
}

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  temp_ = path_;
  temp_ += ".tmp";
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr)
    throw FileError("cannot write '" + path_.string() + "': " + std::strerror(errno) +
                    " (expected a writable file path)");
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!temp_.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::finish() {
  if (file_ == nullptr) return;
  const bool write_ok = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  const bool close_ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!write_ok || !close_ok)
    throw FileError("cannot write '" + path_.string() + "': " + std::strerror(errno));
}

void AtomicFile::commit() {
  finish();
  std::error_code ec;
  std::filesystem::rename(temp_, path_, ec);
  if (ec) throw FileError("cannot write '" + path_.string() + "': " + ec.message());
  temp_.clear();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_files_atomically({{path, std::string(content)}});
}

void write_files_atomically(
    const std::vector<std::pair<std::filesystem::path, std::string>>& files) {
  std::vector<std::unique_ptr<AtomicFile>> staged;
  for (const auto& [path, content] : files) {
    staged.push_back(std::make_unique<AtomicFile>(path));
    AtomicFile& out = *staged.back();
    if (!content.empty() &&
        std::fwrite(content.data(), 1, content.size(), out.handle()) != content.size())
      throw FileError("cannot write '" + path.string() + "': " + std::strerror(errno));
    out.finish();
  }
  for (auto& out : staged) out->commit();
}

}  // namespace lnslab::util
