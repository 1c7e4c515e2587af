#pragma once
// `lnslab train --model cgan`: the class-conditional GAN's run and its outputs in --out
// (metrics.csv, run.json, samples-epoch-N.png, checkpoint.lnsck).
#include <filesystem>
#include <string>

#include "lnslab/nn/train_config.hpp"

namespace lnslab::cli {

struct CganRunArgs {
  nn::TrainConfig config;       ///< model cgan, data_dir filled
  std::string checkpoint;       ///< bytes of --resume (empty: a new run)
  std::string resume;           ///< the --resume path (for messages)
  std::filesystem::path out;    ///< empty: no files
  std::filesystem::path cache;  ///< feature classifier cache directory
};

void run_cgan(const CganRunArgs& args);

}  // namespace lnslab::cli
