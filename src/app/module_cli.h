// The modules' CLI subcommands (module::CliCommand) on CLI11: added under `lucas` before parsing,
// run after it with a platform built (and migrated) on first use.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/config.h"
#include "infra/module/module.h"

namespace lucas::app {

class ModuleCli {
 public:
  // Adds every module's commands to `cli` (a group that exists already gets the subcommand).
  ModuleCli(CLI::App& cli, const std::vector<module::Module>& modules);
  // The exit code of the module command that was given, or nullopt when it was none of them.
  std::optional<int> run(const Config& config, const std::vector<module::Module>& modules) const;

 private:
  struct Entry {
    CLI::App* sub = nullptr;
    const module::CliCommand* command = nullptr;
    std::map<std::string, std::string> values;
    std::vector<std::pair<std::string, CLI::Option*>> options;
  };
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace lucas::app
