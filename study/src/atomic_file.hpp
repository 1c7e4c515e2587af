#pragma once
// Private: a report file is written to PATH.tmp and renamed over PATH, so that a reader (or a
// killed study) never sees half of it.
#include <filesystem>
#include <string>

namespace lnslab::study::detail {

void write_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace lnslab::study::detail
