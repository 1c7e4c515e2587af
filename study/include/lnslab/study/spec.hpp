#pragma once
// A study file (TOML) and the grid of runs it names.
//
//   name = "default"
//   data = "/usr/share/datasets/fashion-mnist"   # or "synthetic" (tests); transformer: text
//   models = ["mlp"]                             # mlp, cnn; or transformer alone
//   seeds = [1, 2]
//   epochs = 10
//   batch = 128
//   schedule = "step=7"
//   train_limit = 0            # first N training images (0: all); test_limit likewise
//   batchnorm = ["cnn"]        # models trained with batch norm without affine (--batchnorm)
//   accelerators = ["../accelerators/fp32.toml", "../accelerators/lns8.toml"]
//                              # the first is the template of every configuration's own hardware
//                              # (study/hardware.hpp); each is also a cross-costing column
//   [topologies]               # optional: a model costed from a SCALE-Sim CSV rather than from
//                              # the network lnslab train builds for it (nn/workload.hpp)
//   mlp = "../topologies/mlp.csv"
//   [quick]                    # overrides applied by --quick (any top-level grid key)
//   epochs = 2
//   [[runs]]                   # one configuration; `formats` expands into one per format
//   label = "LNS Madam"
//   optimizer = "lns-madam"    # a name of nn's optimizer registry (lnslab train --help)
//   numerics = "lns-weights"   # fp32 | lns-weights | lns-full (default by optimizer)
//   formats = ["lns12:eta0=0.001", "lns10:eta0=0.004", "lns8:eta0=0.016"]
//   lr = 0.016                 # or lrs = [0.001, 0.01, 0.1]: one configuration per lr
//   quick = true               # part of the --quick grid (default true)
//   # optional: schedule, epochs, batch, accelerator (the simulated accelerator of an lns-full
//   # run, whose every GEMM runs on it), and the optimizer settings p_scale, rounding, momentum
//   # (each only for an optimizer that takes it: an error otherwise)
//
// Relative paths resolve against the study file's directory. Every error names the file, the line
// and the key, and is raised before any run starts.
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lnslab/nn/train_config.hpp"

namespace lnslab::study {

class StudyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One training run of the grid.
struct RunSpec {
  std::string id;     ///< directory name under OUT/runs, unique, filesystem-safe
  std::string group;  ///< configuration key shared by the seeds of one configuration
  std::string label;  ///< e.g. "LNS Madam"
  std::string model;
  nn::ModelSpec model_spec;  ///< the network the run trains (its widths, batch norm)
  std::string optimizer;
  std::string numerics;
  std::string format;  ///< "" for fp32 runs
  int bits = 32;       ///< weight storage bits (32 for fp32)
  double lr = 0;       ///< the learning rate it trains with (resolved: never 0)
  int batch = 128;
  std::string accelerator;  ///< lns-full: the simulated accelerator config it trains on
  sim::UpdateRule update;   ///< its optimizer as the update unit computes it (nn's registry)
  /// Relative training time (epochs x images x a factor per model and numerics measured on
  /// the quick study: lns-full 10, LNS-stored SGD/Adam 2, CNN 8); the runner starts the
  /// costliest runs first so that the last one to finish is not the longest.
  double expected_cost = 1;
  std::uint64_t seed = 1;
  std::vector<std::string> train_args;  ///< the `lnslab train` arguments, --out excluded
};

enum class Mode { normal, quick, full };

struct Study {
  std::string name;
  std::filesystem::path file;
  std::string data;
  std::vector<std::filesystem::path> accelerators;
  /// Overrides: a model named here is costed from the CSV, not from its network.
  std::map<std::string, std::filesystem::path> topologies;
  int batch = 128;
  std::vector<RunSpec> runs;
};

/// Reads and validates a study file and expands its grid, for `only_models` of its models when
/// not empty (`lnslab study --models`). Throws StudyError.
Study load_study(const std::filesystem::path& file, Mode mode,
                 const std::vector<std::string>& only_models = {});

}  // namespace lnslab::study
