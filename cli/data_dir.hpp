#pragma once
// Where lnslab finds its shipped data (the default study, accelerators, energy tables and
// topologies, laid out as configs/ in the source tree): $LNSLAB_DATA_DIR if set, else
// <directory of the running executable>/../share/lnslab. `cmake --install` puts the data at
// <prefix>/share/lnslab beside <prefix>/bin/lnslab, and the build copies it to
// <build>/share/lnslab beside <build>/cli/lnslab, so the same rule holds in both and neither
// depends on where the source tree is. ("../share/lnslab" is the default GNUInstallDirs layout;
// the build compiles in the relative path from CMAKE_INSTALL_BINDIR to CMAKE_INSTALL_DATADIR.)
#include <filesystem>
#include <string>
#include <vector>

namespace lnslab::cli {

/// The environment variable that overrides the data directory.
inline constexpr const char* data_dir_variable = "LNSLAB_DATA_DIR";

/// The directories searched, in order: only $LNSLAB_DATA_DIR when it is set and not empty,
/// else <exe dir>/../share/lnslab (the executable from /proc/self/exe).
std::vector<std::filesystem::path> data_dir_candidates();

/// `relative` (e.g. "studies/default.toml") in the first candidate that has it. Throws
/// InputError (exit 2) naming `purpose`, every path searched and the override.
std::filesystem::path find_data_file(const std::filesystem::path& relative,
                                     const std::string& purpose);

}  // namespace lnslab::cli
