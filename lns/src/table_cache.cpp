// A format's tables cost up to 2^16 long double logarithms and exponentials to build (16 bits),
// and a study, an accelerator config or a training run parses the same few formats many times:
// every parse of a format alive or built recently shares its tables instead of building them again.
#include "table_cache.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <tuple>

#include "build_tables.hpp"

namespace lnslab::lns::detail {
namespace {

using Key = std::tuple<int, BaseKind, double, int>;  // bits, kind, param, bias

struct Cache {
  std::mutex mutex;
  std::map<Key, std::weak_ptr<const Tables>> entries;
  std::deque<std::shared_ptr<const Tables>> recent;  ///< the last sets built, newest first
};

Cache& cache() {
  static Cache c;
  return c;
}

}  // namespace

std::shared_ptr<const Tables> shared_tables(int bits, BaseKind kind, double param, long double base,
                                            int bias) {
  Cache& c = cache();
  const Key key{bits, kind, param, bias};
  {
    const std::lock_guard lock(c.mutex);
    if (auto it = c.entries.find(key); it != c.entries.end()) {
      if (auto live = it->second.lock()) return live;
    }
  }
  // Built outside the lock: two threads may both build the same tables (identical, so either
  // copy serves); formats of other parameters are not held up meanwhile.
  auto built = build_tables(bits, kind, param, base, bias);
  const std::lock_guard lock(c.mutex);
  auto& slot = c.entries[key];
  if (auto live = slot.lock()) return live;
  slot = built;
  c.recent.push_front(built);
  if (c.recent.size() > recent_table_sets) c.recent.pop_back();
  // Drop the entries of formats no longer alive, so the map stays as small as the live set.
  for (auto it = c.entries.begin(); it != c.entries.end();)
    it = it->second.expired() ? c.entries.erase(it) : std::next(it);
  return built;
}

std::size_t cached_table_sets() {
  Cache& c = cache();
  const std::lock_guard lock(c.mutex);
  return c.entries.size();
}

}  // namespace lnslab::lns::detail
