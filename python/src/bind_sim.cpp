// simulate(): the workload of `lnslab sim` (--gemm shapes or a --topology CSV, --batch, --train)
// on one accelerator config, returned as the structure `lnslab sim --json` writes.
#include <pybind11/stl.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/config.hpp"
#include "lnslab/sim/report.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::python {
namespace {

py::object simulate(const std::string& config_path, const std::vector<std::string>& gemms,
                    const std::optional<std::string>& topology, bool train, int batch) {
  if (topology && !gemms.empty())
    throw std::invalid_argument("simulate: give gemms or topology, not both");
  if (!topology && gemms.empty())
    throw std::invalid_argument("simulate: give a workload: gemms=['M,N,K', ...] or topology=FILE");
  if (batch < 1 || batch > (1 << 20))
    throw std::invalid_argument("simulate: batch " + std::to_string(batch) +
                                " is outside [1, 1048576]");
  sim::Config config = sim::load_config(config_path);
  // As `lnslab sim --train`: the config's [update] rule, else the registry's default for it.
  if (train && !config.update.rule) config.update.rule = nn::default_update_rule(config);
  sim::Workload workload;
  if (topology) {
    workload = sim::load_topology(*topology, batch, sim::conv_output(config.array.timing));
  } else {
    for (std::size_t i = 0; i < gemms.size(); ++i) {
      sim::GemmOp op;
      op.name = "gemm" + std::to_string(i);
      op.shape = sim::parse_gemm_shape(gemms[i], "--gemm");
      workload.gemms.push_back(op);
    }
  }
  if (train) workload = sim::training_step(workload);
  nlohmann::json j;
  const auto start = std::chrono::steady_clock::now();
  {
    py::gil_scoped_release release;
    j["runs"] = nlohmann::json::array({sim::to_json(sim::simulate(config, workload), config)});
  }
  j["simulation_ms"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  j["provenance"] = std::string("lnslab python module (git ") + LNSLAB_GIT_REVISION + ")";
  j["workload"] = {{"source", topology ? *topology : std::string("--gemm")},
                   {"batch", batch},
                   {"training_step", train},
                   {"gemms", workload.gemms.size()},
                   {"updates", workload.updates.size()}};
  return to_python(j);
}

}  // namespace

void bind_sim(py::module_& m) {
  m.def("simulate", &simulate, py::arg("config"), py::arg("gemms") = std::vector<std::string>{},
        py::arg("topology") = py::none(), py::arg("train") = false, py::arg("batch") = 1,
        "Simulates one accelerator config (TOML path) on GEMM shapes 'M,N,K' or a topology CSV; "
        "returns the dict `lnslab sim CONFIG --json` writes.");
}

}  // namespace lnslab::python
