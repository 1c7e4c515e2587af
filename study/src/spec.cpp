#include "lnslab/study/spec.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <set>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/sim/config.hpp"

namespace lnslab::study {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& file, const toml::source_region& where,
                       const std::string& key, const std::string& what) {
  throw StudyError(fmt::format("{}:{}: key '{}': {}", file.string(), where.begin.line, key, what));
}

// The top-level keys a grid may set (also inside [quick] / [full]).
const std::set<std::string> grid_keys = {
    "name",        "data",       "models",       "seeds",      "epochs",    "batch", "schedule",
    "train_limit", "test_limit", "accelerators", "topologies", "batchnorm", "isa"};
const std::set<std::string> run_keys = {
    "label",    "optimizer", "numerics", "formats",  "format", "lr",    "lrs",  "quick",
    "schedule", "p_scale",   "rounding", "momentum", "epochs", "batch", "full", "accelerator"};

struct Grid {
  std::string name = "study";
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::vector<std::string> models{"mlp"};
  std::vector<std::int64_t> seeds{1};
  std::int64_t epochs = 10;
  std::int64_t batch = 128;
  std::string schedule = "none";
  std::int64_t train_limit = 0;
  std::int64_t test_limit = 0;
  std::vector<fs::path> accelerators;
  std::map<std::string, fs::path> topologies;
  std::set<std::string> batchnorm;  ///< models trained with batch norm (no affine)
  /// The float products' ISA of every run (nn/isa.hpp); "best" passes no --isa. A study that
  /// spans machines pins it so that its runs' bits do not depend on which machine ran them.
  std::string isa = "best";
};

template <typename T>
T get(const fs::path& file, const toml::node& node, const std::string& key, const char* expected) {
  if constexpr (std::is_same_v<T, double>) {
    if (auto v = node.value<double>()) return *v;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (node.is_boolean()) return *node.value<bool>();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    if (node.is_integer()) return *node.value<std::int64_t>();
  } else {
    if (node.is_string()) return *node.value<std::string>();
  }
  fail(file, node.source(), key, std::string("expected ") + expected);
}

template <typename T>
std::vector<T> get_list(const fs::path& file, const toml::node& node, const std::string& key,
                        const char* expected) {
  const toml::array* arr = node.as_array();
  if (arr == nullptr)
    fail(file, node.source(), key, std::string("expected an array of ") + expected);
  std::vector<T> out;
  for (const toml::node& item : *arr) out.push_back(get<T>(file, item, key, expected));
  if (out.empty()) fail(file, node.source(), key, "the list is empty: the grid would be empty");
  return out;
}

fs::path resolve_path(const fs::path& file, const std::string& p) {
  const fs::path path(p);
  return path.is_absolute() ? path : file.parent_path() / path;
}

