// IDX reading (the MNIST file format): big-endian header, then raw unsigned bytes.
#include <zlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {

namespace {

/// Whole file, decompressed if gzip (zlib reads plain files unchanged).
// How many bytes reading `path` will give, as a capacity hint (no check depends on it): a gzip
// member ends with its uncompressed size mod 2^32 (RFC 1952, ISIZE); a plain file is its size.
// Reserving it spares the copies of a growing buffer (the training set is 47 MB).
std::size_t expected_size(const std::filesystem::path& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) return 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return 0;
  unsigned char head[2] = {0, 0}, tail[4] = {0, 0, 0, 0};
  const bool gzip = std::fread(head, 1, 2, f) == 2 && head[0] == 0x1f && head[1] == 0x8b;
  const bool has_tail =
      gzip && bytes >= 18 && std::fseek(f, -4, SEEK_END) == 0 && std::fread(tail, 1, 4, f) == 4;
  std::fclose(f);
  if (!gzip) return static_cast<std::size_t>(bytes);
  if (!has_tail) return 0;
  const std::size_t isize = std::size_t{tail[0]} | std::size_t{tail[1]} << 8 |
                            std::size_t{tail[2]} << 16 | std::size_t{tail[3]} << 24;
  // A hint, never a huge allocation: deflate expands at most about 1032:1, and 1 GiB at most.
  return std::min({isize, static_cast<std::size_t>(bytes) * 1032, std::size_t{1} << 30});
}

std::string read_maybe_gzip(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw DataError(
        fmt::format("{}: no such data file (expected an IDX file, gzip or plain)", path.string()));
  gzFile raw = gzopen(path.c_str(), "rb");
  if (raw == nullptr) throw DataError(fmt::format("{}: cannot open for reading", path.string()));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(raw, gzclose);
  std::string data;
  data.reserve(expected_size(path));
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file.get(), buffer, sizeof buffer);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(file.get(), &errnum);
      throw DataError(fmt::format("{}: corrupt gzip data ({})", path.string(), msg));
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  // gzread returns 0 at a truncated gzip stream's end too; gzerror tells them apart.
  int errnum = 0;
  const char* msg = gzerror(file.get(), &errnum);
  if (errnum != Z_OK && errnum != Z_STREAM_END)
    throw DataError(fmt::format("{}: corrupt or truncated gzip data ({})", path.string(), msg));
  return data;
}

std::uint32_t be32(const std::string& d, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(d[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(d[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(d[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(d[at + 3])};
}

/// Validates the header of an unsigned-byte IDX file of `ndims` dimensions; returns the dims.
std::vector<std::uint32_t> parse_header(const std::string& d, const std::filesystem::path& path,
                                        int ndims, const char* what) {
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(ndims);
  if (d.size() < header)
    throw DataError(
        fmt::format("{}: truncated header ({} bytes; an IDX {} file starts with {} "
                    "header bytes)",
                    path.string(), d.size(), what, header));
  const std::uint32_t magic = be32(d, 0);
  const std::uint32_t expected = 0x0800u | static_cast<std::uint32_t>(ndims);
  if (magic != expected)
    throw DataError(
        fmt::format("{}: wrong magic number 0x{:08x} (expected 0x{:08x}: an IDX {} "
                    "file of unsigned bytes with {} dimension{})",
                    path.string(), magic, expected, what, ndims, ndims == 1 ? "" : "s"));
  std::vector<std::uint32_t> dims;
  std::uint64_t total = 1;
  for (int i = 0; i < ndims; ++i) {
    const std::uint32_t n = be32(d, 4 + 4 * static_cast<std::size_t>(i));
    if (n == 0)
      throw DataError(
          fmt::format("{}: dimension {} is 0 (expected a positive size)", path.string(), i));
    dims.push_back(n);
    total *= n;
  }
  const std::uint64_t have = d.size() - header;
  if (have < total)
    throw DataError(
        fmt::format("{}: truncated: the header announces {} data bytes, the file has {}",
                    path.string(), total, have));
  if (have > total)
    throw DataError(
        fmt::format("{}: {} unexpected trailing bytes after the {} announced data bytes",
                    path.string(), have - total, total));
  return dims;
}

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& stem) {
  for (const char* ext : {".gz", ""}) {
    auto p = dir / (stem + ext);
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  throw DataError(fmt::format("{}: no file {} or {}.gz (expected an IDX data directory such as {})",
                              dir.string(), stem, stem, default_data_dir));
}

}  // namespace

Dataset load_idx(const std::filesystem::path& images, const std::filesystem::path& labels,
                 int classes) {
  const std::string img = read_maybe_gzip(images);
  const std::string lab = read_maybe_gzip(labels);
  const auto idims = parse_header(img, images, 3, "image");
  const auto ldims = parse_header(lab, labels, 1, "label");
  if (idims[0] != ldims[0])
    throw DataError(fmt::format("{} has {} images but {} has {} labels (expected equal counts)",
                                images.string(), idims[0], labels.string(), ldims[0]));
  if (idims[1] > 4096 || idims[2] > 4096)
    throw DataError(fmt::format("{}: image size {}x{} is implausible (expected at most 4096x4096)",
                                images.string(), idims[1], idims[2]));
  Dataset ds;
  ds.name = images.filename().string();
  ds.shape = Shape{1, static_cast<int>(idims[1]), static_cast<int>(idims[2])};
  ds.classes = classes;
  const std::size_t n = idims[0];
  const std::size_t pixels = static_cast<std::size_t>(ds.shape.size());
  ds.images.resize(n * pixels);
  const auto* src = reinterpret_cast<const unsigned char*>(img.data() + 16);
  for (std::size_t i = 0; i < n * pixels; ++i) ds.images[i] = static_cast<float>(src[i]) / 255.0f;
  ds.labels.resize(n);
  const auto* lsrc = reinterpret_cast<const unsigned char*>(lab.data() + 8);
  for (std::size_t i = 0; i < n; ++i) {
    if (lsrc[i] >= classes)
      throw DataError(fmt::format("{}: label {} of sample {} is not a class (expected 0..{})",
                                  labels.string(), lsrc[i], i, classes - 1));
    ds.labels[i] = lsrc[i];
  }
  return ds;
}

Dataset load_idx_split(const std::filesystem::path& dir, const std::string& split, int classes) {
  Dataset ds = load_idx(find_file(dir, split + "-images-idx3-ubyte"),
                        find_file(dir, split + "-labels-idx1-ubyte"), classes);
  ds.name = (dir / split).string();
  return ds;
}

}  // namespace lnslab::nn
