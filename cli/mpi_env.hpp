#pragma once
// Whether this process is one rank of a job started by mpirun (Open MPI, or a PMI launcher).
// Known without MPI, so that a build without MPI can refuse work meant for several ranks.
#include <cstdlib>

namespace lnslab::cli {

inline bool started_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

/// The error for MPI work asked of a build without MPI.
inline constexpr const char* built_without_mpi =
    "this lnslab was built without MPI (install libopenmpi-dev, scripts/install-deps.sh, and "
    "configure with -DLNSLAB_MPI=ON)";

}  // namespace lnslab::cli
