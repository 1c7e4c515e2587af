#pragma once
// Little-endian binary state for checkpoints: a writer appending to a byte string and a reader
// that checks every length against what is left (a short or corrupt buffer throws
// CheckpointError naming the field being read).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lnslab::nn {

class StateWriter {
 public:
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void f64(double v);
  void str(std::string_view s);
  void floats(std::span<const float> v);
  void codes(std::span<const std::uint16_t> v);
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, std::size_t n);
  std::string out_;
};

class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : in_(bytes) {}
  std::uint32_t u32(const char* what);
  std::uint64_t u64(const char* what);
  double f64(const char* what);
  std::string str(const char* what);
  std::vector<float> floats(const char* what);
  /// Reads a float array that must have exactly `size` elements into `out`.
  void floats_into(std::span<float> out, const char* what);
  std::vector<std::uint16_t> codes(const char* what);
  /// Throws unless the text `expected` comes next (a tag guarding a section).
  void expect(std::string_view expected);
  bool done() const { return pos_ == in_.size(); }

 private:
  void raw(void* p, std::size_t n, const char* what);
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace lnslab::nn
