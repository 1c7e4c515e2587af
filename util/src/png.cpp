#include "lnslab/util/png.hpp"

#include <png.h>

#include <csetjmp>
#include <vector>

#include "lnslab/util/files.hpp"

namespace lnslab::util {
namespace {

void append(png_structp png, png_bytep data, png_size_t size) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), size);
}

void no_flush(png_structp /*png*/) {}

}  // namespace

std::string encode_png_gray8(int width, int height, std::span<const std::uint8_t> pixels) {
  if (width < 1 || height < 1 ||
      pixels.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
    throw FileError("encode_png_gray8: " + std::to_string(pixels.size()) + " pixels for " +
                    std::to_string(width) + " x " + std::to_string(height));
  std::string out;
  std::vector<png_const_bytep> rows(static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y)
    rows[static_cast<std::size_t>(y)] = pixels.data() + static_cast<std::size_t>(y) * width;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) throw FileError("libpng: cannot create a write structure");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    throw FileError("libpng: cannot create an info structure");
  }
  // libpng reports errors by longjmp; only plain data lives across the setjmp.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw FileError("libpng: encoding failed");
  }
  png_set_write_fn(png, &out, append, no_flush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, const_cast<png_bytepp>(rows.data()));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace lnslab::util
