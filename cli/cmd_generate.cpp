// lnslab generate: prints text sampled from a trained character-level transformer (a checkpoint
// of `lnslab train --model transformer`), so a user sees what the model learned. The products run
// in float (EigenMatmul) whatever numerics trained the weights; the checkpoint holds the weights
// as the run used them (LNS-stored weights decoded).
#include <fmt/format.h>

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/generate.hpp"
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/text_corpus.hpp"
#include "lnslab/nn/trainer.hpp"

namespace lnslab::cli {
namespace {

struct GenerateArgs {
  std::string checkpoint;
  std::string prompt;
  int tokens = 200;
  double temperature = 0.8;
  std::uint64_t seed = 1;
};

void run(const GenerateArgs& a) {
  if (a.prompt.empty()) throw InputError("--prompt: empty (expected at least one character)");
  if (a.tokens < 1) throw InputError(fmt::format("--tokens {}: expected at least 1", a.tokens));
  if (!(a.temperature >= 0.0))
    throw InputError(fmt::format("--temperature {}: expected a number >= 0", a.temperature));
  std::string file;
  try {
    file = util::read_file(a.checkpoint, "--checkpoint");
  } catch (const util::FileError& e) {
    throw InputError(std::string(e.what()) + " (expected a checkpoint file)");
  }
  nn::TrainConfig config;
  try {
    config = nn::Trainer::checkpoint_config(file);
  } catch (const nn::CheckpointError& e) {
    throw InputError("--checkpoint " + a.checkpoint + ": " + e.what());
  }
  if (config.model.kind != "transformer")
    throw InputError(
        fmt::format("--checkpoint {}: holds a {} model (expected a checkpoint of "
                    "lnslab train --model transformer)",
                    a.checkpoint, config.model.kind));
  const int context = config.model.transformer.context;
  nn::Network<float> net =
      nn::build_model<float>(config.model, nn::Shape{context, 1, 1}, nn::byte_vocabulary);
  try {
    nn::Trainer::checkpoint_parameters(file, net.params().values());
  } catch (const nn::CheckpointError& e) {
    throw InputError("--checkpoint " + a.checkpoint + ": " + e.what());
  }
  lns::Rng rng(a.seed);
  const std::string text = nn::generate_text(net, context, a.prompt, a.tokens, a.temperature, rng);
  std::fwrite(a.prompt.data(), 1, a.prompt.size(), stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

void register_generate(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Print text sampled from a checkpoint of lnslab train --model transformer");
  cmd->add_option("--checkpoint", args->checkpoint, "checkpoint.lnsck of a transformer run")
      ->required();
  cmd->add_option("--prompt", args->prompt, "text the sample continues")->required();
  cmd->add_option("--tokens", args->tokens, "characters to generate")->capture_default_str();
  cmd->add_option("--temperature", args->temperature,
                  "softmax temperature (0: always the most likely character)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed of the sampling")->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace lnslab::cli
