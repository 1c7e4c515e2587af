// The data-directory lookup (see data_dir.hpp).
#include "data_dir.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <system_error>

#include "common.hpp"

namespace lnslab::cli {

namespace fs = std::filesystem;

std::vector<fs::path> data_dir_candidates() {
  if (const char* env = std::getenv(data_dir_variable); env != nullptr && *env != '\0')
    return {fs::path(env)};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  // LNSLAB_DATA_FROM_BIN: the install's data directory relative to its bin directory
  // ("../share/lnslab"; cli/CMakeLists.txt), the same from the build tree's cli/.
  return {(exe.parent_path() / LNSLAB_DATA_FROM_BIN).lexically_normal()};
}

fs::path find_data_file(const fs::path& relative, const std::string& purpose) {
  const std::vector<fs::path> dirs = data_dir_candidates();
  std::string searched;
  for (const fs::path& dir : dirs) {
    const fs::path p = dir / relative;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
    searched += (searched.empty() ? "" : ", ") + p.string();
  }
  if (dirs.empty())
    searched = "nothing (the executable's path could not be read from /proc/self/exe)";
  throw InputError(
      fmt::format("{} {} was not found; searched {} (the data directory is ${} if set, else "
                  "<directory of lnslab>/{}, where cmake --install puts it)",
                  purpose, relative.string(), searched, data_dir_variable, LNSLAB_DATA_FROM_BIN));
}

}  // namespace lnslab::cli
