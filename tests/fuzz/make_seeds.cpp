// Writes the binary seeds of the fuzz corpora (checkpoints of each optimizer, IDX files) into
// the directory given as argument: `make_seeds tests/fuzz/corpus`.
#include <cstdio>
#include <fstream>
#include <string>

#include "checkpoint_trainer.hpp"
#include "lnslab/nn/checkpoint.hpp"

namespace {
void write(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  for (std::size_t o = 0; o < lnslab::fuzz::checkpoint_optimizers.size(); ++o) {
    auto t = lnslab::fuzz::checkpoint_trainer(o);
    t->run();
    const std::string file = t->checkpoint();
    const std::string name = lnslab::fuzz::checkpoint_optimizers[o];
    write(dir / "checkpoint" / (name + ".bin"), std::string(1, static_cast<char>(o)) + file);
    const std::string payload(lnslab::nn::unpack_checkpoint(file));
    write(dir / "checkpoint" / (name + "-payload.bin"),
          std::string(1, static_cast<char>(o | 4)) + payload);
  }
  // IDX: 3 images of 2x2 and their labels, plain and gzip-compressed by the target.
  const std::string images = be32(0x803) + be32(3) + be32(2) + be32(2) + std::string(12, '\x7f');
  const std::string labels = be32(0x801) + be32(3) + std::string("\x01\x02\x00", 3);
  const std::string split = {static_cast<char>(images.size() & 0xff),
                             static_cast<char>(images.size() >> 8)};
  for (int flags : {0, 1, 2, 3, 4})
    write(dir / "idx" / ("flags" + std::to_string(flags) + ".bin"),
          std::string(1, static_cast<char>(flags | (9 << 3))) + split + images + labels);
  return 0;
}
