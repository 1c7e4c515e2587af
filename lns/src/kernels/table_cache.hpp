#pragma once
// The cache of per-format tables (internal; encode_fast.cpp): a few per thread, backed by a
// process-wide list.
#include <memory>
#include <mutex>
#include <vector>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns::kernels_detail {

template <typename Table>
struct CacheEntry {
  Format format;
  int variant;
  std::shared_ptr<const Table> table;
};

// The table of (format, variant): a few per thread, backed by a process-wide list, so a table is
// built about once. The reference stays valid until this thread's next call for the same Table.
template <typename Table>
const Table& cached(const Format& f, int variant, Table (*build)(const Format&, int)) {
  thread_local std::vector<CacheEntry<Table>> local;
  for (const auto& e : local)
    if (e.variant == variant && e.format == f) return *e.table;
  static std::mutex mutex;
  static std::vector<CacheEntry<Table>> shared;
  std::shared_ptr<const Table> table;
  {
    const std::lock_guard lock(mutex);
    for (const auto& e : shared)
      if (e.variant == variant && e.format == f) table = e.table;
  }
  if (!table) {
    table = std::make_shared<const Table>(build(f, variant));  // outside the lock
    const std::lock_guard lock(mutex);
    if (shared.size() >= 32) shared.erase(shared.begin());
    shared.push_back({f, variant, table});
  }
  if (local.size() >= 4) local.erase(local.begin());
  local.push_back({f, variant, table});
  return *local.back().table;
}

}  // namespace lnslab::lns::kernels_detail
