// The table-chain sum of sum_chain.hpp.
#include "sum_chain.hpp"

#include <cstring>

namespace lnslab::lns::kernels_detail {

std::uint32_t sum_chain8(const AddChain8& t, const std::uint8_t* a, std::size_t n) {
  const unsigned k_mask = static_cast<unsigned>(t.k_mask);
  const unsigned sign_bit = k_mask + 1;
  if (n == 0) return 0;
  if (std::memchr(a, static_cast<int>(sign_bit), n) != nullptr) return sign_bit;  // NaN
  const std::uint8_t* rows = t.rows.data();
  const std::size_t row_size = 3 * static_cast<std::size_t>(sign_bit);
  std::size_t r = 0;  // acc, or neg(acc) when s is set
  unsigned s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned x = a[i];
    const unsigned sx = x & sign_bit;  // a zero addend has sx = 0
    const std::uint8_t* row = rows + (x & k_mask) * row_size + (s ^ sx);
    r = row[r];  // the only dependent work: one load
    s = sx;
  }
  const auto code = static_cast<std::uint32_t>(r);
  return (s != 0 && (code & k_mask) != 0) ? code ^ sign_bit : code;
}

}  // namespace lnslab::lns::kernels_detail
