// Run records (run.json) read back by a study: inputs found by tests/fuzz/fuzz_run_record.cpp.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "lnslab/study/results.hpp"
#include "lnslab/study/runner.hpp"

using namespace lnslab::study;
namespace fs = std::filesystem;

TEST_CASE("a run record with a missing or mistyped field is a StudyError naming the file",
          "[study][fuzz]") {
  const fs::path out = fs::temp_directory_path() / "lnslab-test-run-record";
  Study s;
  RunSpec r;
  r.id = r.group = "run";
  r.optimizer = "adam";
  r.numerics = "fp32";
  s.runs.push_back(r);
  fs::create_directories(run_dir(out, r));
  // Each once escaped as nlohmann::json::out_of_range or type_error (an internal error).
  for (const char* record :
       {R"({"final_test_accuracy": 0.5, "epochs": [{"train_loss": 1, "test_loss": 1}]})",
        R"({"final_test_accuracy": 0.5, "epochs": 3})", R"([1, 2])",
        R"({"final_test_accuracy": "high", "epochs": []})"}) {
    INFO(record);
    std::ofstream(run_dir(out, r) / "run.json") << record;
    try {
      (void)collect(s, out);
      FAIL("no error");
    } catch (const StudyError& e) {
      CHECK(std::string(e.what()).find("run.json") != std::string::npos);
    }
  }
  fs::remove_all(out);
}
