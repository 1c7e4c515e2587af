#pragma once
// The left-fold sum of codes of up to 8 bits as a chain of single table loads (internal; see
// elementwise.cpp). A sum is a dependent chain: each add waits for the previous one, so its speed
// is the latency of one step. The exact adder as arithmetic is about 15 dependent integer ops; here
// one step is one L1 load.
//
// Table: row m (the addend's magnitude, 0..K) maps an accumulator code to add(acc, +m)
// (S = K + 1 is the sign bit; codes are [0, 2S)). A negative addend uses the symmetry
// add(acc, -m) = neg(add(neg(acc), +m)) lazily: the chain keeps r = acc or r = neg(acc) (state s,
// the sign of the last addend), and each step looks up row m at neg^(s xor sx)(r). For r != NaN,
// neg(r) is r + S read in a row of 3S entries: [0, 2S) are the codes, [2S, 3S) repeat [0, S), and
// index S (the NaN code, never a state) holds the flipped zero. So the flip is part of the row's
// address, computed from the addends alone, and the dependent work of one step is a single L1 load.
// The table is (K + 1) x 3S bytes (48 KiB for 8 bits) instead of 2S x 2S with a second xor. NaN
// never arises from non-NaN operands and absorbs everything, so the sum is NaN iff an input is
// (checked up front).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lnslab::lns::kernels_detail {

struct AddChain8 {
  int k_mask = 0;                  ///< K; codes are [0, 2(K + 1))
  std::vector<std::uint8_t> rows;  ///< (K + 1) rows of 3(K + 1) result codes
};

/// Fills the table from the exact adder `add(code a, code b) -> code` (K <= 127).
template <typename Add>
void build_add_chain8(int k_mask, const Add& add, AddChain8& out) {
  const int s = k_mask + 1;
  out.k_mask = k_mask;
  out.rows.assign(static_cast<std::size_t>(s) * static_cast<std::size_t>(3 * s), 0);
  for (int m = 0; m < s; ++m)
    for (int j = 0; j < 3 * s; ++j) {
      // j in [2S, 3S) repeats [0, S); the NaN slot S holds the flipped zero
      const int acc = j >= 2 * s ? j - 2 * s : (j == s ? 0 : j);
      out.rows[static_cast<std::size_t>(m * 3 * s + j)] = static_cast<std::uint8_t>(add(acc, m));
    }
}

/// ((0 + a0) + a1) + ... with the adder the table was built from.
std::uint32_t sum_chain8(const AddChain8& t, const std::uint8_t* a, std::size_t n);

}  // namespace lnslab::lns::kernels_detail
