// The model score of a study (score.hpp): a tiny language-model study on a few KB of text
// aggregates and reports validation bits per character (lower is better) and perplexity, picks
// the lr of the lowest bits per character as the best, and costs each configuration as
// `lnslab sim --model transformer` does; the direction of every model's score, unit-tested.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "lnslab/study/lr_sweep.hpp"
#include "lnslab/study/report.hpp"
#include "lnslab/study/results.hpp"
#include "lnslab/study/runner.hpp"
#include "lnslab/study/score.hpp"
#include "lnslab/study/spec.hpp"

namespace fs = std::filesystem;
using namespace lnslab::study;

namespace {

const std::string configs = std::string(LNSLAB_SOURCE_DIR) + "/configs";

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() /
                     ("lnslab-test-study-scores-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// About 6 KB of fortune-file text: 80 short documents, each ended by a line holding '%'.
fs::path write_corpus(const fs::path& dir) {
  const char* words[] = {"the", "computer", "is",  "a",   "program", "that", "never", "sleeps",
                         "and", "every",    "bug", "has", "its",     "day",  "in",    "court"};
  std::string text;
  std::uint32_t x = 12345;  // a fixed LCG: the same corpus every run
  for (int doc = 0; doc < 80; ++doc) {
    for (int w = 0; w < 12; ++w) {
      x = x * 1664525u + 1013904223u;
      text += words[(x >> 16) % 16];
      text += w == 11 ? ".\n" : " ";
    }
    text += "%\n";
  }
  const fs::path file = dir / "corpus.txt";
  std::ofstream(file) << text;
  return file;
}

GroupResult scored(const std::string& model, double lr, double value) {
  GroupResult g;
  g.model = model;
  g.label = "Adam";
  g.optimizer = "adam";
  g.numerics = "fp32";
  g.lr = lr;
  g.score = &score_of(model);
  g.final_score = Stat{value, value, value};
  return g;
}

}  // namespace

TEST_CASE("each model's score has its direction; the best lr of a sweep follows it",
          "[study][score]") {
  CHECK_FALSE(score_of("mlp").lower_is_better);
  CHECK_FALSE(score_of("cnn").lower_is_better);
  CHECK(score_of("transformer").lower_is_better);
  CHECK(score_of("cgan").lower_is_better);
  CHECK(score_of("transformer").name == "val_bits_per_char");
  CHECK(score_of("cgan").name == "frechet_distance");
  CHECK_THROWS_AS(score_of("rnn"), StudyError);
  // Lower bits per character and lower Fréchet distance are better; higher accuracy is.
  for (const char* model : {"transformer", "cgan"}) {
    INFO(model);
    const auto sweeps =
        lr_sweeps({scored(model, 0.001, 4.0), scored(model, 0.01, 3.0), scored(model, 0.1, 5.0)});
    REQUIRE(sweeps.size() == 1);
    CHECK(sweeps[0].best.lr == 0.01);
    REQUIRE(sweeps[0].at_default);                         // Adam's default lr 0.001 is in the grid
    CHECK(*sweeps[0].loss_from_default() == Approx(1.0));  // 4.0 at the default, 3.0 at best
  }
  const auto acc = lr_sweeps({scored("mlp", 0.001, 0.80), scored("mlp", 0.01, 0.90)});
  REQUIRE(acc.size() == 1);
  CHECK(acc[0].best.lr == 0.01);
  CHECK(*acc[0].loss_from_default() == Approx(0.10));
  // A diverged point (no score) is never the best and leaves the default unscored.
  GroupResult diverged = scored("transformer", 0.001, 0);
  diverged.final_score.reset();
  const auto d = lr_sweeps({diverged, scored("transformer", 0.01, 6.0)});
  REQUIRE(d.size() == 1);
  CHECK(d[0].best.lr == 0.01);
  CHECK(d[0].default_in_grid);
  CHECK_FALSE(d[0].at_default);
}

TEST_CASE("a language-model study aggregates and reports validation bits per character",
          "[study][score]") {
  const fs::path dir = fresh_dir("lm");
  const fs::path corpus = write_corpus(dir);
  REQUIRE(fs::file_size(corpus) > 4000);
  // Adam at three lrs (an lr sweep with the default 0.001 in it), Madam and 8-bit LNS Madam.
  const std::string study_text =
      "name = \"tiny-lm\"\ndata = \"" + corpus.string() +
      "\"\nmodels = [\"transformer\"]\nseeds = [1]\nepochs = 1\nbatch = 8\n"
      "accelerators = [\"" +
      configs +
      "/accelerators/fp32.toml\"]\n"
      "[[runs]]\nlabel = \"Adam\"\noptimizer = \"adam\"\nlrs = [0.0001, 0.001, 0.01]\n"
      "[[runs]]\nlabel = \"Madam\"\noptimizer = \"madam\"\nlr = 0.01\n"
      "[[runs]]\nlabel = \"LNS Madam\"\noptimizer = \"lns-madam\"\nformat = \"lns8:eta0=0.016\"\n"
      "lr = 0.016\n";
  std::ofstream(dir / "lm.toml") << study_text;
  const Study s = load_study(dir / "lm.toml", Mode::normal);
  REQUIRE(s.runs.size() == 5);
  const fs::path out = dir / "out";
  LocalProcessLauncher launcher(LNSLAB_BINARY);
  for (const auto& o : run_grid(s, out, launcher, 2, {})) {
    INFO(o.id << ": " << read_text(out / "runs" / o.id / "log.txt"));
    REQUIRE(o.ok);
  }
  const StudyResults r = analyse(s, out);
  write_report(s, r, out, Provenance{"rev", "compiler", "flags", "machine", "cmd", 2});
  const nlohmann::json results = read_json(out / "results.json");
  REQUIRE(results["configurations"].size() == 5);

  // Each configuration's score is its run's final validation bits per character, its
  // perplexity per character 2^bits, beside its cost on its own hardware.
  std::map<std::string, double> bits;  // group -> bits per character
  for (const auto& c : results["configurations"]) {
    const std::string group = c["group"];
    INFO(group);
    REQUIRE(c["runs"].size() == 1);
    const nlohmann::json run =
        read_json(out / "runs" / c["runs"][0].get<std::string>() / "run.json");
    const double b = run["final_val_bits_per_char"].get<double>();
    CHECK(b == run["epochs"].back()["val_bits_per_char"].get<double>());
    CHECK(c["score"]["name"] == "val_bits_per_char");
    CHECK(c["score"]["lower_is_better"] == true);
    CHECK(c["score"]["mean"].get<double>() == b);
    CHECK(c["score"]["min"].get<double>() == b);
    CHECK(c["score"]["max"].get<double>() == b);
    CHECK(c["test_accuracy"].is_null());  // a language model has no test accuracy
    CHECK(c["metrics"]["val_bits_per_char"]["mean"].get<double>() == b);
    CHECK(c["metrics"]["val_perplexity_per_char"]["mean"].get<double>() ==
          Approx(run["epochs"].back()["val_perplexity_per_char"].get<double>()).epsilon(1e-12));
    CHECK(c["val_loss_per_epoch"].size() == 1);
    CHECK(c["hardware"]["energy_pj_per_step"].get<double>() > 0.0);
    bits[group] = b;
  }
  // LNS Madam against FP32 Madam, in bits per character.
  for (const auto& c : results["configurations"])
    if (c["optimizer"] == "lns-madam") {
      CHECK(c["reference_group"] == "transformer-madam");
      CHECK(c["delta_vs_fp32"].get<double>() ==
            Approx(bits.at("transformer-lns-madam-lns8_eta0_0p016") - bits.at("transformer-madam"))
                .epsilon(1e-12));
    }

  // The lr sweep's best lr is the one of the lowest bits per character, not the highest.
  REQUIRE(results["lr_sweeps"].size() == 1);
  const auto& sweep = results["lr_sweeps"][0];
  const double b_low = bits.at("transformer-adam-lr0p0001"),
               b_mid = bits.at("transformer-adam-lr0p001"),
               b_high = bits.at("transformer-adam-lr0p01");
  const double lowest = std::min({b_low, b_mid, b_high}),
               highest = std::max({b_low, b_mid, b_high});
  REQUIRE(highest - lowest > 0.05);  // the lrs differ enough to tell best from worst
  const double best_lr = lowest == b_low ? 0.0001 : (lowest == b_mid ? 0.001 : 0.01);
  CHECK(sweep["score"] == "val_bits_per_char");
  CHECK(sweep["best_lr"].get<double>() == best_lr);
  CHECK(sweep["best_score"].get<double>() == lowest);
  CHECK(sweep["default_lr"].get<double>() == 0.001);
  CHECK(sweep["default_score"].get<double>() == b_mid);
  CHECK(sweep["loss_from_not_tuning"].get<double>() == Approx(b_mid - lowest).margin(1e-12));
  CHECK_FALSE(sweep.contains("best_test_accuracy"));

  // The report shows bits per character (4 decimals) and perplexity, and the plot data the
  // unscaled bits (not x100 as for an accuracy).
  const std::string report = read_text(out / "report.md");
  CHECK_THAT(report, Catch::Contains("val bits/char (mean [min, max])"));
  CHECK_THAT(report, Catch::Contains("val_perplexity_per_char (mean [min, max])"));
  CHECK_THAT(report, Catch::Contains("val bits/char at best"));
  char shown[32];
  std::snprintf(shown, sizeof shown, "%.4f [%.4f, %.4f]", lowest, lowest, lowest);
  CHECK_THAT(report, Catch::Contains(shown));
  const std::string lr_data = read_text(out / "plots" / "score_vs_lr.dat");
  std::snprintf(shown, sizeof shown, "%g %.6f", best_lr, lowest);
  CHECK_THAT(lr_data, Catch::Contains(shown));

  // `lnslab sim hardware/NAME.toml --model transformer --train --batch 8` reruns a row's cost.
  for (const auto& c : results["configurations"]) {
    if (c["optimizer"] != "lns-madam") continue;
    const std::string name = c["hardware"]["accelerator"];
    std::string file;
    for (char ch : name)
      file += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' ? ch : '_';
    const std::string cmd = std::string(LNSLAB_BINARY) + " sim " +
                            (out / "hardware" / (file + ".toml")).string() +
                            " --model transformer --train --batch 8 --json " +
                            (dir / "sim.json").string() + " >/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(read_json(dir / "sim.json")["runs"][0]["total"]["energy_pj"]["total"].get<double>() ==
          Approx(c["hardware"]["energy_pj_per_step"].get<double>()).epsilon(1e-12));
  }
  fs::remove_all(dir);
}

