#pragma once
// The checkpoint container: magic "LNSLABCK", format version, payload size, payload, CRC-32 of
// the payload (zlib), all little-endian. The payload is written by Trainer::checkpoint().
#include <cstdint>
#include <string>
#include <string_view>

namespace lnslab::nn {

struct TrainConfig;

inline constexpr std::uint32_t checkpoint_version = 1;

/// Wraps a payload into the container.
std::string pack_checkpoint(std::string_view payload);
/// Validates magic, version, size and checksum; returns the payload (a view into `file`).
/// Throws CheckpointError saying what is wrong.
std::string_view unpack_checkpoint(std::string_view file);

/// The training settings of a checkpoint whose payload begins with `payload_tag` (the trainer
/// that wrote it): its "settings" JSON read back as a TrainConfig. Throws CheckpointError for a
/// damaged container, another tag, or settings that are not valid JSON or not a valid config.
TrainConfig checkpoint_settings(std::string_view file, std::string_view payload_tag);

}  // namespace lnslab::nn
