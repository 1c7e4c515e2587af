#pragma once
// Private: construction of a format's tables (tables.cpp).
#include <memory>

#include "format_tables.hpp"
#include "lnslab/lns/format.hpp"

namespace lnslab::lns::detail {

/// Builds every table of a format. `base` is b; for BaseKind::gamma, `param` is gamma.
std::shared_ptr<const Tables> build_tables(int bits, BaseKind kind, double param, long double base,
                                           int bias);

}  // namespace lnslab::lns::detail
