// Run records (run.json) as a study reads them back to aggregate a configuration's runs.
#include "fuzz_util.hpp"
#include "lnslab/study/results.hpp"
#include "lnslab/study/runner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lnslab::study;
  static const Study study = [] {
    Study s;
    s.name = "fuzz";
    RunSpec r;
    r.id = r.group = "run";
    r.label = "FP32 Adam";
    r.model = "mlp";
    r.optimizer = "adam";
    r.numerics = "fp32";
    s.runs.push_back(r);
    return s;
  }();
  const std::filesystem::path out = lnslab::fuzz::scratch_dir() / "study";
  std::filesystem::create_directories(run_dir(out, study.runs[0]));
  lnslab::fuzz::write_scratch("study/runs/run/run.json", lnslab::fuzz::text(data, size));
  try {
    (void)collect(study, out);
  } catch (const StudyError&) {
  }
  return 0;
}
