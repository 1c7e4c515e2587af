#pragma once
// Private: one set of tables per distinct format among the formats alive in the process.
#include <cstddef>
#include <memory>

#include "format_tables.hpp"

namespace lnslab::lns::detail {

/// How many recently built table sets the cache keeps alive without a Format holding them.
constexpr std::size_t recent_table_sets = 8;

/// The tables of the format (bits, kind, param, bias) with base `base` (b; for BaseKind::gamma,
/// `param` is gamma): those of a live or recently built Format with the same parameters (the
/// parameters Format's operator== compares) when there is one, else built by build_tables. The
/// cache keeps the last `recent_table_sets` built sets alive (configuration checks parse a
/// format, drop it and parse it again); beyond those an entry expires with the last Format of its
/// set, so the cache holds no more than the formats in use plus the recent ones. Thread-safe.
std::shared_ptr<const Tables> shared_tables(int bits, BaseKind kind, double param, long double base,
                                            int bias);

/// How many entries the cache holds, expired ones not yet swept included (white-box tests).
std::size_t cached_table_sets();

}  // namespace lnslab::lns::detail