void apply_grid(const fs::path& file, const toml::table& t, Grid& g, bool top_level) {
  for (const auto& [k, node] : t) {
    const std::string key(k.str());
    if (top_level && (key == "runs" || key == "quick" || key == "full")) continue;
    if (!grid_keys.count(key)) {
      fail(file, node.source(), key,
           "unknown key (known: name, data, models, seeds, epochs, batch, schedule, train_limit, "
           "test_limit, accelerators, topologies, batchnorm, isa, [quick], [full], [[runs]])");
    }
    if (key == "name") g.name = get<std::string>(file, node, key, "a string");
    if (key == "data") {
      g.data = get<std::string>(file, node, key, "a directory or \"synthetic\"");
      if (g.data != "synthetic") g.data = resolve_path(file, g.data).string();
    }
    if (key == "models") g.models = get_list<std::string>(file, node, key, "model names");
    if (key == "batchnorm") {
      const auto models = get_list<std::string>(file, node, key, "model names");
      g.batchnorm = std::set<std::string>(models.begin(), models.end());
    }
    if (key == "seeds") g.seeds = get_list<std::int64_t>(file, node, key, "integers");
    if (key == "epochs") g.epochs = get<std::int64_t>(file, node, key, "an integer");
    if (key == "batch") g.batch = get<std::int64_t>(file, node, key, "an integer");
    if (key == "schedule") g.schedule = get<std::string>(file, node, key, "a schedule string");
    if (key == "train_limit") g.train_limit = get<std::int64_t>(file, node, key, "an integer");
    if (key == "test_limit") g.test_limit = get<std::int64_t>(file, node, key, "an integer");
    if (key == "isa") g.isa = get<std::string>(file, node, key, "best, avx512, avx2 or portable");
    if (key == "accelerators") {
      g.accelerators.clear();
      for (const auto& p : get_list<std::string>(file, node, key, "config paths"))
        g.accelerators.push_back(resolve_path(file, p));
    }
    if (key == "topologies") {
      const toml::table* tt = node.as_table();
      if (tt == nullptr) fail(file, node.source(), key, "expected a table model = \"file.csv\"");
      for (const auto& [m, p] : *tt)
        g.topologies[std::string(m.str())] =
            resolve_path(file, get<std::string>(file, p, std::string(m.str()), "a path"));
    }
  }
  if (g.epochs < 1) fail(file, t.source(), "epochs", "expected epochs >= 1");
  if (g.batch < 1) fail(file, t.source(), "batch", "expected batch >= 1");
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(c));
    else if (c == '.' || c == '=' || c == ':')
      out += c == '.' ? 'p' : '_';
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// A study trains classifiers on IDX data or the transformer on text, not both on one `data`.
void check_data(const fs::path& file, const std::string& data,
                const std::vector<std::string>& models) {
  const auto text_models =
      static_cast<std::size_t>(std::count(models.begin(), models.end(), "transformer"));
  if (text_models > 0) {
    if (text_models != models.size())
      throw StudyError(fmt::format(
          "{}: key 'models': the transformer trains on text and the other models on images; "
          "give them separate studies (one 'data' each)",
          file.string()));
    if (!fs::exists(data))
      throw StudyError(fmt::format(
          "{}: key 'data': '{}' does not exist: expected a text file or a directory of them "
          "such as /usr/share/games/fortunes (the Debian package fortunes)",
          file.string(), data));
    return;
  }
  if (data == "synthetic") return;
  for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    const fs::path plain = fs::path(data) / name;
    fs::path gz = plain;
    gz += ".gz";
    if (!fs::exists(plain) && !fs::exists(gz))
      throw StudyError(
          fmt::format("{}: key 'data': '{}' has no {} (or .gz): expected an IDX "
                      "dataset directory such as /usr/share/datasets/fashion-mnist",
                      file.string(), data, name));
  }
}

double expected_cost(const nn::TrainConfig& c) {
  const double images = c.train_limit > 0 ? double(c.train_limit) : 60000.0;
  double factor = c.model.kind == "cnn" ? 8.0 : 1.0;
  // An epoch of the default transformer over the fortunes corpus takes about 40 MLP epochs.
  if (c.model.kind == "transformer") factor = 40.0;
  // cgan: both networks, two discriminator passes a step (measured 60-150 images/s on the shared
  // 2-core machine against the MLP's ~13,000)
  if (c.model.kind == "cgan") factor = 150.0;
  if (c.numerics == "lns-full") factor *= 10.0;
  // LNS-stored float rules re-encode every weight each step
  if (c.descriptor().lns_weights && !nn::update_rule(c).exponent_update) factor *= 2.0;
  return double(c.epochs) * images * factor;
}

}  // namespace

