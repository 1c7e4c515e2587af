#include "lnslab/nn/checkpoint.hpp"

#include <zlib.h>

#include <fmt/format.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/serialize.hpp"
#include "lnslab/nn/train_config.hpp"

namespace lnslab::nn {

namespace {
constexpr std::string_view magic = "LNSLABCK";
constexpr std::size_t header_size = 8 + 4 + 8;

std::uint32_t crc(std::string_view data) {
  uLong c = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < data.size()) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(data.size() - done, 1u << 30));
    c = crc32(c, reinterpret_cast<const Bytef*>(data.data() + done), chunk);
    done += chunk;
  }
  return static_cast<std::uint32_t>(c);
}
}  // namespace

std::string pack_checkpoint(std::string_view payload) {
  StateWriter w;
  std::string out(magic);
  w.u32(checkpoint_version);
  w.u64(payload.size());
  out += w.bytes();
  out += payload;
  StateWriter tail;
  tail.u32(crc(payload));
  out += tail.bytes();
  return out;
}

std::string_view unpack_checkpoint(std::string_view file) {
  if (file.size() < header_size + 4 || file.substr(0, magic.size()) != magic)
    throw CheckpointError("not an lnslab checkpoint (expected the magic bytes LNSLABCK)");
  StateReader r(file.substr(magic.size(), 12));
  const std::uint32_t version = r.u32("version");
  const std::uint64_t size = r.u64("payload size");
  if (version != checkpoint_version)
    throw CheckpointError(fmt::format("checkpoint version {} (this lnslab reads version {})",
                                      version, checkpoint_version));
  if (size != file.size() - header_size - 4)
    throw CheckpointError(
        fmt::format("checkpoint is truncated or has trailing bytes (payload of "
                    "{} bytes announced, {} present)",
                    size, file.size() - header_size - 4));
  const std::string_view payload = file.substr(header_size, size);
  std::uint32_t stored = 0;
  std::memcpy(&stored, file.data() + header_size + size, 4);
  if (stored != crc(payload))
    throw CheckpointError(
        fmt::format("checkpoint checksum mismatch (stored {:08x}, computed {:08x}): "
                    "the file is corrupt",
                    stored, crc(payload)));
  return payload;
}

TrainConfig checkpoint_settings(std::string_view file, std::string_view payload_tag) {
  StateReader r(unpack_checkpoint(file));
  r.expect(payload_tag);
  const std::string text = r.str("settings");
  try {
    return train_config_from_json(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(std::string("checkpoint settings are not valid JSON: ") + e.what());
  } catch (const ConfigError& e) {
    throw CheckpointError(e.what());
  }
}

}  // namespace lnslab::nn
