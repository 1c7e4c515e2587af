#pragma once
// PNG encoding through libpng, in memory (write the result with write_file_atomically).
#include <cstdint>
#include <span>
#include <string>

namespace lnslab::util {

/// An 8-bit grayscale PNG of `width` x `height` pixels, row-major, `pixels.size() == width *
/// height` (FileError otherwise or when libpng fails). The file's bytes.
std::string encode_png_gray8(int width, int height, std::span<const std::uint8_t> pixels);

}  // namespace lnslab::util
