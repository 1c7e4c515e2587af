// Study files (TOML), written to scratch/studies/ beside links to the shipped accelerators,
// energy tables and topologies, so the shipped studies' relative paths resolve as in configs/.
// The first byte picks the mode (normal, quick, full).
#include "fuzz_util.hpp"
#include "lnslab/study/spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lnslab::study;
  if (size == 0) return 0;
  const Mode mode = data[0] % 3 == 0 ? Mode::normal : data[0] % 3 == 1 ? Mode::quick : Mode::full;
  static const bool linked = [] {
    namespace fs = std::filesystem;
    fs::create_directories(lnslab::fuzz::scratch_dir() / "studies");
    for (const char* d : {"accelerators", "energy", "topologies"}) {
      std::error_code ec;
      fs::create_directory_symlink(lnslab::fuzz::config_dir() / d, lnslab::fuzz::scratch_dir() / d,
                                   ec);
    }
    return true;
  }();
  (void)linked;
  const auto file =
      lnslab::fuzz::write_scratch("studies/study.toml", lnslab::fuzz::text(data + 1, size - 1));
  try {
    (void)load_study(file, mode);
  } catch (const StudyError&) {
  }
  return 0;
}
