#include "atomic_file.hpp"

#include <fstream>

#include "lnslab/study/spec.hpp"

namespace lnslab::study::detail {

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();  // a failure while flushing at close must not install a truncated file
    if (!out) throw StudyError("cannot write " + path.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw StudyError("cannot write " + path.string() + ": " + ec.message());
}

}  // namespace lnslab::study::detail