TEST_CASE("an LNS configuration is compared with the FP32 run of the nearest lr of a sweep",
          "[study][score]") {
  // Mistake caught: with FP32 Madam swept over lrs that do not include 8-bit LNS Madam's 0.016,
  // "vs FP32" was taken against the sweep's first lr (1e-4), not the nearest (0.01).
  const fs::path dir = fresh_dir("nearest-lr");
  std::ofstream(dir / "s.toml") << "name = \"nearest\"\ndata = \"synthetic\"\nmodels = [\"mlp\"]\n"
                                   "seeds = [1]\nepochs = 1\nbatch = 64\naccelerators = [\""
                                << configs
                                << "/accelerators/fp32.toml\"]\n"
                                   "[[runs]]\nlabel = \"Madam\"\noptimizer = \"madam\"\n"
                                   "lrs = [0.0001, 0.01, 1.0]\n"
                                   "[[runs]]\nlabel = \"LNS Madam\"\noptimizer = \"lns-madam\"\n"
                                   "format = \"lns8:eta0=0.016\"\nlr = 0.016\n";
  const Study s = load_study(dir / "s.toml", Mode::normal);
  const fs::path out = dir / "out";
  LocalProcessLauncher launcher(LNSLAB_BINARY);
  for (const auto& o : run_grid(s, out, launcher, 2, {})) REQUIRE(o.ok);
  const StudyResults r = analyse(s, out);
  const GroupResult* lns = nullptr;
  const GroupResult* madam_at_default = nullptr;
  for (const GroupResult& g : r.groups) {
    if (g.optimizer == "lns-madam") lns = &g;
    if (g.optimizer == "madam" && g.lr == 0.01) madam_at_default = &g;
  }
  REQUIRE(lns != nullptr);
  REQUIRE(madam_at_default != nullptr);
  CHECK(lns->reference_group == madam_at_default->group);
  REQUIRE(lns->delta_vs_fp32.has_value());
  CHECK(*lns->delta_vs_fp32 == lns->final_score->mean - madam_at_default->final_score->mean);
}
