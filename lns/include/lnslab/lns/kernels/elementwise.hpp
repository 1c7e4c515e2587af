#pragma once
// Elementwise kernels over packed code arrays with a runtime format. Storage is one byte per code
// (std::uint8_t, formats up to 8 bits) or two (std::uint16_t, up to 16 bits). Every kernel gives,
// element by element, exactly what the scalar lns::Format operation gives (tested exhaustively
// over all code pairs of 8- and 10-bit formats).
//
// Fast paths (branch-free loops that the compiler vectorises, built twice: portable and AVX2 with
// run-time dispatch, plus hand-written AVX2 / AVX-512 loops; lnslab/lns/kernels/isa.hpp selects
// the level) cover nearest and toward_zero rounding. Stochastic rounding calls the scalar
// Format operation element by element in index order, so the generator is consumed exactly as a
// scalar loop would consume it.
//
// Every span argument of one call has the same length (std::invalid_argument otherwise), and
// std::uint8_t storage with a format wider than 8 bits throws std::invalid_argument. Outputs may
// alias inputs element for element (out == a is fine).
#include <cstdint>
#include <span>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns {

template <typename T>
concept CodeStorage = std::same_as<T, std::uint8_t> || std::same_as<T, std::uint16_t>;

// ---- conversion -------------------------------------------------------------------------------
template <CodeStorage T>
void encode(const Format& f, std::span<const float> x, std::span<T> out, Policy policy = {},
            Rng* rng = nullptr);
template <CodeStorage T>
void encode(const Format& f, std::span<const double> x, std::span<T> out, Policy policy = {},
            Rng* rng = nullptr);
template <CodeStorage T>
void decode(const Format& f, std::span<const T> c, std::span<float> out);
template <CodeStorage T>
void decode(const Format& f, std::span<const T> c, std::span<double> out);

// ---- arithmetic -------------------------------------------------------------------------------
template <CodeStorage T>
void mul(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy = {});
template <CodeStorage T>
void div(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy = {});
template <CodeStorage T>
void add(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy = {}, Rng* rng = nullptr);
template <CodeStorage T>
void sub(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy = {}, Rng* rng = nullptr);
template <CodeStorage T>
void neg(const Format& f, std::span<const T> a, std::span<T> out);
template <CodeStorage T>
void abs(const Format& f, std::span<const T> a, std::span<T> out);

// ---- reductions -------------------------------------------------------------------------------
/// Left fold with Format::add from zero: ((0 + a0) + a1) + ... (an empty array gives zero).
template <CodeStorage T>
code_t sum(const Format& f, std::span<const T> a, Policy policy = {}, Rng* rng = nullptr);
/// Format::max / Format::min folds (NaN propagates; an empty array gives NaN).
template <CodeStorage T>
code_t max(const Format& f, std::span<const T> a);
template <CodeStorage T>
code_t min(const Format& f, std::span<const T> a);
/// Sum of the decoded values in double, in index order (NaN propagates).
template <CodeStorage T>
double sum_decoded(const Format& f, std::span<const T> a);

}  // namespace lnslab::lns
