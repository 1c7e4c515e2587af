#include "lnslab/dist/session.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace lnslab::dist {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int n = 0;
    MPI_Error_string(rc, text, &n);
    throw std::runtime_error(std::string(what) + ": " + std::string(text, static_cast<size_t>(n)));
  }
}

}  // namespace

Session::Session() {
  check(MPI_Init(nullptr, nullptr), "MPI_Init");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  MPI_Finalize();
}

std::string Session::broadcast(const std::string& text) const {
  unsigned long long n = text.size();
  check(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = rank_ == 0 ? text : std::string(n, '\0');
  // Sizes past INT_MAX go in chunks (a checkpoint may be large).
  constexpr unsigned long long chunk = 1ull << 30;
  for (unsigned long long at = 0; at < n; at += chunk)
    check(MPI_Bcast(out.data() + at, static_cast<int>(std::min(chunk, n - at)), MPI_CHAR, 0,
                    MPI_COMM_WORLD),
          "MPI_Bcast");
  return out;
}

void Session::exit_together(int code, const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  std::fflush(stdout);
  MPI_Finalize();
  std::exit(code);
}

void Session::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();
}

void RankGroup::all_gather(std::span<const std::byte> mine, std::span<std::byte> all) {
  // Every rank's block has the same size; rank r's lands at r * mine.size().
  check(MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(),
                      static_cast<int>(mine.size()), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Allgather");
}

void RankGroup::all_sum(std::span<double> values) {
  // Gathered and added in rank order here, not by MPI_Allreduce (whose order may vary).
  std::vector<double> all(values.size() * static_cast<std::size_t>(size()));
  check(MPI_Allgather(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, all.data(),
                      static_cast<int>(values.size()), MPI_DOUBLE, MPI_COMM_WORLD),
        "MPI_Allgather");
  for (std::size_t i = 0; i < values.size(); ++i) {
    double s = 0.0;
    for (int r = 0; r < size(); ++r) s += all[static_cast<std::size_t>(r) * values.size() + i];
    values[i] = s;
  }
}

}  // namespace lnslab::dist
