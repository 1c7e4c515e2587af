#pragma once
// The checkpoint container: magic "LNSLABCK", format version, payload size, payload, CRC-32 of
// the payload (zlib), all little-endian. The payload is written by Trainer::checkpoint().
#include <cstdint>
#include <string>
#include <string_view>

namespace lnslab::nn {

inline constexpr std::uint32_t checkpoint_version = 1;

/// Wraps a payload into the container.
std::string pack_checkpoint(std::string_view payload);
/// Validates magic, version, size and checksum; returns the payload (a view into `file`).
/// Throws CheckpointError saying what is wrong.
std::string_view unpack_checkpoint(std::string_view file);

}  // namespace lnslab::nn
