#pragma once
// One register_<name> per subcommand; each lives in cli/cmd_<name>.cpp.
#include <CLI/CLI.hpp>

namespace lnslab::cli {

void register_format(CLI::App& app);
void register_closure(CLI::App& app);
void register_sim(CLI::App& app);
void register_study(CLI::App& app);
void register_train(CLI::App& app);
void register_bound(CLI::App& app);
void register_generate(CLI::App& app);

}  // namespace lnslab::cli
