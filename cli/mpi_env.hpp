#pragma once
// Whether this process is one rank of a job started by mpirun (Open MPI, or a PMI launcher).
// Known without MPI, so that a build without MPI can refuse work meant for several ranks.
#include <algorithm>
#include <cstdlib>

namespace lnslab::cli {

/// The number of ranks of the mpirun job this process belongs to; 1 when not under mpirun.
inline int mpirun_world_size() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(v)) return std::max(1, std::atoi(n));
  return 1;
}

/// The error for MPI work asked of a build without MPI.
inline constexpr const char* built_without_mpi =
    "this lnslab was built without MPI (install libopenmpi-dev, scripts/install-deps.sh, and "
    "configure with -DLNSLAB_MPI=ON)";

}  // namespace lnslab::cli
