// Checkpoints (`lnslab train --resume`). Input: a flags byte, then the data. Flags bits 0-1 pick
// the optimizer of the trainer that restores; bit 2 set: the data is a payload, wrapped here in
// a valid container (so the fuzzer gets past the CRC into the state reader); clear: the data is
// the whole file.
#include "checkpoint_trainer.hpp"
#include "fuzz_util.hpp"
#include "lnslab/nn/checkpoint.hpp"
#include "lnslab/nn/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lnslab;
  if (size == 0) return 0;
  const std::string_view rest = fuzz::text(data + 1, size - 1);
  const std::string file = (data[0] & 4) != 0 ? nn::pack_checkpoint(rest) : std::string(rest);
  try {
    (void)nn::Trainer::checkpoint_config(file);
  } catch (const nn::CheckpointError&) {
  }
  // One trainer per optimizer, reused: a failed restore may leave it partly overwritten, which
  // changes nothing for the reader (every restore starts from the file).
  static std::unique_ptr<nn::Trainer> trainers[4] = {
      fuzz::checkpoint_trainer(0), fuzz::checkpoint_trainer(1), fuzz::checkpoint_trainer(2),
      fuzz::checkpoint_trainer(3)};
  try {
    trainers[data[0] & 3]->restore(file);
  } catch (const nn::CheckpointError&) {
  }
  return 0;
}
