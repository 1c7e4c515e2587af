// The lnslab command: one subcommand per user job; the work happens in the library modules.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "common.hpp"
#include "lnslab/lns/format.hpp"
#include "lnslab_version.hpp"

int main(int argc, char** argv) {
  // Past a file-size limit a write fails with EFBIG and is reported (exit 2, previous outputs
  // kept) instead of the default SIGXFSZ ending the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{
      "lnslab: low-precision logarithmic-number-system arithmetic, accelerator "
      "simulation and training"};
  app.set_version_flag("--version", lnslab::cli::build_provenance());
  app.require_subcommand(1);
  lnslab::cli::register_format(app);
  lnslab::cli::register_closure(app);
  lnslab::cli::register_sim(app);
  lnslab::cli::register_study(app);
  lnslab::cli::register_train(app);
  lnslab::cli::register_bound(app);
  lnslab::cli::register_generate(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const lnslab::cli::InputError& e) {
    std::fprintf(stderr, "lnslab: error: %s\n", e.what());
    return 2;
  } catch (const lnslab::util::FileError& e) {
    std::fprintf(stderr, "lnslab: error: %s\n", e.what());
    return 2;
  } catch (const lnslab::lns::FormatError& e) {
    std::fprintf(stderr, "lnslab: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lnslab: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
