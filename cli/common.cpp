#include "common.hpp"

#include <fstream>

#include "lnslab_version.hpp"

namespace lnslab::cli {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
    }
  return "unknown";
}

std::string build_provenance() {
  return std::string("lnslab ") + LNSLAB_VERSION + " (git " + LNSLAB_GIT_REVISION + ", " +
         LNSLAB_CXX_COMPILER + ", " + LNSLAB_BUILD_TYPE + ")";
}

}  // namespace lnslab::cli