Study load_study(const fs::path& file, Mode mode, const std::vector<std::string>& only_models) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw StudyError(fmt::format("{}:{}: {}", file.string(), e.source().begin.line,
                                 std::string(e.description())));
  } catch (const std::exception& e) {
    throw StudyError(file.string() + ": cannot read the study file: " + e.what());
  }
  Grid grid;
  apply_grid(file, root, grid, true);
  const char* mode_key = mode == Mode::quick ? "quick" : (mode == Mode::full ? "full" : nullptr);
  if (mode_key != nullptr) {
    if (const toml::node* n = root.get(mode_key)) {
      if (!n->is_table()) fail(file, n->source(), mode_key, "expected a table of grid keys");
      apply_grid(file, *n->as_table(), grid, false);
    }
  }
  check_data(file, grid.data, grid.models);
  for (const auto& m : grid.batchnorm)
    if (std::find(grid.models.begin(), grid.models.end(), m) == grid.models.end())
      throw StudyError(fmt::format("{}: key 'batchnorm': '{}' is not one of the study's models",
                                   file.string(), m));
  for (const auto& m : only_models)
    if (std::find(grid.models.begin(), grid.models.end(), m) == grid.models.end())
      throw StudyError(
          fmt::format("--models: '{}' is not one of the models of {}", m, file.string()));
  if (!only_models.empty()) grid.models = only_models;

  Study s;
  s.name = grid.name;
  s.file = file;
  s.data = grid.data;
  s.accelerators = grid.accelerators;
  s.topologies = grid.topologies;
  s.batch = static_cast<int>(grid.batch);
  for (const auto& acc : s.accelerators)
    if (!fs::exists(acc))
      throw StudyError(
          fmt::format("{}: key 'accelerators': '{}' does not exist", file.string(), acc.string()));

  const toml::node* runs_node = root.get("runs");
  if (runs_node == nullptr || !runs_node->is_array_of_tables() || runs_node->as_array()->empty())
    throw StudyError(file.string() +
                     ": key 'runs': expected at least one [[runs]] table; the "
                     "grid is empty");
  std::set<std::string> ids;
  for (const toml::node& rn : *runs_node->as_array()) {
    const toml::table& r = *rn.as_table();
    for (const auto& [k, node] : r)
      if (!run_keys.count(std::string(k.str())))
        fail(file, node.source(), std::string(k.str()),
             "unknown key in [[runs]] (known: label, optimizer, numerics, formats, format, lr, "
             "lrs, quick, full, schedule, p_scale, rounding, momentum, epochs, batch, "
             "accelerator)");
    auto opt = [&](const char* key) { return r.get(key); };
    if (opt("optimizer") == nullptr) fail(file, r.source(), "optimizer", "missing in [[runs]]");
    const std::string optimizer = get<std::string>(file, *opt("optimizer"), "optimizer", "a name");
    if (mode == Mode::quick && opt("quick") && !get<bool>(file, *opt("quick"), "quick", "a bool"))
      continue;
    if (mode == Mode::full && opt("full") && !get<bool>(file, *opt("full"), "full", "a bool"))
      continue;
    std::vector<std::string> formats{""};
    if (opt("formats")) formats = get_list<std::string>(file, *opt("formats"), "formats", "specs");
    if (opt("format")) formats = {get<std::string>(file, *opt("format"), "format", "a spec")};
    const std::string label =
        opt("label") ? get<std::string>(file, *opt("label"), "label", "a string") : optimizer;
    if (opt("lr") && opt("lrs"))
      fail(file, opt("lrs")->source(), "lrs", "give either lr or lrs, not both");
    // 0: the optimizer's default (nn resolves it); a list: one configuration per lr.
    std::vector<double> lrs{0.0};
    if (opt("lr")) lrs = {get<double>(file, *opt("lr"), "lr", "a number")};
    const bool lr_grid = opt("lrs") != nullptr;
    if (lr_grid) lrs = get_list<double>(file, *opt("lrs"), "lrs", "numbers");
    for (const std::string& model : grid.models) {
      for (const std::string& format : formats) {
        for (double lr : lrs) {
          for (std::int64_t seed : grid.seeds) {
            nn::TrainConfig c;
            c.model.kind = model;
            c.model.batchnorm = grid.batchnorm.count(model) > 0;
            c.optimizer = optimizer;
            c.epochs = static_cast<int>(grid.epochs);
            c.batch = static_cast<int>(grid.batch);
            c.schedule = grid.schedule;
            c.seed = static_cast<std::uint64_t>(seed);
            c.train_limit = static_cast<std::size_t>(grid.train_limit);
            c.test_limit = static_cast<std::size_t>(grid.test_limit);
            c.isa = grid.isa;
            if (!format.empty()) c.format = format;
            if (opt("numerics"))
              c.numerics = get<std::string>(file, *opt("numerics"), "numerics", "a mode");
            c.lr = lr;
            if (opt("schedule"))
              c.schedule = get<std::string>(file, *opt("schedule"), "schedule", "a string");
            if (opt("p_scale"))
              c.p_scale = get<double>(file, *opt("p_scale"), "p_scale", "a number");
            if (opt("rounding"))
              c.rounding = get<std::string>(file, *opt("rounding"), "rounding", "a mode");
            if (opt("accelerator"))
              c.accelerator = resolve_path(file, get<std::string>(file, *opt("accelerator"),
                                                                  "accelerator", "a config path"))
                                  .string();
            if (opt("momentum"))
              c.momentum = get<double>(file, *opt("momentum"), "momentum", "a number");
            if (opt("epochs"))
              c.epochs =
                  static_cast<int>(get<std::int64_t>(file, *opt("epochs"), "epochs", "an integer"));
            if (opt("batch"))
              c.batch =
                  static_cast<int>(get<std::int64_t>(file, *opt("batch"), "batch", "an integer"));
            try {
              c.resolve();
            } catch (const std::exception& e) {
              fail(file, r.source(), "runs",
                   std::string("invalid run '") + label + "': " + e.what());
            }
            // A setting the study gives must be one the optimizer takes, even at its default.
            for (nn::OptimizerOption o :
                 {nn::OptimizerOption::p_scale, nn::OptimizerOption::rounding,
                  nn::OptimizerOption::momentum}) {
              const std::string key(nn::to_string(o));
              if (opt(key.c_str()) && !c.descriptor().takes(o))
                fail(file, opt(key.c_str())->source(), key,
                     "does not apply to optimizer '" + c.optimizer + "'");
            }
            RunSpec run;
            run.label = label;
            run.model = model;
            run.model_spec = c.model;
            run.optimizer = c.optimizer;
            run.numerics = c.numerics;
            // The study's own spelling (nn may canonicalise it, e.g. append the bias K).
            run.format = c.numerics == "fp32" ? "" : (format.empty() ? c.format : format);
            run.bits = run.format.empty() ? 32 : lns::Format::parse(run.format).bits();
            run.seed = c.seed;
            run.lr = c.lr;
            run.batch = c.batch;
            run.expected_cost = expected_cost(c);
            if (c.numerics == "lns-full") run.accelerator = c.accelerator;
            run.update = nn::update_rule(c);
            run.group = slug(model + "-" + label + (run.format.empty() ? "" : "-" + run.format) +
                             (lr_grid ? fmt::format("-lr{}", c.lr) : ""));
            run.id = run.group + "-s" + std::to_string(seed);
            if (!ids.insert(run.id).second)
              fail(file, r.source(), "runs",
                   "two runs share the id '" + run.id +
                       "': give them "
                       "different labels");
            auto arg = [&](const std::string& k, const std::string& v) {
              run.train_args.push_back(k);
              run.train_args.push_back(v);
            };
            arg("--model", model);
            arg("--optimizer", c.optimizer);
            arg("--numerics", c.numerics);
            if (!run.format.empty()) arg("--format", run.format);
            arg("--lr", fmt::format("{}", c.lr));
            arg("--epochs", std::to_string(c.epochs));
            arg("--batch", std::to_string(c.batch));
            arg("--schedule", c.schedule);
            arg("--seed", std::to_string(c.seed));
            if (c.model.kind != "transformer") {  // it reads the whole corpus
              arg("--train-limit", std::to_string(c.train_limit));
              arg("--test-limit", std::to_string(c.test_limit));
            }
            // The optimizer's own settings, only those it takes.
            const nn::OptimizerDescriptor& d = c.descriptor();
            if (d.takes(nn::OptimizerOption::p_scale))
              arg("--p-scale", fmt::format("{}", c.p_scale));
            if (d.takes(nn::OptimizerOption::momentum))
              arg("--momentum", fmt::format("{}", c.momentum));
            if (d.takes(nn::OptimizerOption::rounding)) arg("--rounding", c.rounding);
            arg("--data", grid.data);
            if (c.numerics == "lns-full") arg("--accelerator", c.accelerator);
            if (c.model.batchnorm) run.train_args.push_back("--batchnorm");
            if (grid.isa != "best") arg("--isa", grid.isa);
            s.runs.push_back(std::move(run));
          }
        }
      }
    }
  }
  if (s.runs.empty()) throw StudyError(file.string() + ": the grid is empty for this mode");
  // Every configuration is costed on hardware derived from the first accelerator, and lns-full
  // runs train on theirs: both must be configs the simulator accepts, before any run starts.
  if (s.accelerators.empty())
    throw StudyError(file.string() +
                     ": key 'accelerators': missing or empty; its first entry is the template of "
                     "every configuration's hardware");
  std::set<std::string> configs{s.accelerators.front().string()};
  for (const RunSpec& run : s.runs)
    if (!run.accelerator.empty()) configs.insert(run.accelerator);
  for (const std::string& config : configs) {
    try {
      sim::load_config(config);
    } catch (const std::exception& e) {
      throw StudyError(file.string() + ": accelerator '" + config + "': " + e.what());
    }
  }
  return s;
}

}  // namespace lnslab::study
