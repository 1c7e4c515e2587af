// IDX images and labels, plain or gzip. Input: a flags byte, a 2-byte little-endian length L,
// L bytes of the image file, the rest the label file. Flags bit 0 / bit 1: gzip-compress the
// image / label bytes before writing them (so the IDX parser is reached through zlib); bit 2:
// write the image bytes raw but named .gz (corrupt and truncated gzip streams).
#include <zlib.h>

#include <algorithm>

#include "fuzz_util.hpp"
#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/errors.hpp"

namespace {
std::string gzip(std::string_view bytes) {
  z_stream z{};
  deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
  std::string out(deflateBound(&z, bytes.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const unsigned flags = data[0];
  const std::size_t split = std::min<std::size_t>(size - 3, data[1] | (std::size_t{data[2]} << 8));
  const std::string_view images = lnslab::fuzz::text(data + 3, split);
  const std::string_view labels = lnslab::fuzz::text(data + 3 + split, size - 3 - split);
  const bool gz_images = (flags & 1) != 0 || (flags & 4) != 0;
  const auto ip = lnslab::fuzz::write_scratch(
      gz_images ? "images.gz" : "images", (flags & 1) != 0 ? gzip(images) : std::string(images));
  const auto lp =
      lnslab::fuzz::write_scratch((flags & 2) != 0 ? "labels.gz" : "labels",
                                  (flags & 2) != 0 ? gzip(labels) : std::string(labels));
  try {
    (void)lnslab::nn::load_idx(ip, lp, 1 + static_cast<int>((flags >> 3) % 16));
  } catch (const lnslab::nn::DataError&) {
  }
  return 0;
}
