#include "lnslab/nn/serialize.hpp"

#include <bit>
#include <cstring>

#include "lnslab/nn/errors.hpp"

static_assert(std::endian::native == std::endian::little,
              "checkpoints are written little-endian; add byte swapping for this platform");

namespace lnslab::nn {

void StateWriter::raw(const void* p, std::size_t n) {
  out_.append(static_cast<const char*>(p), n);
}
void StateWriter::u32(std::uint32_t v) {
  raw(&v, sizeof v);
}
void StateWriter::u64(std::uint64_t v) {
  raw(&v, sizeof v);
}
void StateWriter::f64(double v) {
  raw(&v, sizeof v);
}
void StateWriter::str(std::string_view s) {
  u64(s.size());
  raw(s.data(), s.size());
}
void StateWriter::floats(std::span<const float> v) {
  u64(v.size());
  raw(v.data(), v.size_bytes());
}
void StateWriter::codes(std::span<const std::uint16_t> v) {
  u64(v.size());
  raw(v.data(), v.size_bytes());
}

void StateReader::raw(void* p, std::size_t n, const char* what) {
  if (n > in_.size() - pos_)
    throw CheckpointError(std::string("checkpoint ends inside '") + what + "' (needs " +
                          std::to_string(n) + " more bytes, " + std::to_string(in_.size() - pos_) +
                          " left)");
  if (n > 0) std::memcpy(p, in_.data() + pos_, n);
  pos_ += n;
}
std::uint32_t StateReader::u32(const char* what) {
  std::uint32_t v = 0;
  raw(&v, sizeof v, what);
  return v;
}
std::uint64_t StateReader::u64(const char* what) {
  std::uint64_t v = 0;
  raw(&v, sizeof v, what);
  return v;
}
double StateReader::f64(const char* what) {
  double v = 0;
  raw(&v, sizeof v, what);
  return v;
}
std::string StateReader::str(const char* what) {
  const std::uint64_t n = u64(what);
  if (n > in_.size() - pos_) raw(nullptr, n, what);
  std::string s(in_.substr(pos_, n));
  pos_ += n;
  return s;
}
std::vector<float> StateReader::floats(const char* what) {
  const std::uint64_t n = u64(what);
  if (n > (in_.size() - pos_) / sizeof(float)) raw(nullptr, n * sizeof(float), what);
  std::vector<float> v(n);
  raw(v.data(), n * sizeof(float), what);
  return v;
}
void StateReader::floats_into(std::span<float> out, const char* what) {
  const std::uint64_t n = u64(what);
  if (n != out.size())
    throw CheckpointError(std::string("checkpoint field '") + what + "' has " + std::to_string(n) +
                          " values, expected " + std::to_string(out.size()));
  raw(out.data(), out.size_bytes(), what);
}
std::vector<std::uint16_t> StateReader::codes(const char* what) {
  const std::uint64_t n = u64(what);
  if (n > (in_.size() - pos_) / sizeof(std::uint16_t)) raw(nullptr, n * 2, what);
  std::vector<std::uint16_t> v(n);
  raw(v.data(), n * sizeof(std::uint16_t), what);
  return v;
}
void StateReader::expect(std::string_view expected) {
  const std::string got = str("section tag");
  if (got != expected)
    throw CheckpointError("checkpoint section '" + got + "' where '" + std::string(expected) +
                          "' was expected");
}

}  // namespace lnslab::nn
